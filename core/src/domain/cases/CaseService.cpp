#include "cases/CaseService.h"

#include "calendar/TenantCalendars.h"

#include "cases/CaseDocuments.h"
#include "cases/CaseJson.h"
#include "cases/CaseKinds.h"
#include "cases/CaseNumbering.h"
#include "cases/CaseStore.h"
#include "lua/LuaJson.h"
#include "lua/LuaState.h"
#include "notify/NotificationCentre.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "tenants/TenantRegistry.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace kabinet {

using namespace cases;

namespace {

using Var = Poco::Dynamic::Var;
using Arr = Poco::JSON::Array::Ptr;
using FieldErrors = std::map<std::string, std::string>;

constexpr std::size_t kMaxText = 4000;
constexpr int kPageSize = 50;

bool isStaff(const SessionInfo& s) { return s.role == "operator" || s.role == "tenant-admin" || s.role == "platform-admin"; }
/// The side of a case a person is on: "operator" for staff, else "consumer".
std::string sideOf(const SessionInfo& s) { return isStaff(s) ? "operator" : "consumer"; }

std::size_t chars(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string trimmed(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Obj parseObject(const std::string& text) {
    try {
        auto v = Poco::JSON::Parser().parse(text.empty() ? "{}" : text);
        if (v.type() == typeid(Obj)) return v.extract<Obj>();
    } catch (const std::exception&) {
    }
    return new Poco::JSON::Object;
}

std::string stringify(const Var& v) {
    if (v.isEmpty()) return "{}";
    std::ostringstream o;
    if (v.type() == typeid(Obj)) v.extract<Obj>()->stringify(o);
    else return luajson::stringify(v);
    return o.str();
}

/// A text member of a body: "" when absent or null; 422 naming it when not text.
std::string textMember(const Obj& b, const std::string& key) {
    if (!b || !b->has(key) || b->get(key).isEmpty()) return {};
    if (!b->get(key).isString()) throw Unprocessable({{key, "Ожидается текст"}});
    return b->getValue<std::string>(key);
}

/// The object member `fields` (absent: empty; text: parsed, as multipart forms send it).
Obj fieldsMember(const Obj& b) {
    if (!b || !b->has("fields") || b->get("fields").isEmpty()) return new Poco::JSON::Object;
    const Var v = b->get("fields");
    if (v.type() == typeid(Obj)) return v.extract<Obj>();
    if (v.isString()) {
        try {
            auto p = Poco::JSON::Parser().parse(v.convert<std::string>());
            if (p.type() == typeid(Obj)) return p.extract<Obj>();
        } catch (const std::exception&) {
        }
    }
    throw Unprocessable({{"fields", "Ожидается объект со значениями полей формы"}});
}

std::shared_ptr<const Model> modelOf(Tenant& t) { return CaseKinds::of(t); }

/// The end of a deadline of `days` counted from `event` by the tenant's production calendar (24:00 local time
/// of the last day).
long long deadlineOf(Tenant& t, long long event, int days, const std::string& unit) {
    return TenantCalendars::of(t).deadline(event, days, ProductionCalendar::unitOf(unit == "working" ? "working" : "calendar"), t.utcOffset());
}

/// The person's name as shown: ФИО, organisation, or e-mail.
std::string nameOf(Tenant& t, soci::session& se, const std::string& userId) {
    if (userId.empty()) return {};
    auto p = person(se, t.id(), userId);
    if (!p) return "Пользователь удалён";
    std::string n;
    try {
        n = t.displayName(p->kind, Poco::JSON::Parser().parse(p->fieldsJson.empty() ? "{}" : p->fieldsJson));
    } catch (const std::exception&) {
    }
    if (n.empty()) n = p->email;
    if (n.empty()) n = p->role == "consumer" ? "Заявитель" : "Сотрудник";
    return n;
}

/// Files grouped by type from parts "doc.<type>"; parts of unknown types or too many files refused (422).
std::map<std::string, int> countUploads(const Kind& k, const std::vector<CaseUpload>& uploads, const std::string& side) {
    std::map<std::string, int> out;
    FieldErrors e;
    for (const auto& u : uploads) {
        if (u.part.rfind("doc.", 0) != 0) {
            e[u.part] = "Неизвестная часть формы";
            continue;
        }
        const std::string type = u.part.substr(4);
        const DocType* d = k.document(type);
        if (!d || d->by != side) {
            e[u.part] = "Такой документ к этой заявке не прикладывается";
            continue;
        }
        if (++out[type] > d->maxCount) e[u.part] = "Не больше " + std::to_string(d->maxCount) + " файлов «" + d->label + "»";
    }
    if (!e.empty()) throw Unprocessable(e);
    return out;
}

/// Calls kabinet.tenant.<fn>(T, args…) and reads {errors} / {values, summary}.
Obj validated(Tenant& t, const std::string& fn, int nargs, const std::function<void(lua_State*)>& push) {
    Var r = t.callModule(fn, nargs, push);
    Obj o = r.type() == typeid(Obj) ? r.extract<Obj>() : Obj(new Poco::JSON::Object);
    if (o->has("errors") && o->get("errors").type() == typeid(Obj)) {
        FieldErrors e;
        for (const auto& [k, v] : *o->getObject("errors")) e[k] = v.isEmpty() ? std::string("Неверное значение") : v.convert<std::string>();
        if (!e.empty()) throw Unprocessable(e);
    }
    return o;
}

/// The case as hooks see it (contract §2).
Var hookCase(Tenant& t, soci::session& se, const CaseRow& c, const Obj& actionFields, long long now) {
    Obj j = new Poco::JSON::Object;
    j->set("id", c.id);
    j->set("number", c.numberText);
    j->set("kind", c.kind);
    j->set("state", c.state);
    j->set("fields", parseObject(c.fieldsJson));
    Obj applicant = new Poco::JSON::Object;
    auto p = person(se, t.id(), c.applicantId);
    applicant->set("kind", p ? p->kind : std::string());
    applicant->set("profile", parseObject(p ? p->fieldsJson : std::string()));
    j->set("applicant", applicant);
    j->set("action_fields", actionFields ? actionFields : Obj(new Poco::JSON::Object));
    j->set("now", now);
    return j;
}

/// Everything a change does besides the move: run in the change's transaction.
struct Change {
    Tenant& t;
    soci::session& se;
    CaseStore& store;
    const Kind& kind;
    CaseRow& c;
    long long now;

    std::string label() const { return kind.label + " № " + c.numberText; }
    NoticeRef ref() const { return NoticeRef{"case", c.id, label()}; }

    void raise(const std::string& noticeKind, Audience a, std::map<std::string, std::string> values, const std::string& dedupe = {}) {
        Notice n;
        n.kind = noticeKind;
        n.audience = std::move(a);
        values.emplace("number", c.numberText);
        values.emplace("kind", kind.label);
        n.values = std::move(values);
        n.refs.push_back(ref());
        n.dedupeKey = dedupe;
        NotificationCentre::raise(se, t, n, now);
    }
    Audience applicant() const {
        Audience a;
        a.users.push_back(c.applicantId);
        return a;
    }
    static Audience operators() {
        Audience a;
        a.operators = true;
        return a;
    }

    /// Runs hook `name` and applies its effects; a guard's refusal is a 409.
    void hook(const std::string& name, const Obj& actionFields) {
        const Var cs = hookCase(t, se, c, actionFields, now);
        Var r = t.callModule("case_hook", 3, [&](lua_State* L) {
            lua_pushstring(L, kind.id.c_str());
            lua_pushstring(L, name.c_str());
            luajson::push(L, cs);
        });
        if (r.type() != typeid(Obj)) return;
        Obj fx = r.extract<Obj>();
        if (fx->has("error") && !fx->get("error").isEmpty())
            throw Conflict("action_refused", fx->get("error").convert<std::string>());
        if (fx->has("set") && fx->get("set").type() == typeid(Obj)) {
            Obj fields = parseObject(c.fieldsJson);
            for (const auto& [k, v] : *fx->getObject("set")) fields->set(k, v);
            c.fieldsJson = stringify(fields);
            store.setFields(c.id, c.fieldsJson, now);
        }
        if (fx->has("notices") && fx->get("notices").type() == typeid(Arr))
            for (const auto& nv : *fx->getArray("notices")) {
                if (nv.type() != typeid(Obj)) continue;
                Obj n = nv.extract<Obj>();
                std::map<std::string, std::string> values;
                if (n->has("values") && n->get("values").type() == typeid(Obj))
                    for (const auto& [k, v] : *n->getObject("values")) values[k] = v.isEmpty() ? std::string() : v.convert<std::string>();
                raise(n->optValue<std::string>("kind", "case_changed"),
                      n->optValue<std::string>("to", "applicant") == "operators" ? operators() : applicant(), values);
            }
        if (fx->has("offer") && fx->get("offer").type() == typeid(Obj)) {
            const std::string offered = fx->getObject("offer")->optValue<std::string>("kind", "");
            auto model = modelOf(t);
            if (const Kind* ok = model->kind(offered)) {
                c.offerKind = offered;
                store.setOffer(c.id, offered);
                raise("case_offer", applicant(), {{"offer", ok->label}});
            }
        }
    }

    /// Deadlines counting from entering `state` (or from the filing) get their dates; the case's running
    /// due date follows its state.
    void startDeadlines(const std::string& event) {
        for (const auto& d : kind.deadlines) {
            const bool starts = event == "filed" ? d.from == "filed" : d.enteredState() == event;
            if (starts) store.putDeadline(c.id, {d.id, deadlineOf(t, now, d.days, d.unit), false});
        }
    }

    bool running(const Deadline& d, const std::string& state) const {
        const State* s = kind.state(state);
        if (d.running.empty()) return s && !s->final;
        return std::find(d.running.begin(), d.running.end(), state) != d.running.end();
    }

    /// The earliest due date of the deadlines running in the case's state, and whether one is overdue.
    void refreshDue() {
        std::optional<long long> due;
        bool overdue = false;
        for (const auto& row : store.deadlines(c.id)) {
            const Deadline* d = nullptr;
            for (const auto& x : kind.deadlines)
                if (x.id == row.id) d = &x;
            if (!d || !running(*d, c.state)) continue;
            if (!due || row.dueAt < *due) due = row.dueAt;
            overdue = overdue || row.overdue;
        }
        c.dueAt = due;
        c.overdue = overdue;
        store.setDue(c.id, due, overdue);
    }

    /// Whether the deadlines running in `state` were kept at `now` (nullopt: none ran).
    std::optional<bool> keptIn(const std::string& state) {
        std::optional<bool> kept;
        for (const auto& row : store.deadlines(c.id)) {
            for (const auto& d : kind.deadlines)
                if (d.id == row.id && running(d, state)) kept = kept.value_or(true) && now <= row.dueAt;
        }
        return kept;
    }
};

/// The action a person or timer takes, inside one transaction. `actorRole` is "consumer", "operator" or "timer".
/// Returns false when the case had left `from` meanwhile (nothing written).
bool move(Tenant& t, soci::session& se, CaseStore& store, const Kind& k, CaseRow& c, const Action& a, const std::string& actorId,
          const std::string& actorRole, const Obj& values, const std::string& comment, const std::vector<CaseUpload>& uploads,
          long long now) {
    Change ch{t, se, store, k, c, now};
    if (a.guard) ch.hook("guard:" + a.id, values);
    const std::string from = c.state;
    const State* to = k.state(a.to);
    const bool closing = to && to->final;
    std::optional<bool> onTime;
    if (closing) onTime = ch.keptIn(from).value_or(true);
    if (a.to != from) {
        if (!store.moveState(c.id, from, a.to, now, closing, onTime)) return false;
        c.state = a.to;
        c.stateSince = now;
        if (closing) c.closedAt = now;
    } else {
        store.touch(c.id, now);
    }
    HistoryRow h;
    h.at = now;
    h.actorId = actorId;
    h.actorRole = actorRole;
    h.action = a.id;
    h.fromState = from;
    h.toState = a.to;
    h.comment = comment;
    h.fieldsJson = stringify(values ? Var(values) : Var());
    const int seq = store.append(c.id, h);
    storeUploads(se, t.id(), c.id, "history:" + std::to_string(seq), k, uploads, actorId, now);
    if (a.hook) ch.hook("action:" + a.id, values);
    if (a.to != from) {
        ch.startDeadlines(a.to);
        if (k.enterHooks.count(a.to)) ch.hook("enter:" + a.to, values);
    }
    ch.refreshDue();
    if (actorId != c.applicantId)
        ch.raise("case_changed", ch.applicant(), {{"state", k.stateLabel(c.state)}, {"action", a.label}});
    return true;
}

Obj fieldView(const Obj& f, const Obj& profile) {
    Obj v = new Poco::JSON::Object(*f);
    if (f->has("prefill") && profile) {
        const std::string from = f->optValue<std::string>("prefill", "");
        if (!from.empty() && profile->has(from)) v->set("value", profile->get(from));
    }
    return v;
}

Arr docViews(const Kind& k, const std::string& side) {
    Arr out = new Poco::JSON::Array;
    for (const auto& d : k.documents)
        if (d.by == side) out->add(d.view);
    return out;
}

/// The case visible to this person, or 404.
CaseRow visible(CaseStore& store, const SessionInfo& s, const std::string& id) {
    auto c = isStaff(s) ? store.get(id) : store.getOwn(id, s.userId);
    if (!c) throw NotFound("not_found", "Заявка не найдена");
    return *c;
}

const Kind& kindOf(const Model& m, const CaseRow& c) {
    const Kind* k = m.kind(c.kind);
    if (!k) throw NotFound("not_found", "Вид заявки больше не поддерживается");
    return *k;
}

/// The field views of `form` with the options of their dictionaries filled in, so values show as labels.
Arr withOptions(Tenant& t, const Arr& form) {
    Arr out = new Poco::JSON::Array;
    if (!form) return out;
    for (const auto& fv : *form) {
        if (fv.type() != typeid(Obj)) continue;
        Obj f = fv.extract<Obj>();
        const std::string dict = f->optValue<std::string>("dictionary", "");
        if (dict.empty() || f->has("options")) {
            out->add(f);
            continue;
        }
        Obj copy = new Poco::JSON::Object(*f);
        const std::string json = t.dictionaryJson(dict);
        if (!json.empty()) {
            Obj d = parseObject(json);
            if (d->has("items") && d->get("items").type() == typeid(Arr)) copy->set("options", d->getArray("items"));
        }
        out->add(copy);
    }
    return out;
}

Obj buildView(Tenant& t, soci::session& se, const Model& m, const CaseRow& c, const SessionInfo& s) {
    CaseStore store(se, t.id());
    const Kind& k = kindOf(m, c);
    const std::string side = sideOf(s);
    std::map<std::string, std::string> names;
    auto name = [&](const std::string& id) {
        if (id.empty()) return std::string();
        auto it = names.find(id);
        if (it != names.end()) return it->second;
        return names[id] = nameOf(t, se, id);
    };
    auto roleName = [&](const std::string& id, const std::string& role) {
        if (role == "timer" || role == "system") return std::string("Автоматически");
        return name(id);
    };
    Obj j = new Poco::JSON::Object;
    j->set("id", c.id);
    j->set("number", c.number);
    j->set("number_text", c.numberText);
    Obj kind = new Poco::JSON::Object;
    kind->set("id", k.id);
    kind->set("label", k.label);
    kind->set("group", k.group);
    j->set("kind", kind);
    j->set("state", stateJson(&k, c.state));
    j->set("filed_at", c.filedAt);
    j->set("closed_at", c.closedAt ? Var(*c.closedAt) : Var());
    j->set("channel", c.channel);
    j->set("summary", c.summary);
    j->set("fields", fieldValues(withOptions(t, k.form), parseObject(c.fieldsJson)));
    auto applicant = person(se, t.id(), c.applicantId);
    Obj a = new Poco::JSON::Object;
    a->set("id", c.applicantId);
    a->set("name", name(c.applicantId));
    a->set("kind", applicant ? applicant->kind : std::string());
    j->set("applicant", a);
    j->set("assignee", personJson(c.assigneeId, name(c.assigneeId)));
    Arr deadlines = new Poco::JSON::Array;
    for (const auto& row : store.deadlines(c.id)) {
        Obj d = new Poco::JSON::Object;
        std::string label = row.id;
        for (const auto& x : k.deadlines)
            if (x.id == row.id) label = x.label;
        d->set("id", row.id);
        d->set("label", label);
        d->set("due_at", row.dueAt);
        d->set("overdue", row.overdue);
        deadlines->add(d);
    }
    j->set("deadlines", deadlines);
    j->set("overdue", c.overdue);
    j->set("due_at", c.dueAt ? Var(*c.dueAt) : Var());

    const auto docs = caseDocuments(se, t.id(), c.id);
    std::map<std::string, Arr> docsByRef;
    Arr allDocs = new Poco::JSON::Array;
    for (const auto& d : docs) {
        auto creator = person(se, t.id(), d.createdBy);
        const std::string role = creator && creator->role == "consumer" ? "consumer" : "operator";
        Obj dj = documentJson(&k, d, role, name(d.createdBy));
        allDocs->add(dj);
        if (!d.ref.empty()) {
            auto& list = docsByRef[d.ref];
            if (!list) list = new Poco::JSON::Array;
            list->add(dj);
        }
    }
    auto docsOf = [&](const std::string& ref) {
        auto it = docsByRef.find(ref);
        return it == docsByRef.end() ? Arr(new Poco::JSON::Array) : it->second;
    };
    Arr history = new Poco::JSON::Array;
    for (const auto& h : store.history(c.id)) {
        Obj e = new Poco::JSON::Object;
        e->set("seq", h.seq);
        e->set("at", h.at);
        Obj actor = new Poco::JSON::Object;
        actor->set("role", h.actorRole);
        actor->set("name", roleName(h.actorId, h.actorRole));
        e->set("actor", actor);
        const Action* act = k.action(h.action);
        Obj action = new Poco::JSON::Object;
        action->set("id", h.action);
        action->set("label", h.action == "file" ? std::string("Подача") : act ? act->label : h.action);
        e->set("action", action);
        if (h.fromState.empty()) e->set("from", Var());
        else {
            Obj f = new Poco::JSON::Object;
            f->set("id", h.fromState);
            f->set("label", k.stateLabel(h.fromState));
            e->set("from", f);
        }
        Obj to = new Poco::JSON::Object;
        to->set("id", h.toState);
        to->set("label", k.stateLabel(h.toState));
        e->set("to", to);
        e->set("comment", h.comment);
        Arr fields = new Poco::JSON::Array;
        const Arr values = fieldValues(act ? act->fields : Arr(), parseObject(h.fieldsJson)); // kept alive for the loop
        for (const auto& fv : *values) {
            Obj src = fv.extract<Obj>();
            Obj x = new Poco::JSON::Object;
            x->set("label", src->get("label"));
            x->set("text", src->get("text"));
            fields->add(x);
        }
        e->set("fields", fields);
        e->set("documents", docsOf("history:" + std::to_string(h.seq)));
        history->add(e);
    }
    j->set("history", history);
    j->set("documents", allDocs);
    Arr messages = new Poco::JSON::Array;
    for (const auto& msg : store.messages(c.id)) {
        Obj e = new Poco::JSON::Object;
        e->set("id", msg.id);
        e->set("at", msg.at);
        Obj author = new Poco::JSON::Object;
        author->set("role", msg.authorRole);
        author->set("name", name(msg.authorId));
        e->set("author", author);
        e->set("text", msg.text);
        e->set("documents", docsOf("message:" + msg.id));
        messages->add(e);
    }
    j->set("messages", messages);
    const State* st = k.state(c.state);
    Arr actions = new Poco::JSON::Array;
    for (const auto& act : k.actions) {
        if (!act.takenBy(side) || !act.startsFrom(c.state, st && st->final)) continue;
        Obj x = new Poco::JSON::Object;
        x->set("id", act.id);
        x->set("label", act.label);
        x->set("fields", act.fields ? act.fields : Arr(new Poco::JSON::Array));
        x->set("comment", act.comment);
        Arr docTypes = new Poco::JSON::Array;
        for (const auto& d : act.documents) docTypes->add(d);
        x->set("documents", docTypes);
        Arr attach = new Poco::JSON::Array;
        for (const auto& d : act.attach) attach->add(d);
        x->set("attach", attach);
        x->set("confirm", act.confirm);
        actions->add(x);
    }
    j->set("actions", actions);
    Obj uploads = new Poco::JSON::Object;
    const bool open = st && !st->final;
    uploads->set("allowed", side == "consumer" ? open && st->uploads && !c.uploadsLocked : open);
    uploads->set("types", docViews(k, side));
    j->set("uploads", uploads);
    Var offer;
    if (!c.offerKind.empty() && (isStaff(s) || store.offerOpen(c.id, c.applicantId, c.offerKind)))
        if (const Kind* ok = m.kind(c.offerKind)) {
            Obj o = new Poco::JSON::Object;
            o->set("kind", ok->id);
            o->set("label", ok->label);
            offer = o;
        }
    j->set("offer", offer);
    return j;
}

std::optional<long long> dateParam(const CaseService::Query& q, const std::string& key, int offset, long long add, FieldErrors& e) {
    auto it = q.find(key);
    if (it == q.end() || it->second.empty()) return std::nullopt;
    try {
        return tz::localMidnight(it->second, offset) + add;
    } catch (const std::exception&) {
        e[key] = "Укажите дату в виде ГГГГ-ММ-ДД";
    }
    return std::nullopt;
}

std::string param(const CaseService::Query& q, const std::string& key) {
    auto it = q.find(key);
    return it == q.end() ? std::string() : trimmed(it->second);
}

} // namespace

Obj CaseService::kinds(Tenant& t, const SessionInfo& s, const Query& q) {
    auto m = modelOf(t);
    Obj profile;
    std::string offered;
    db_.read([&](soci::session& se) {
        if (auto p = person(se, t.id(), s.userId)) profile = parseObject(p->fieldsJson);
        const std::string offerCase = param(q, "offer");
        if (!offerCase.empty()) {
            CaseStore store(se, t.id());
            auto c = store.getOwn(offerCase, s.userId);
            if (c && !c->offerKind.empty() && store.offerOpen(c->id, s.userId, c->offerKind)) offered = c->offerKind;
        }
    });
    Obj j = new Poco::JSON::Object;
    Arr groups = new Poco::JSON::Array;
    for (const auto& g : m->groups) groups->add(g.raw);
    j->set("groups", groups);
    Arr kinds = new Poco::JSON::Array;
    for (const auto& k : m->kinds) {
        const bool may = k.id == offered || (isStaff(s) ? !k.offeredOnly : k.fileableBy(s.kind));
        if (!may) continue;
        Obj x = new Poco::JSON::Object;
        x->set("id", k.id);
        x->set("label", k.label);
        x->set("group", k.group);
        Arr form = new Poco::JSON::Array;
        for (const auto& fv : *k.form)
            if (fv.type() == typeid(Obj)) form->add(fieldView(fv.extract<Obj>(), isStaff(s) ? Obj() : profile));
        x->set("form", form);
        x->set("documents", docViews(k, "consumer"));
        if (k.raw && k.raw->has("text_max") && !k.raw->get("text_max").isEmpty()) {
            x->set("text_max", k.raw->get("text_max"));
        } else {
            // The longest text of the summary field, as its field declares it.
            const std::string summary = k.summaryField.empty() ? std::string("text") : k.summaryField;
            for (const auto& fv : *k.form)
                if (fv.type() == typeid(Obj) && fv.extract<Obj>()->optValue<std::string>("name", "") == summary &&
                    fv.extract<Obj>()->has("max_length"))
                    x->set("text_max", fv.extract<Obj>()->get("max_length"));
        }
        kinds->add(x);
    }
    j->set("kinds", kinds);
    return j;
}

Obj CaseService::file(Tenant& t, const SessionInfo& s, const Obj& body, const std::vector<CaseUpload>& uploads, long long now) {
    auto m = modelOf(t);
    const std::string kindId = textMember(body, "kind");
    const Kind* k = m->kind(kindId);
    if (!k) throw Unprocessable({{"kind", kindId.empty() ? "Выберите вид заявки" : "Такого вида заявки нет"}});
    const Obj fields = fieldsMember(body);
    const std::string parent = textMember(body, "parent");
    std::string applicantId = s.userId, channel = "portal";
    if (isStaff(s)) {
        applicantId = textMember(body, "applicant_id");
        if (applicantId.empty()) throw Unprocessable({{"applicant_id", "Выберите заявителя"}});
        channel = textMember(body, "channel");
        if (channel.empty()) channel = "phone";
        static const std::set<std::string> channels{"portal", "phone", "in_person", "post", "email", "other"};
        if (!channels.count(channel)) throw Unprocessable({{"channel", "Выберите способ обращения"}});
    }
    std::optional<PersonRow> applicant;
    bool offerOk = false;
    db_.read([&](soci::session& se) {
        applicant = person(se, t.id(), applicantId);
        if (!parent.empty()) offerOk = CaseStore(se, t.id()).offerOpen(parent, applicantId, k->id);
    });
    if (!applicant || applicant->role != "consumer") throw Unprocessable({{"applicant_id", "Такого потребителя нет"}});
    if (k->offeredOnly ? !offerOk : !k->fileableBy(applicant->kind)) {
        if (!parent.empty() && k->offeredOnly) throw Unprocessable({{"parent", "Приглашение уже использовано или не найдено"}});
        throw Unprocessable({{"kind", "Этот вид заявки вам недоступен"}});
    }
    if (!parent.empty() && !k->offeredOnly) throw Unprocessable({{"parent", "Эта заявка подаётся без приглашения"}});

    Obj context = new Poco::JSON::Object;
    context->set("applicant_kind", applicant->kind);
    context->set("role", sideOf(s));
    context->set("profile", parseObject(applicant->fieldsJson));
    Obj ok = validated(t, "case_validate", 3, [&](lua_State* L) {
        lua_pushstring(L, k->id.c_str());
        luajson::push(L, Var(fields));
        luajson::push(L, Var(context));
    });
    const auto counts = countUploads(*k, uploads, "consumer");
    FieldErrors missing;
    for (const auto& d : k->documents)
        if (d.by == "consumer" && d.required && !counts.count(d.id)) missing["doc." + d.id] = "Приложите документ «" + d.label + "»";
    if (!missing.empty()) throw Unprocessable(missing);

    CaseRow c;
    c.id = crypto::randomToken(12);
    c.kind = k->id;
    c.registerId = k->registerId;
    c.applicantId = applicantId;
    c.channel = channel;
    c.state = k->initial;
    c.fieldsJson = stringify(ok->has("values") ? ok->get("values") : Var(fields));
    c.summary = ok->optValue<std::string>("summary", "");
    c.filedBy = s.userId;
    c.filedAt = c.updatedAt = c.stateSince = now;
    c.parentId = parent;
    db_.transaction([&](soci::session& se) {
        CaseStore store(se, t.id());
        c.number = CaseNumbering::next(se, t.id(), k->registerId, m->registerStart(k->registerId));
        c.numberText = numberText(*k, c.number);
        store.insert(c);
        HistoryRow h;
        h.at = now;
        h.actorId = s.userId;
        h.actorRole = sideOf(s);
        h.action = "file";
        h.toState = c.state;
        h.fieldsJson = "{}";
        const int seq = store.append(c.id, h);
        storeUploads(se, t.id(), c.id, "history:" + std::to_string(seq), *k, uploads, s.userId, now);
        Change ch{t, se, store, *k, c, now};
        ch.startDeadlines("filed");
        ch.startDeadlines(c.state);
        if (k->enterHooks.count(c.state)) ch.hook("enter:" + c.state, Obj());
        ch.refreshDue();
        if (!parent.empty()) store.setOffer(parent, "");
        ch.raise("case_filed", Change::operators(), {{"applicant", nameOf(t, se, applicantId)}});
    });
    std::string message = t.message("case_filed", "Заявка успешно сохранена. Регистрационный номер Вашей заявки {number}");
    if (auto p = message.find("{number}"); p != std::string::npos) message.replace(p, 8, c.numberText);
    Obj j = new Poco::JSON::Object;
    j->set("id", c.id);
    j->set("number", c.number);
    j->set("number_text", c.numberText);
    j->set("state", stateJson(k, c.state));
    j->set("message", message);
    return j;
}

Obj CaseService::list(Tenant& t, const SessionInfo& s, const Query& q, bool operatorList) {
    auto m = modelOf(t);
    const bool staff = operatorList && isStaff(s);
    CaseFilter f;
    FieldErrors e;
    if (!staff) f.applicantId = s.userId;
    const std::string kind = param(q, "kind"), group = param(q, "group");
    if (!kind.empty()) {
        f.kinds.push_back(kind);
        f.kindsGiven = true;
    } else if (!group.empty()) {
        f.kindsGiven = true;
        for (const auto& k : m->kinds) {
            const Group* g = nullptr;
            for (const auto& x : m->groups)
                if (x.id == k.group) g = &x;
            if (k.group == group || (g && g->list == group)) f.kinds.push_back(k.id);
        }
    }
    f.state = param(q, "state");
    f.q = param(q, "q");
    if (chars(f.q) > 200) e["q"] = "Не больше 200 символов";
    const std::string number = param(q, "number");
    if (!number.empty()) {
        std::string digits;
        for (char ch : number)
            if (ch >= '0' && ch <= '9') digits += ch;
        if (digits.empty() || digits.size() > 15) e["number"] = "Укажите номер заявки цифрами";
        else f.number = std::stoll(digits);
    }
    int page = 1;
    f.from = dateParam(q, "from", t.utcOffset(), 0, e);
    f.to = dateParam(q, "to", t.utcOffset(), 86400, e);
    if (staff) {
        f.searchApplicants = true;
        f.dueBefore = dateParam(q, "due_to", t.utcOffset(), 86400, e);
        const std::string overdue = param(q, "overdue");
        if (overdue == "1" || overdue == "true") f.overdue = true;
        else if (overdue == "0" || overdue == "false") f.overdue = false;
        const std::string assignee = param(q, "assignee");
        if (assignee == "none") f.unassigned = true;
        else if (assignee == "me") f.assigneeId = s.userId;
        else f.assigneeId = assignee;
        const std::string p = param(q, "page");
        if (!p.empty()) {
            if (p.size() > 6 || p.find_first_not_of("0123456789") != std::string::npos || std::stoi(p) < 1) e["page"] = "Укажите номер страницы";
            else page = std::stoi(p);
        }
    }
    if (!e.empty()) throw Unprocessable(e);
    f.limit = staff ? kPageSize : 500;
    f.offset = (page - 1) * kPageSize;
    Obj j = new Poco::JSON::Object;
    db_.read([&](soci::session& se) {
        CaseStore store(se, t.id());
        long long total = 0;
        auto rows = store.list(f, total);
        std::map<std::string, std::string> names;
        auto nameFn = [&](const std::string& id) {
            auto it = names.find(id);
            if (it != names.end()) return it->second;
            return names[id] = nameOf(t, se, id);
        };
        Arr out = new Poco::JSON::Array;
        for (const auto& c : rows) out->add(listRow(m->kind(c.kind), c, staff, nameFn));
        j->set("cases", out);
        j->set("total", total);
        if (staff) j->set("page", page);
    });
    return j;
}

Obj CaseService::view(Tenant& t, const SessionInfo& s, const std::string& id, long long) {
    auto m = modelOf(t);
    Obj j;
    db_.read([&](soci::session& se) {
        CaseStore store(se, t.id());
        j = buildView(t, se, *m, visible(store, s, id), s);
    });
    return j;
}

Obj CaseService::act(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& actionId, const Obj& body,
                     const std::vector<CaseUpload>& uploads, long long now) {
    auto m = modelOf(t);
    const std::string side = sideOf(s);
    CaseRow c;
    db_.read([&](soci::session& se) {
        CaseStore store(se, t.id());
        c = visible(store, s, id);
    });
    const Kind& k = kindOf(*m, c);
    const Action* a = k.action(actionId);
    if (!a) throw NotFound("not_found", "Такого действия нет");
    if (!a->takenBy(side)) throw Error(403, "forbidden", "Это действие вам недоступно");
    const State* st = k.state(c.state);
    if (!a->startsFrom(c.state, st && st->final))
        throw Conflict("action_not_available", "Действие «" + a->label + "» недоступно: заявка в состоянии «" + k.stateLabel(c.state) + "»");
    Obj values = new Poco::JSON::Object;
    if (a->fields && a->fields->size() > 0) {
        const Obj fields = fieldsMember(body);
        Obj ok = validated(t, "case_action_validate", 3, [&](lua_State* L) {
            lua_pushstring(L, k.id.c_str());
            lua_pushstring(L, a->id.c_str());
            luajson::push(L, Var(fields));
        });
        if (ok->has("values") && ok->get("values").type() == typeid(Obj)) values = ok->getObject("values");
        else values = fields;
    }
    const std::string comment = trimmed(textMember(body, "comment"));
    FieldErrors e;
    if (a->comment == "required" && comment.empty()) e["comment"] = "Напишите комментарий";
    if (chars(comment) > kMaxText) e["comment"] = "Не больше " + std::to_string(kMaxText) + " символов";
    const auto counts = countUploads(k, uploads, side);
    for (const auto& [type, n] : counts)
        if (std::find(a->attach.begin(), a->attach.end(), type) == a->attach.end())
            e["doc." + type] = "К действию «" + a->label + "» этот документ не прикладывается";
    for (const auto& d : a->documents)
        if (!counts.count(d)) {
            const DocType* dt = k.document(d);
            e["doc." + d] = "Приложите документ «" + (dt ? dt->label : d) + "»";
        }
    if (!e.empty()) throw Unprocessable(e);
    Obj j;
    db_.transaction([&](soci::session& se) {
        CaseStore store(se, t.id());
        CaseRow cur = visible(store, s, id);
        if (cur.state != c.state || !move(t, se, store, k, cur, *a, s.userId, side, values, comment, uploads, now))
            throw Conflict("state_changed", "Заявка уже перешла в другое состояние; обновите страницу");
        j = buildView(t, se, *m, *store.get(id), s);
    });
    return j;
}

Obj CaseService::addDocument(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& type, const CaseUpload& file,
                             long long now) {
    auto m = modelOf(t);
    const std::string side = sideOf(s);
    Obj j;
    db_.transaction([&](soci::session& se) {
        CaseStore store(se, t.id());
        CaseRow c = visible(store, s, id);
        const Kind& k = kindOf(*m, c);
        const DocType* d = k.document(type);
        if (!d || d->by != side) throw Unprocessable({{"type", "Такой документ к этой заявке не прикладывается"}});
        const State* st = k.state(c.state);
        const bool open = st && !st->final;
        if (!open || (side == "consumer" && (!st->uploads || c.uploadsLocked)))
            throw Conflict("uploads_closed", "Сейчас добавить документ к заявке нельзя");
        CaseUpload u = file;
        u.part = "doc." + type;
        const auto stored = storeUploads(se, t.id(), c.id, "", k, {u}, s.userId, now);
        store.touch(c.id, now);
        if (stored.empty()) throw Unprocessable({{"file", "Приложите файл"}});
        const CaseDoc& last = stored.front();
        j = new Poco::JSON::Object;
        j->set("document", documentJson(&k, last, side, nameOf(t, se, s.userId)));
        Change ch{t, se, store, k, c, now};
        if (side == "operator") ch.raise("case_changed", ch.applicant(), {{"state", k.stateLabel(c.state)}, {"action", "Добавлен документ"}});
    });
    return j;
}

CaseFile CaseService::document(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& documentId) {
    CaseFile f;
    db_.read([&](soci::session& se) {
        CaseStore store(se, t.id());
        visible(store, s, id);
        for (const auto& d : caseDocuments(se, t.id(), id))
            if (d.id == documentId) f = CaseFile{d.id, d.name, d.contentType, d.size};
    });
    if (f.documentId.empty()) throw NotFound("not_found", "Документ не найден");
    return f;
}

void CaseService::copyDocument(Tenant& t, const std::string& documentId, std::ostream& out) { copyCaseDocument(db_, t.id(), documentId, out); }

Obj CaseService::addMessage(Tenant& t, const SessionInfo& s, const std::string& id, const Obj& body, const std::vector<CaseUpload>& uploads,
                            long long now) {
    auto m = modelOf(t);
    const std::string side = sideOf(s);
    const std::string text = trimmed(textMember(body, "text"));
    if (text.empty()) throw Unprocessable({{"text", "Напишите сообщение"}});
    if (chars(text) > kMaxText) throw Unprocessable({{"text", "Не больше " + std::to_string(kMaxText) + " символов"}});
    Obj j;
    db_.transaction([&](soci::session& se) {
        CaseStore store(se, t.id());
        CaseRow c = visible(store, s, id);
        const Kind& k = kindOf(*m, c);
        MessageRow msg{crypto::randomToken(12), s.userId, side, text, now};
        store.addMessage(c.id, msg);
        // A message's file is stored as the first document type of the writer's side.
        std::string fileType;
        for (const auto& d : k.documents)
            if (d.by == side && fileType.empty()) fileType = d.id;
        if (!uploads.empty() && fileType.empty()) throw Unprocessable({{"file", "К сообщениям по этой заявке файлы не прикладываются"}});
        storeUploads(se, t.id(), c.id, "message:" + msg.id, k, uploads, s.userId, now, fileType);
        store.touch(c.id, now);
        Change ch{t, se, store, k, c, now};
        const std::string author = nameOf(t, se, s.userId);
        ch.raise("case_message", side == "consumer" ? Change::operators() : ch.applicant(), {{"author", author}});
        j = new Poco::JSON::Object;
        Obj mj = new Poco::JSON::Object;
        mj->set("id", msg.id);
        mj->set("at", msg.at);
        Obj a = new Poco::JSON::Object;
        a->set("role", side);
        a->set("name", author);
        mj->set("author", a);
        mj->set("text", text);
        Arr docs = new Poco::JSON::Array;
        for (const auto& d : caseDocuments(se, t.id(), c.id))
            if (d.ref == "message:" + msg.id) docs->add(documentJson(&k, d, side, author));
        mj->set("documents", docs);
        j->set("message", mj);
    });
    return j;
}

Obj CaseService::assign(Tenant& t, const SessionInfo& s, const std::string& id, const Obj& body, long long now) {
    auto m = modelOf(t);
    if (!body || !body->has("assignee")) throw Unprocessable({{"assignee", "Выберите сотрудника"}});
    const std::string assignee = textMember(body, "assignee");
    Obj j;
    db_.transaction([&](soci::session& se) {
        CaseStore store(se, t.id());
        CaseRow c = visible(store, s, id);
        if (!assignee.empty()) {
            auto p = person(se, t.id(), assignee);
            if (!p || p->role == "consumer") throw Unprocessable({{"assignee", "Такого сотрудника нет"}});
        }
        store.setAssignee(c.id, assignee, now);
        j = buildView(t, se, *m, *store.get(id), s);
    });
    return j;
}

int CaseService::runTimers(TenantRegistry& tenants, long long now) {
    int done = 0;
    for (const auto& id : tenants.ids()) {
        auto t = tenants.find(id);
        if (!t) continue;
        try {
            done += runTimers(*t, now);
        } catch (const std::exception& e) {
            log::error("case timers failed", {{"tenant", id}, {"error", e.what()}});
        }
    }
    return done;
}

int CaseService::runTimers(Tenant& t, long long now) {
    auto m = modelOf(t);
    if (m->kinds.empty()) return 0;
    int done = 0;
    // Timer actions: a case fires `after` days after it entered the action's state. The calendar-day bound
    // picks the candidates (working days are never fewer); the calendar decides.
    for (const auto& k : m->kinds)
        for (const auto& a : k.actions) {
            if (!a.takenBy("timer") || !a.after) continue;
            for (const auto& from : a.from) {
                std::vector<std::string> ids;
                db_.read([&](soci::session& se) {
                    ids = CaseStore(se, t.id()).inStateSince(k.id, from, now - static_cast<long long>(a.after->days) * 86400, 200);
                });
                for (const auto& cid : ids) {
                    db_.transaction([&](soci::session& se) {
                        CaseStore store(se, t.id());
                        auto c = store.get(cid);
                        if (!c || c->state != from) return;
                        if (deadlineOf(t, c->stateSince, a.after->days, a.after->unit) > now) return;
                        if (move(t, se, store, k, *c, a, "", "timer", Obj(), "", {}, now)) ++done;
                    });
                }
            }
        }
    // Overdue deadlines of open cases: each flagged (and told to operators) once.
    std::vector<std::pair<std::string, std::string>> due;
    db_.read([&](soci::session& se) { due = CaseStore(se, t.id()).pastDue(now, 500); });
    for (const auto& [cid, did] : due) {
        db_.transaction([&](soci::session& se) {
            CaseStore store(se, t.id());
            auto c = store.get(cid);
            if (!c) return;
            const Kind* k = m->kind(c->kind);
            if (!k) return;
            const Deadline* d = nullptr;
            for (const auto& x : k->deadlines)
                if (x.id == did) d = &x;
            Change ch{t, se, store, *k, *c, now};
            if (!d || !ch.running(*d, c->state)) return;
            if (!store.markOverdue(cid, did)) return;
            ch.refreshDue();
            std::string dueText;
            for (const auto& row : store.deadlines(cid))
                if (row.id == did) {
                    const std::string iso = tz::localDate(row.dueAt - 1, t.utcOffset());
                    dueText = iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4);
                }
            ch.raise("case_overdue", Change::operators(), {{"due", dueText}}, cid + ":" + did);
            ++done;
        });
    }
    return done;
}

} // namespace kabinet
