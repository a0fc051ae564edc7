#include "connectors/SupplierForwarder.h"
#include "connectors/RecordJson.h"

#include "cases/CaseKinds.h"
#include "cases/CaseStore.h"
#include "cases/CaseSupport.h"
#include "connectors/ConnectorHub.h"
#include "connectors/SupplierStore.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"
#include "util/Log.h"
#include "util/TimeZones.h"
#include "storage/TenantScope.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <soci/soci.h>

#include <map>

namespace kabinet {

namespace {
using recordjson::stringify;
using Obj = Poco::JSON::Object::Ptr;

/// Senseless answers (502) in a row after which a forwarding gives up; an unreachable supplier (503) is waited for.
constexpr int kMaxGarbled = 5;

/// The supplier meter of a point (its first meter that goes to a supplier).
std::optional<SupplierMeter> meterOfPoint(soci::session& se, const std::string& tenant, const std::string& pointId) {
    std::string meterId;
    soci::indicator ind = soci::i_null;
    se << "SELECT sm.meter_id FROM supplier_meters sm JOIN meters m ON m.tenant_id = sm.tenant_id AND m.meter_id = sm.meter_id "
          "WHERE sm.tenant_id = :t AND m.point_id = :p ORDER BY sm.meter_id LIMIT 1",
        soci::into(meterId, ind), soci::use(tenant), soci::use(pointId);
    if (!se.got_data() || ind != soci::i_ok) return std::nullopt;
    return SupplierStore(se, tenant).meter(meterId);
}

/// The tenant's forwarded case kinds by connector (a kind's `forward`, kabinet.cases).
std::map<std::string, std::vector<std::string>> forwardingOf(Tenant& t) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& k : cases::modelOf(t)->kinds) {
        const std::string connector = k.raw ? k.raw->optValue<std::string>("forward", "") : std::string();
        if (!connector.empty() && k.id.find('\'') == std::string::npos) out[connector].push_back(k.id);
    }
    return out;
}
} // namespace

void SupplierForwarder::checkWindow(Tenant& t, const std::string& pointId, long long now) {
    std::optional<SupplierMeter> m;
    db_.read([&](soci::session& se) { m = meterOfPoint(se, t.id(), pointId); });
    if (!m) return;
    const int day = std::stoi(tz::localDate(now, t.utcOffset()).substr(8, 2));
    if (day < m->fromDay || day > m->toDay)
        throw Unprocessable(std::map<std::string, std::string>{
                                {"date", "Поставщик принимает показания с " + std::to_string(m->fromDay) + " по " + std::to_string(m->toDay) +
                                             " число месяца"}},
                            "Сейчас поставщик не принимает показания");
}

std::optional<Obj> SupplierForwarder::forwardReading(Tenant& t, const std::string& pointId, const std::string& readingId, const Obj& body,
                                                     long long now) {
    std::optional<SupplierMeter> m;
    db_.read([&](soci::session& se) { m = meterOfPoint(se, t.id(), pointId); });
    if (!m) return std::nullopt;
    auto zones = recordjson::objectOr("{\"z\":" + m->zonesJson + "}")->getArray("z");
    Obj values = new Poco::JSON::Object;
    for (int i = 0; i < 4; ++i) {
        const std::string key = "t" + std::to_string(i + 1);
        if (!body->has(key) || !body->get(key).isNumeric()) continue;
        const std::string zone = zones && i < static_cast<int>(zones->size()) ? zones->getElement<std::string>(static_cast<unsigned>(i))
                                                                              : "T" + std::to_string(i + 1);
        values->set(zone, body->get(key));
    }
    SupplierReading r;
    r.readingId = readingId;
    r.meterId = m->meterId;
    r.valuesJson = stringify(values);
    r.takenOn = body->has("date") && body->get("date").isString() ? body->getValue<std::string>("date") : tz::localDate(now, t.utcOffset());
    r.updatedAt = now;
    db_.transaction([&](soci::session& se) { SupplierStore(se, t.id()).addReading(r); });
    sendReading(t, readingId, now);
    return readingState(t, readingId);
}

bool SupplierForwarder::sendReading(Tenant& t, const std::string& readingId, long long now) {
    std::optional<SupplierReading> r;
    std::optional<SupplierMeter> m;
    std::optional<SupplierContract> c;
    db_.read([&](soci::session& se) {
        SupplierStore st(se, t.id());
        r = st.reading(readingId);
        if (r) m = st.meter(r->meterId);
        if (m) c = st.contract(m->contractId);
    });
    if (!r || r->state != "pending" || !m || !c) return false;
    Obj input = new Poco::JSON::Object;
    input->set("contract", c->number);
    input->set("serial", m->serial);
    input->set("date", r->takenOn);
    input->set("values", recordjson::objectOr(r->valuesJson));
    ++r->attempts;
    r->updatedAt = now;
    try {
        auto answer = recordjson::objectOr(hub_.call(t, c->connectorId, c->accountId, "submit_reading", stringify(input)));
        r->state = "sent";
        r->externalId = answer->optValue<std::string>("id", "").substr(0, 100);
        r->message.clear();
    } catch (const Error& e) {
        if (e.status() == 422 || (e.status() == 502 && r->attempts >= kMaxGarbled)) {
            r->state = "refused";
            r->message = e.status() == 422 ? std::string(e.what()).substr(0, 500) : "Поставщик не смог принять показания";
        } else {
            r->message = "Поставщик недоступен; показания будут переданы позже";
        }
        log::warn("supplier reading not sent", {{"tenant", t.id()}, {"reading", readingId}, {"status", std::to_string(e.status())}});
    }
    db_.transaction([&](soci::session& se) { SupplierStore(se, t.id()).updateReading(*r); });
    return r->state == "sent";
}

std::optional<Obj> SupplierForwarder::readingState(Tenant& t, const std::string& readingId) {
    std::optional<SupplierReading> r;
    db_.read([&](soci::session& se) { r = SupplierStore(se, t.id()).reading(readingId); });
    if (!r) return std::nullopt;
    Obj o = new Poco::JSON::Object;
    o->set("state", r->state);
    o->set("message", r->message);
    return o;
}

std::optional<Obj> SupplierForwarder::caseState(Tenant& t, const std::string& caseId) {
    std::optional<SupplierCase> c;
    db_.read([&](soci::session& se) { c = SupplierStore(se, t.id()).caseOf(caseId); });
    if (!c) return std::nullopt;
    Obj o = new Poco::JSON::Object;
    o->set("state", c->state);
    o->set("remote_state", c->remoteState);
    o->set("external_id", c->externalId);
    o->set("error", c->lastError);
    return o;
}

bool SupplierForwarder::sendCase(Tenant& t, const std::string& caseId, long long now) {
    std::optional<SupplierCase> link;
    std::optional<cases::CaseRow> row;
    std::vector<SupplierContract> contracts;
    db_.read([&](soci::session& se) {
        SupplierStore st(se, t.id());
        link = st.caseOf(caseId);
        row = cases::CaseStore(se, t.id()).get(caseId);
        if (link && row) contracts = st.contractsOfUser(row->applicantId, link->connectorId);
    });
    if (!link || !row || link->state != "pending") return false;
    std::string contract;
    for (const auto& c : contracts)
        if (c.accountId == link->accountId) contract = c.number;
    auto fields = recordjson::objectOr(row->fieldsJson);
    Obj input = new Poco::JSON::Object;
    input->set("contract", contract);
    input->set("subject", fields->optValue<std::string>("subject", ""));
    input->set("text", fields->optValue<std::string>("text", row->summary));
    input->set("email", fields->optValue<std::string>("email", ""));
    input->set("phone", fields->optValue<std::string>("phone", ""));
    input->set("reference", caseId);
    ++link->attempts;
    link->updatedAt = now;
    try {
        auto answer = recordjson::objectOr(hub_.call(t, link->connectorId, link->accountId, "file_case", stringify(input)));
        link->externalId = answer->optValue<std::string>("external_id", "").substr(0, 100);
        link->remoteState = answer->optValue<std::string>("state", "registered").substr(0, 64);
        link->state = link->externalId.empty() ? "failed" : "forwarded";
        link->lastError = link->externalId.empty() ? "Поставщик не вернул номер обращения" : "";
    } catch (const Error& e) {
        const bool refused = e.status() == 422 || (e.status() == 502 && link->attempts >= kMaxGarbled);
        if (refused) link->state = "failed";
        link->lastError = e.status() == 422 ? std::string(e.what()).substr(0, 500)
                          : refused       ? "Поставщик не смог принять обращение"
                                          : "Поставщик недоступен; обращение будет передано позже";
        log::warn("supplier case not sent", {{"tenant", t.id()}, {"case", caseId}, {"status", std::to_string(e.status())}});
    }
    db_.transaction([&](soci::session& se) { SupplierStore(se, t.id()).updateCase(*link); });
    return link->state == "forwarded";
}

int SupplierForwarder::pass(TenantRegistry& tenants, long long now) {
    int done = 0;
    for (const auto& id : tenants.ids()) {
        TenantScope scope(id); // the tenant's own database, when it has one
        auto t = tenants.find(id);
        if (!t) continue;
        try {
            done += pass(*t, now);
        } catch (const std::exception& e) {
            log::error("supplier forwarding failed", {{"tenant", id}, {"error", e.what()}});
        }
    }
    return done;
}

int SupplierForwarder::pass(Tenant& t, long long now) {
    int done = 0;
    const auto f = forwardingOf(t);
    std::vector<std::string> caseIds, readingIds;
    db_.transaction([&](soci::session& se) {
        SupplierStore st(se, t.id());
        for (const auto& [connector, kindIds] : f) {
            // New cases of the forwarded kinds, filed after their applicant linked an account at the connector.
            std::string kinds;
            for (const auto& k : kindIds) kinds += (kinds.empty() ? "'" : ",'") + k + "'";
            soci::rowset<soci::row> rows =
                (se.prepare << "SELECT c.case_id, a.account_id FROM cases c JOIN connector_accounts a ON a.tenant_id = c.tenant_id "
                               "AND a.connector_id = :k AND a.user_id = c.applicant_id AND a.disabled = 0 "
                               "WHERE c.tenant_id = :t AND c.kind IN (" + kinds + ") AND c.filed_at >= a.created_at "
                               "AND NOT EXISTS (SELECT 1 FROM supplier_cases s WHERE s.tenant_id = c.tenant_id AND s.case_id = c.case_id) "
                               "ORDER BY c.filed_at LIMIT 50",
                 soci::use(connector), soci::use(t.id()));
            std::vector<std::pair<std::string, std::string>> fresh;
            for (const auto& r : rows) fresh.emplace_back(r.get<std::string>(0), r.get<std::string>(1));
            for (const auto& [cid, account] : fresh) {
                SupplierCase c;
                c.caseId = cid, c.connectorId = connector, c.accountId = account, c.updatedAt = now;
                st.addCase(c);
            }
        }
        for (const auto& c : st.pendingCases(50)) caseIds.push_back(c.caseId);
        for (const auto& r : st.pendingReadings(50)) readingIds.push_back(r.readingId);
    });
    for (const auto& id : caseIds) done += sendCase(t, id, now) ? 1 : 0;
    for (const auto& id : readingIds) done += sendReading(t, id, now) ? 1 : 0;
    return done;
}

} // namespace kabinet
