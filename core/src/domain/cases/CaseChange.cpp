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
#include "meters/ConnectionStore.h"
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

namespace kabinet::cases {

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

void Change::raise(const std::string& noticeKind, Audience a, std::map<std::string, std::string> values, const std::string& dedupe) {
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

Audience Change::applicant() const {
    Audience a;
    a.users.push_back(c.applicantId);
    return a;
}

Audience Change::operators() {
    Audience a;
    a.operators = true;
    return a;
}

void Change::hook(const std::string& name, const Obj& actionFields) {
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
    if (fx->has("set") && fx->get("set").type() == typeid(Obj)) keep(fx->getObject("set"));
    if (fx->has("connect") && fx->get("connect").type() == typeid(Obj)) connect(fx->getObject("connect"));
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

void Change::keep(const Obj& values) {
    if (!values || values->size() == 0) return;
    Obj fields = parseObject(c.fieldsJson);
    for (const auto& [k, v] : *values) fields->set(k, v);
    c.fieldsJson = stringify(fields);
    store.setFields(c, now);
}

void Change::connect(const Obj& effect) {
    const std::string reg = effect->optValue<std::string>("register", "");
    const std::string address = effect->optValue<std::string>("address", "");
    double power = 0;
    if (effect->has("power_kw") && effect->get("power_kw").isNumeric()) power = effect->get("power_kw").convert<double>();
    auto model = modelOf(t);
    ConnectionStore connections(se, t.id());
    // The register's next number not yet used by an account or a point of the utility's own data.
    std::string number;
    for (int tries = 0; tries < 100 && number.empty(); ++tries) {
        const std::string candidate = model->registerPrefix(reg) + std::to_string(CaseNumbering::next(se, t.id(), reg, model->registerStart(reg)));
        if (!connections.numberTaken(candidate)) number = candidate;
    }
    if (number.empty()) throw Conflict("account_numbers_taken", "Не удалось присвоить номер лицевого счёта: обратитесь в сетевую организацию");
    NewConnection nc;
    nc.userId = c.applicantId;
    nc.accountNumber = number;
    nc.holderName = nameOf(t, se, c.applicantId);
    nc.pointName = effect->optValue<std::string>("name", "");
    nc.address = address;
    nc.grantedBy = actorId;
    nc.powerKw = power;
    nc.at = now;
    const Connected made = connections.connect(nc);
    Obj kept = new Poco::JSON::Object;
    kept->set("account_number", number);
    keep(kept);
    Notice n;
    n.kind = "access_granted";
    n.audience = applicant();
    n.values = {{"number", number}, {"what", "лицевой счёт № " + number}};
    n.refs.push_back(NoticeRef{"account", made.accountId, n.values["what"]});
    NotificationCentre::raise(se, t, n, now);
}

void Change::startDeadlines(const std::string& event) {
    const Obj fields = parseObject(c.fieldsJson);
    for (const auto& d : kind.deadlines) {
        const bool starts = event == "filed" ? d.from == "filed" : d.enteredState() == event;
        if (starts) store.putDeadline(c.id, {d.id, deadlineOf(t, now, termDays(d.days, d.overrides, fields), d.unit), false});
    }
}

bool Change::running(const Deadline& d, const std::string& state) const {
    const State* s = kind.state(state);
    if (d.running.empty()) return s && !s->final;
    return std::find(d.running.begin(), d.running.end(), state) != d.running.end();
}

void Change::refreshDue() {
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

std::optional<bool> Change::keptIn(const std::string& state) {
    std::optional<bool> kept;
    for (const auto& row : store.deadlines(c.id)) {
        for (const auto& d : kind.deadlines)
            if (d.id == row.id && running(d, state)) kept = kept.value_or(true) && now <= row.dueAt;
    }
    return kept;
}

/// The action a person or timer takes, inside one transaction. `actorRole` is "consumer", "operator" or "timer".
/// Returns false when the case had left `from` meanwhile (nothing written).
bool move(Tenant& t, soci::session& se, CaseStore& store, const Kind& k, CaseRow& c, const Action& a, const std::string& actorId,
          const std::string& actorRole, const Obj& values, const std::string& comment, const std::vector<CaseUpload>& uploads,
          long long now) {
    Change ch{t, se, store, k, c, now, actorId};
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
    storeUploads(se, t, c.id, "history:" + std::to_string(seq), k, uploads, actorId, now);
    if (a.keep) ch.keep(values);
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

} // namespace kabinet::cases
