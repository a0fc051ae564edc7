#include "meters/IngestService.h"

#include "limits/TenantLimits.h"
#include "meters/MeterData.h"
#include "tenants/TenantRegistry.h"
#include "meters/MeterDataJson.h"
#include "util/Crypto.h"
#include "util/Error.h"

#include <map>

namespace kabinet {

void IngestService::authorize(const std::string& token) const {
    if (token_.empty() || !crypto::constantTimeEquals(token, token_)) throw Error(401, "not_authenticated", "Нужен токен загрузки данных");
}

Poco::JSON::Object::Ptr IngestService::ingest(const std::string& tenantId, const Poco::JSON::Object::Ptr& body) {
    using FieldErrors = std::map<std::string, std::string>;
    const MeterDataBatch batch = meterDataFromJson(body);
    // The tenant's ingest budget (in memory, per instance): taken before the write, given back if it is refused.
    std::shared_ptr<Tenant> tenant = limits_ && tenants_ ? tenants_->find(tenantId) : nullptr;
    const long long rows = static_cast<long long>(batch.readings.size() + batch.profile.size() + batch.params.size() + batch.events.size());
    if (tenant) limits_->takeIngestRows(*tenant, rows);
    IngestResult res;
    try {
        res = MeterDataSink(db_, tenants_).write(tenantId, batch);
    } catch (const InvalidMeterData& e) {
        if (tenant) limits_->returnIngestRows(*tenant, rows);
        throw Unprocessable(FieldErrors{{e.field, e.reason}});
    } catch (const std::invalid_argument& e) {
        if (tenant) limits_->returnIngestRows(*tenant, rows);
        throw Unprocessable(FieldErrors{{"batch", e.what()}});
    } catch (...) {
        if (tenant) limits_->returnIngestRows(*tenant, rows);
        throw;
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("readings", res.readings);
    o->set("profile", res.profile);
    o->set("params", res.params);
    o->set("events", res.events);
    o->set("tamper_events", res.tamperEvents);
    return o;
}

} // namespace kabinet
