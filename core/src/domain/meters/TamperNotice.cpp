#include "meters/TamperNotice.h"

#include "meters/MeterData.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"

#include <ctime>

namespace kabinet {

namespace {
/// dd.mm.yyyy HH:MM in the tenant's time zone.
std::string localTime(const Tenant& t, long long ts) {
    const std::time_t local = static_cast<std::time_t>(ts + t.utcOffset());
    std::tm tm{};
    gmtime_r(&local, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%d.%m.%Y %H:%M", &tm);
    return buf;
}
} // namespace

Notice tamperNotice(soci::session& s, const Tenant& t, const EventRow& e) {
    const std::string tenant = t.id(), meter = e.meterId;
    std::string serial, pointId, pointName, address, consumer;
    soci::rowset<soci::row> rs = (s.prepare << "SELECT m.serial, p.point_id, p.name, p.address, c.consumer_name, a.holder_name, a.address, "
                                               "ac.consumer_name FROM meters m "
                                               "LEFT JOIN metering_points p ON p.tenant_id = m.tenant_id AND p.point_id = m.point_id "
                                               "LEFT JOIN contracts c ON c.tenant_id = p.tenant_id AND c.contract_id = p.contract_id "
                                               "LEFT JOIN accounts a ON a.tenant_id = p.tenant_id AND a.account_id = p.account_id "
                                               "LEFT JOIN contracts ac ON ac.tenant_id = a.tenant_id AND ac.contract_id = a.contract_id "
                                               "WHERE m.tenant_id = :t AND m.meter_id = :m",
                                  soci::use(tenant), soci::use(meter));
    for (const auto& r : rs) {
        serial = columnText(r, 0);
        pointId = columnText(r, 1);
        pointName = columnText(r, 2);
        address = columnText(r, 3);
        if (address.empty()) address = columnText(r, 6);
        for (std::size_t i : {4, 5, 7})
            if (consumer.empty()) consumer = columnText(r, i);
    }
    Notice n;
    n.kind = "meter_tamper";
    n.audience.operators = true;
    n.values = {{"meter", serial}, {"consumer", consumer}, {"address", address}, {"event", e.text.empty() ? e.code : e.text},
                {"time", localTime(t, e.tsStart)}, {"point", pointName}};
    n.refs.push_back({"meter", e.meterId, serial.empty() ? "" : "Прибор учёта № " + serial});
    if (!pointId.empty()) n.refs.push_back({"point", pointId, pointName});
    n.dedupeKey = e.meterId + "|" + std::to_string(e.tsStart) + "|" + e.code;
    return n;
}

} // namespace kabinet
