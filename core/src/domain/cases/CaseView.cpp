#include "cases/CaseView.h"

#include "cases/CaseChange.h"
#include "cases/CaseSupport.h"
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
#include <optional>
#include <set>
#include <sstream>

namespace kabinet::cases {

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

Arr shownFields(Tenant& t, const Kind& k) {
    Arr all = new Poco::JSON::Array;
    std::set<std::string> names;
    auto add = [&](const Arr& list) {
        if (!list) return;
        for (const auto& fv : *list) {
            if (fv.type() != typeid(Obj)) continue;
            const std::string name = fv.extract<Obj>()->optValue<std::string>("name", "");
            if (!name.empty() && names.insert(name).second) all->add(fv);
        }
    };
    add(k.form);
    for (const auto& a : k.actions)
        if (a.keep) add(a.fields);
    if (!names.count("account_number")) {
        Obj f = new Poco::JSON::Object;
        f->set("name", "account_number");
        f->set("label", "Лицевой счёт");
        f->set("type", "text");
        all->add(f);
    }
    return withOptions(t, all);
}

Arr stagesOf(const Kind& k, const std::vector<HistoryRow>& history, const std::string& state) {
    Arr out = new Poco::JSON::Array;
    const State* st = k.state(state);
    int holding = -1, lastReached = -1;
    std::vector<std::optional<long long>> reached;
    for (std::size_t i = 0; i < k.stages.size(); ++i) {
        const auto& states = k.stages[i].states;
        std::optional<long long> at;
        for (const auto& h : history)
            if (std::find(states.begin(), states.end(), h.toState) != states.end() && (!at || h.at < *at)) at = h.at;
        reached.push_back(at);
        if (at) lastReached = static_cast<int>(i);
        if (holding < 0 && std::find(states.begin(), states.end(), state) != states.end()) holding = static_cast<int>(i);
    }
    const int current = holding >= 0 ? holding : (st && !st->final ? lastReached : -1);
    for (std::size_t i = 0; i < k.stages.size(); ++i) {
        Obj j = new Poco::JSON::Object;
        j->set("id", k.stages[i].id);
        j->set("label", k.stages[i].label);
        j->set("reached_at", reached[i] ? Var(*reached[i]) : Var());
        j->set("current", static_cast<int>(i) == current);
        out->add(j);
    }
    return out;
}

Arr columnsOf(const Kind& k, const Arr& shown, const Obj& values) {
    Arr out = new Poco::JSON::Array;
    for (const auto& name : k.listFields) {
        Obj field;
        for (const auto& fv : *shown)
            if (fv.type() == typeid(Obj) && fv.extract<Obj>()->optValue<std::string>("name", "") == name) field = fv.extract<Obj>();
        Obj j = new Poco::JSON::Object;
        j->set("name", name);
        j->set("label", field ? field->optValue<std::string>("label", name) : name);
        j->set("text", values && values->has(name) ? valueText(field, values->get(name)) : std::string());
        out->add(j);
    }
    return out;
}

namespace {

/// Whether the kind's Lua guard refuses action `a` on the case now (it answers {error}); a failing guard refuses.
bool refused(Tenant& t, soci::session& se, const Kind& k, const CaseRow& c, const Action& a, long long now) {
    try {
        const Var cs = hookCase(t, se, c, Obj(), now);
        Var r = t.callModule("case_hook", 3, [&](lua_State* L) {
            lua_pushstring(L, k.id.c_str());
            lua_pushstring(L, ("guard:" + a.id).c_str());
            luajson::push(L, cs);
        });
        if (r.type() != typeid(Obj)) return false;
        Obj fx = r.extract<Obj>();
        return fx->has("error") && !fx->get("error").isEmpty();
    } catch (const std::exception&) {
        return true;
    }
}

} // namespace

Obj buildView(Tenant& t, soci::session& se, const Model& m, const CaseRow& c, const SessionInfo& s, long long now) {
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
    j->set("fields", fieldValues(shownFields(t, k), parseObject(c.fieldsJson)));
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
        bool running = false; // counts now: the case is open and in one of the deadline's running states
        for (const auto& x : k.deadlines)
            if (x.id == row.id) {
                label = x.label;
                running = !c.closedAt && std::find(x.running.begin(), x.running.end(), c.state) != x.running.end();
            }
        d->set("id", row.id);
        d->set("label", label);
        d->set("running", running);
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
    const auto historyRows = store.history(c.id);
    j->set("stages", stagesOf(k, historyRows, c.state));
    for (const auto& h : historyRows) {
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
        const bool assignment = h.action == kAssignAction && !act;
        action->set("label", h.action == "file"  ? std::string("Подача")
                             : assignment        ? std::string("Назначение ответственного")
                             : act               ? act->label
                                                 : h.action);
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
        if (assignment) {
            const std::string who = parseObject(h.fieldsJson)->optValue<std::string>("assignee", "");
            Obj x = new Poco::JSON::Object;
            x->set("label", "Ответственный");
            x->set("text", who.empty() ? std::string("Не назначен") : name(who));
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
        if (act.guard && refused(t, se, k, c, act, now)) continue;
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

} // namespace kabinet::cases
