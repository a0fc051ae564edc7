#include "connectors/SupplierContracts.h"

#include "connectors/SupplierStore.h"
#include "meters/AccessStore.h"
#include "meters/MeterRegistry.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace kabinet {

namespace {
std::string text(const Poco::JSON::Object::Ptr& o, const char* key, std::size_t max) {
    if (!o->has(key) || !o->get(key).isString()) return {};
    std::string s = o->getValue<std::string>(key);
    return s.size() > max ? s.substr(0, max) : s;
}
} // namespace

std::string storeSupplierContract(soci::session& se, const SupplierContractSource& src, const Poco::JSON::Object::Ptr& record) {
    Contract k;
    k.number = text(record, "number", 64);
    if (k.number.empty()) throw std::invalid_argument("a contract without a number");
    k.consumerName = text(record, "consumer_name", 300);
    k.actualAddress = text(record, "address", 300);
    k.validFrom = text(record, "valid_from", 10);
    k.supplier = src.supplier;
    const std::string contractId = MeterRegistry::upsertContract(se, src.tenantId, k);
    SupplierStore store(se, src.tenantId);
    store.putContract({contractId, src.connectorId, src.accountId, k.number});
    if (auto points = record->getArray("points")) {
        for (std::size_t i = 0; i < points->size(); ++i) {
            auto p = points->getObject(static_cast<unsigned>(i));
            if (!p || text(p, "number", 64).empty()) continue;
            MeteringPoint mp;
            mp.contractId = contractId;
            mp.number = text(p, "number", 64);
            mp.name = text(p, "name", 200);
            if (mp.name.empty()) mp.name = mp.number;
            mp.address = text(p, "address", 300);
            auto meters = p->getArray("meters");
            const std::size_t zonesOfFirst = meters && meters->size() && meters->getObject(0) && meters->getObject(0)->getArray("zones")
                                                 ? meters->getObject(0)->getArray("zones")->size()
                                                 : 1;
            mp.tariff = "T" + std::to_string(zonesOfFirst < 1 ? 1 : zonesOfFirst > 4 ? 4 : zonesOfFirst);
            const std::string pointId = MeterRegistry::upsertPoint(se, src.tenantId, mp);
            if (!meters) continue;
            for (std::size_t j = 0; j < meters->size(); ++j) {
                auto m = meters->getObject(static_cast<unsigned>(j));
                if (!m || text(m, "serial", 64).empty()) continue;
                Meter mt;
                mt.pointId = pointId;
                mt.serial = text(m, "serial", 64);
                mt.model = text(m, "model", 100);
                mt.smart = m->has("smart") && m->get("smart").isBoolean() && m->getValue<bool>("smart");
                auto zones = m->getArray("zones");
                mt.tariffZones = zones && zones->size() ? static_cast<int>(std::min<std::size_t>(zones->size(), 4)) : 1;
                const std::string meterId = MeterRegistry::upsertMeter(se, src.tenantId, mt);
                SupplierMeter sm;
                sm.meterId = meterId, sm.contractId = contractId, sm.serial = mt.serial;
                if (zones) {
                    std::ostringstream z;
                    zones->stringify(z);
                    sm.zonesJson = z.str();
                }
                if (auto w = m->getObject("submission")) {
                    sm.fromDay = std::clamp(w->optValue<int>("from_day", 1), 1, 31);
                    sm.toDay = std::clamp(w->optValue<int>("to_day", 31), 1, 31);
                }
                store.putMeter(sm);
            }
        }
    }
    if (src.userId) {
        const std::string title = src.title.empty() ? (text(record, "title", 200).empty() ? k.number : text(record, "title", 200)) : src.title;
        AccessStore(se, src.tenantId)
            .addGrant({*src.userId, "contract", contractId, "supplier_login", title, std::nullopt, src.now},
                      src.title.empty() ? AccessStore::OnConflict::Keep : AccessStore::OnConflict::Retitle);
    }
    return contractId;
}

} // namespace kabinet
