#include "api/LimitSpecs.h"

namespace kabinet::spec {

using namespace shape;

RouteSpec operatorLimits() {
    const Shape limits = named(
        "TenantLimits",
        described(object({{"requests_per_second_per_client", described(integer(), "API requests a second of one client")},
                          {"burst_per_client", described(integer(), "requests one client may send at once")},
                          {"requests_per_second", described(integer(), "API requests a second of the whole tenant")},
                          {"burst", described(integer(), "requests the tenant may receive at once")},
                          {"ingest_rows_per_minute", described(integer(), "meter-data rows a minute through ingest/meter-data")},
                          {"document_storage_bytes", described(integer(), "bytes of all stored documents")},
                          {"sms_per_day", described(integer(), "text messages a day (the tenant's local day)")}}),
                  "settings.limits of the tenant's Lua, defaults filled in"));
    const Shape usage = named(
        "TenantLimitUsage",
        object({{"requests_per_second", described(integer(), "API requests admitted over the last second (this instance)")},
                {"ingest_rows_per_minute", described(integer(), "ingest rows taken over the last minute (this instance)")},
                {"document_storage_bytes", described(integer(), "bytes of the documents stored")},
                {"sms_per_day", described(integer(), "text messages sent since the tenant's midnight")}}));
    return RouteSpec("The tenant's limits and what it uses of them (staff; the administrator's console shows them)")
        .group("operators")
        .answer(200, object({{"limits", limits}, {"usage", usage}}));
}

} // namespace kabinet::spec
