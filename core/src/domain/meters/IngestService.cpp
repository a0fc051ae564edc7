#include "meters/IngestService.h"

#include "meters/MeterData.h"
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
    IngestResult res;
    try {
        res = MeterDataSink(db_, tenants_).write(tenantId, batch);
    } catch (const InvalidMeterData& e) {
        throw Unprocessable(FieldErrors{{e.field, e.reason}});
    } catch (const std::invalid_argument& e) {
        throw Unprocessable(FieldErrors{{"batch", e.what()}});
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
