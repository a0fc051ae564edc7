#include "demo/DemoPolling.h"

#include "meters/MeterRegistry.h"
#include "polling/PollStore.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"

#include <soci/soci.h>

namespace kabinet {

namespace {
struct DriverInfo {
    const char* driver;
    const char* model;
    const char* singlePhaseModel; ///< the type a flat gets where the protocol has a single-phase one
    unsigned long long serialBase;
};
constexpr DriverInfo kDrivers[] = {
    {"mercury", "Меркурий 230 ART", "Меркурий 230 ART", 41000000ULL},
    {"iec62056-21", "Энергомера CE301", "Энергомера CE102M", 9000000000ULL},
    {"dlms", "Счётчик СПОДЭС (DLMS/COSEM)", "Однофазный счётчик СПОДЭС (DLMS/COSEM)", 2300000000ULL},
};
const DriverInfo* info(const std::string& driver) {
    for (const auto& d : kDrivers)
        if (driver == d.driver) return &d;
    return nullptr;
}
/// What a polled demo meter of the n-th gateway counts at the consumer's place.
std::string placeName(bool flat, std::size_t n) {
    static const char* flatPlaces[] = {"Кладовая в подвале дома", "Машино-место в паркинге", "Нежилое помещение на первом этаже"};
    static const char* housePlaces[] = {"Гараж", "Мастерская", "Баня"};
    return (flat ? flatPlaces : housePlaces)[n % 3];
}
} // namespace

std::string simulatedMeterSettings(const std::string& driver, unsigned address, const std::string& serial) {
    if (driver == "mercury") return "{\"address\": " + std::to_string(address) + ", \"password\": \"111111\", \"level\": 1}";
    if (driver == "iec62056-21") return "{\"address\": \"" + serial + "\", \"password\": \"777777\"}";
    return "{\"server_logical\": 1, \"server_physical\": " + std::to_string(address) +
           ", \"client\": 32, \"password\": \"12345678\", \"framing\": \"hdlc\"}";
}

std::vector<SimulatedGateway> parseSimulatedGateways(const std::string& text) {
    std::vector<SimulatedGateway> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find(',', pos);
        if (end == std::string::npos) end = text.size();
        const std::string part = text.substr(pos, end - pos);
        pos = end + 1;
        const auto eq = part.find('='), colon = part.rfind(':');
        if (eq == std::string::npos || colon == std::string::npos || colon < eq)
            throw ConfigError("--gateways: expected driver=host:port, got '" + part + "'");
        SimulatedGateway g;
        g.driver = part.substr(0, eq);
        const DriverInfo* d = info(g.driver);
        if (!d) throw ConfigError("--gateways: unknown driver '" + g.driver + "' (mercury, iec62056-21, dlms)");
        g.host = part.substr(eq + 1, colon - eq - 1);
        try {
            g.port = static_cast<unsigned>(std::stoul(part.substr(colon + 1)));
        } catch (const std::logic_error&) {
            throw ConfigError("--gateways: bad port in '" + part + "'");
        }
        g.serialBase = d->serialBase;
        g.firstAddress = g.driver == "dlms" ? 17 : 1; // HDLC physical addresses of SPODES meters start at 16
        out.push_back(g);
    }
    return out;
}

unsigned linkSimulatedMeters(Database& db, TenantRegistry& tenants, const std::vector<SimulatedGateway>& gateways) {
    PollStore store(db, "demo");
    MeterRegistry reg(db);
    unsigned linked = 0;
    const auto ids = tenants.ids();
    for (std::size_t k = 0; k < ids.size(); ++k) {
        const std::string& tenant = ids[k];
        std::string account, contract, templatePoint, templateAddress;
        int templatePhases = 3;
        soci::indicator ai = soci::i_null, ci = soci::i_null, pi = soci::i_null, addri = soci::i_null, phi = soci::i_null;
        db.read([&](soci::session& s) {
            std::string t = tenant;
            s << "SELECT p.account_id, p.contract_id, p.point_id, p.address, m.phases FROM meters m JOIN metering_points p ON p.tenant_id = m.tenant_id AND "
                 "p.point_id = m.point_id WHERE m.tenant_id = :t AND m.smart = 1 AND m.virtual = 0 AND p.number NOT LIKE 'POLL-%' "
                 "AND EXISTS (SELECT 1 FROM access_grants g WHERE g.tenant_id = p.tenant_id AND ((g.scope = 'account' AND "
                 "g.ref_id = p.account_id) OR (g.scope = 'contract' AND g.ref_id = p.contract_id) OR (g.scope = 'point' AND "
                 "g.ref_id = p.point_id))) ORDER BY m.meter_id LIMIT 1",
                soci::use(t), soci::into(account, ai), soci::into(contract, ci), soci::into(templatePoint, pi), soci::into(templateAddress, addri),
                soci::into(templatePhases, phi);
        });
        // The polled meters stand at the consumer's own place: a flat's are single-phase (a flat has a
        // single-phase supply), a house's three-phase.
        const bool flat = phi == soci::i_ok && templatePhases == 1;
        std::string place = addri == soci::i_ok ? templateAddress : "";
        if (const auto flatPart = place.find(", кв. "); flat && flatPart != std::string::npos) place.erase(flatPart); // the building
        for (std::size_t n = 0; n < gateways.size(); ++n) {
            const auto& g = gateways[n];
            const DriverInfo* d = info(g.driver);
            const unsigned address = g.firstAddress + static_cast<unsigned>(k);
            const std::string serial = std::to_string(g.serialBase + k);
            const std::string gatewayId = "sim-" + g.driver;
            store.upsertGateway(tenant, gatewayId, g.host, g.port, "Имитатор шлюза RS-485/TCP (" + g.driver + ")");
            MeteringPoint p;
            p.accountId = ai == soci::i_ok ? account : "";
            p.contractId = ci == soci::i_ok ? contract : "";
            p.name = placeName(flat, n);
            p.number = "POLL-" + serial;
            p.address = place;
            p.installationPlace = flat ? "Этажный щит" : "Щит учёта на вводе";
            p.tariff = "T2";
            const std::string point = reg.upsertPoint(tenant, p);
            Meter m;
            m.pointId = point;
            m.model = flat ? d->singlePhaseModel : d->model;
            m.serial = serial;
            m.smart = true;
            m.phases = flat ? 1 : 3;
            m.tariffZones = 2;
            const std::string meterId = reg.upsertMeter(tenant, m);
            // Whoever was given the template point alone (a point grant) is given the polled one too.
            if (pi == soci::i_ok) {
                db.transaction([&](soci::session& s) {
                    std::string t = tenant, from = templatePoint, to = point;
                    s << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, title, granted_by, granted_at) "
                         "SELECT tenant_id, user_id, scope, :to, way, NULL, granted_by, granted_at FROM access_grants "
                         "WHERE tenant_id = :t AND scope = 'point' AND ref_id = :from "
                         "ON CONFLICT (tenant_id, user_id, scope, ref_id) DO NOTHING",
                        soci::use(to), soci::use(t), soci::use(from);
                });
            }
            store.linkMeter(tenant, meterId, gatewayId, g.driver, simulatedMeterSettings(g.driver, address, serial));
            ++linked;
        }
    }
    return linked;
}

} // namespace kabinet
