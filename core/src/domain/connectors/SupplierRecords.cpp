#include "connectors/SupplierRecords.h"

#include "cases/CaseChange.h"
#include "cases/CaseKinds.h"
#include "cases/CaseStore.h"
#include "cases/CaseSupport.h"
#include "connectors/ConnectorHub.h"
#include "connectors/SupplierContracts.h"
#include "connectors/SupplierStore.h"
#include "notify/NotificationCentre.h"
#include "tenants/Tenant.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <stdexcept>

namespace kabinet {

namespace {
using Obj = Poco::JSON::Object::Ptr;

std::string text(const Obj& o, const char* key) {
    if (!o->has(key) || o->get(key).isEmpty()) return {};
    return o->get(key).toString();
}

long long kopecks(const Obj& o, const char* key) {
    if (!o->has(key) || !o->get(key).isNumeric()) throw std::invalid_argument(std::string(key) + " is not a number");
    const double v = o->getValue<double>(key);
    if (!std::isfinite(v) || std::fabs(v) > 1e12) throw std::invalid_argument(std::string(key) + " is out of range");
    return std::llround(v * 100.0);
}

bool isDay(const std::string& d) {
    if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (d[i] < '0' || d[i] > '9') return false;
    return true;
}

Tenant& mutableTenant(const SyncContext& ctx) {
    // The tenant's Lua state pool is its own synchronised mutable part; the hub hands the tenant as const.
    return const_cast<Tenant&>(ctx.tenant);
}

/// The supplier value of the connector account (its state_json "supplier").
std::string supplierOf(ConnectorHub& hub, soci::session& se, const SyncContext& ctx) {
    auto a = hub.account(se, ctx.tenant.id(), ctx.connectorId, ctx.accountId);
    if (!a) return {};
    try {
        auto st = Poco::JSON::Parser().parse(a->stateJson).extract<Obj>();
        return st->optValue<std::string>("supplier", "");
    } catch (const std::exception&) {
        return {};
    }
}

void onContract(ConnectorHub& hub, soci::session& se, const SyncContext& ctx, const Obj& r) {
    const std::string number = text(r, "number");
    if (number.empty()) throw std::invalid_argument("a contract without a number");
    SupplierStore store(se, ctx.tenant.id());
    const bool known = store.contractByNumber(ctx.connectorId, ctx.accountId, number).has_value();
    SupplierContractSource src{ctx.tenant.id(), supplierOf(hub, se, ctx), ctx.connectorId, ctx.accountId, ctx.userId, "", ctx.now};
    if (known) src.userId.reset(); // the user's grant and title stay as they are
    storeSupplierContract(se, src, r);
}

void onBalance(soci::session& se, const SyncContext& ctx, const Obj& r) {
    SupplierStore store(se, ctx.tenant.id());
    const auto c = store.contractByNumber(ctx.connectorId, ctx.accountId, text(r, "contract"));
    if (!c) throw std::invalid_argument("a balance of a contract the account does not hold");
    // Everything is checked before anything is written: a bad row refuses the record.
    std::vector<SupplierEntry> entries;
    for (const char* list : {"charges", "payments"}) {
        auto a = r->getArray(list);
        if (!a) continue;
        for (std::size_t i = 0; i < a->size(); ++i) {
            auto e = a->getObject(static_cast<unsigned>(i));
            if (!e) throw std::invalid_argument(std::string("an entry of ") + list + " is not an object");
            SupplierEntry x;
            x.kind = std::string(list) == "charges" ? "charge" : "payment";
            x.externalId = text(e, "id");
            x.day = text(e, "date");
            if (x.externalId.empty() || x.externalId.size() > 100) throw std::invalid_argument("an entry without an id");
            if (!isDay(x.day)) throw std::invalid_argument("an entry's date is not YYYY-MM-DD");
            x.period = text(e, "period").substr(0, 7);
            x.note = text(e, x.kind == "charge" ? "text" : "agent").substr(0, 300);
            x.amountKop = kopecks(e, "amount");
            entries.push_back(x);
        }
    }
    const long long balance = kopecks(r, "balance");
    if (!r->has("as_of") || !r->get("as_of").isNumeric()) throw std::invalid_argument("as_of is not a time");
    store.putBalance(c->contractId, balance, r->getValue<long long>("as_of"), ctx.now);
    for (const auto& e : entries) store.addEntry(c->contractId, e, ctx.now);
}

void onNotification(soci::session& se, const SyncContext& ctx, const Obj& r) {
    const std::string id = text(r, "id"), title = text(r, "title");
    if (id.empty() || title.empty()) throw std::invalid_argument("a notification without an id or a title");
    if (!ctx.userId) throw std::invalid_argument("a notification of an account without a user");
    SupplierStore store(se, ctx.tenant.id());
    if (!store.deliverNotification(ctx.connectorId, ctx.accountId, id, ctx.now)) return;
    Notice n;
    n.kind = "broadcast";
    n.audience.users = {*ctx.userId};
    n.title = title.substr(0, 300);
    n.body = text(r, "text").substr(0, 4000);
    if (n.body.empty()) n.body = n.title;
    if (const auto c = store.contractByNumber(ctx.connectorId, ctx.accountId, text(r, "contract")))
        n.refs.push_back(NoticeRef{"contract", c->contractId, ""});
    n.dedupeKey = "supplier:" + ctx.connectorId + ":" + ctx.accountId + ":" + id;
    NotificationCentre::raise(se, mutableTenant(ctx), n, ctx.now);
}

void onCaseUpdate(soci::session& se, const SyncContext& ctx, const Obj& r) {
    const std::string external = text(r, "external_id");
    if (external.empty()) throw std::invalid_argument("a case update without an external id");
    SupplierStore store(se, ctx.tenant.id());
    auto link = store.caseByExternal(ctx.connectorId, external);
    if (!link) return; // an appeal filed at the supplier directly: not a case here
    const std::string state = text(r, "state"), answer = text(r, "answer").substr(0, 4000);
    if (link->remoteState == state && link->answer == answer && (link->answered || answer.empty())) return;
    link->remoteState = state;
    link->answer = answer;
    link->updatedAt = ctx.now;
    Tenant& t = mutableTenant(ctx);
    // The actions of the appeal workflows of kabinet.cases: `take` (into work) and `answer` (its field `answer`).
    const std::string answerAction = "answer", workAction = "take";
    auto model = cases::modelOf(t);
    cases::CaseStore cs(se, t.id());
    auto c = cs.get(link->caseId);
    if (c) {
        const cases::Kind* k = model->kind(c->kind);
        const cases::State* now = k ? k->state(c->state) : nullptr;
        if (k && now && !now->final) {
            const bool answering = !answer.empty() && !link->answered;
            const cases::Action* a = k->action(answering ? answerAction : workAction);
            if (a && (answering || state == "in_work") && a->startsFrom(c->state, false) && a->to != c->state) {
                Obj values = new Poco::JSON::Object;
                if (answering) values->set("answer", answer);
                cases::move(t, se, cs, *k, *c, *a, "", "system", values, "", {}, ctx.now);
            }
        }
        if (!answer.empty()) link->answered = true;
    }
    store.updateCase(*link);
}
} // namespace

void registerSupplierRecords(ConnectorHub& hub) {
    hub.handle("contract", [&hub](soci::session& se, const SyncContext& ctx, const Obj& r) { onContract(hub, se, ctx, r); });
    hub.handle("balance", [](soci::session& se, const SyncContext& ctx, const Obj& r) { onBalance(se, ctx, r); });
    hub.handle("notification", [](soci::session& se, const SyncContext& ctx, const Obj& r) { onNotification(se, ctx, r); });
    hub.handle("case_update", [](soci::session& se, const SyncContext& ctx, const Obj& r) { onCaseUpdate(se, ctx, r); });
}

} // namespace kabinet
