#include "cases/CaseService.h"

#include "cases/CaseChange.h"
#include "cases/CaseSupport.h"
#include "cases/CaseView.h"
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

Filing cases::checkFiling(Database& db, Tenant& t, const Model& m, const SessionInfo& s, const Obj& body) {
    Filing f;
    const std::string kindId = textMember(body, "kind");
    f.kind = m.kind(kindId);
    const Kind* k = f.kind;
    if (!k) throw Unprocessable({{"kind", kindId.empty() ? "Выберите вид заявки" : "Такого вида заявки нет"}});
    const Obj fields = fieldsMember(body);
    f.parent = textMember(body, "parent");
    const std::string& parent = f.parent;
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
    db.read([&](soci::session& se) {
        applicant = person(se, t.id(), applicantId);
        if (!parent.empty()) offerOk = CaseStore(se, t.id()).offerOpen(parent, applicantId, k->id);
    });
    if (!applicant || applicant->role != "consumer") throw Unprocessable({{"applicant_id", "Такого потребителя нет"}});
    // An invitation (`parent`) must be open for this kind and applicant, whether or not the kind may also be filed
    // without one (ВОЭК's survey): answering it links the case to the one that invited it and uses the invitation.
    if (!parent.empty() && !offerOk) throw Unprocessable({{"parent", "Приглашение уже использовано или не найдено"}});
    if (!offerOk && (k->offeredOnly || !k->fileableBy(applicant->kind)))
        throw Unprocessable({{"kind", "Этот вид заявки вам недоступен"}});

    Obj context = new Poco::JSON::Object;
    context->set("applicant_kind", applicant->kind);
    context->set("role", sideOf(s));
    context->set("profile", parseObject(applicant->fieldsJson));
    f.validated = validated(t, "case_validate", 3, [&](lua_State* L) {
        lua_pushstring(L, k->id.c_str());
        luajson::push(L, Var(fields));
        luajson::push(L, Var(context));
    });
    f.fields = fields;
    f.applicant = *applicant;
    f.channel = channel;
    return f;
}

Obj CaseService::file(Tenant& t, const SessionInfo& s, const Obj& body, const std::vector<CaseUpload>& uploads, long long now) {
    auto m = modelOf(t);
    const Filing f = checkFiling(db_, t, *m, s, body);
    const Kind* k = f.kind;
    const Obj& fields = f.fields;
    const Obj& ok = f.validated;
    const std::string& parent = f.parent;
    const std::string& applicantId = f.applicant.id;
    const std::string& channel = f.channel;
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
        storeUploads(se, t, c.id, "history:" + std::to_string(seq), *k, uploads, s.userId, now);
        Change ch{t, se, store, *k, c, now};
        ch.startDeadlines("filed");
        ch.startDeadlines(c.state);
        if (k->enterHooks.count(c.state)) ch.hook("enter:" + c.state, Obj());
        // Filed straight into a final state (a survey): closed now, like any case that reaches one.
        if (const State* st = k->state(c.state); st && st->final) {
            store.closeOnFiling(c.id, now, ch.keptIn(c.state).value_or(true));
            c.closedAt = now;
        }
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

} // namespace kabinet
