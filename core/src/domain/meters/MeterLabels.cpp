#include "meters/MeterLabels.h"

#include "storage/RowValues.h"

#include <soci/soci.h>

#include <cstdio>
#include <ctime>

namespace kabinet {

std::optional<MeterLabel> meterLabel(soci::session& s, const std::string& tenantId, const std::string& meterId) {
    soci::row r;
    s << "SELECT m.meter_id, m.point_id, m.model, m.serial, p.name, p.number, p.address, "
         "COALESCE(c.consumer_name, ''), COALESCE(a.holder_name, ''), COALESCE(ac.consumer_name, ''), COALESCE(a.address, '') "
         "FROM meters m JOIN metering_points p ON p.tenant_id = m.tenant_id AND p.point_id = m.point_id "
         "LEFT JOIN contracts c ON c.tenant_id = p.tenant_id AND c.contract_id = p.contract_id "
         "LEFT JOIN accounts a ON a.tenant_id = p.tenant_id AND a.account_id = p.account_id "
         "LEFT JOIN contracts ac ON ac.tenant_id = a.tenant_id AND ac.contract_id = a.contract_id "
         "WHERE m.tenant_id = :t AND m.meter_id = :m",
        soci::use(tenantId), soci::use(meterId), soci::into(r);
    if (!s.got_data()) return std::nullopt;
    MeterLabel m;
    m.meterId = columnText(r, 0);
    m.pointId = columnText(r, 1);
    m.model = columnText(r, 2);
    m.serial = columnText(r, 3);
    m.pointName = columnText(r, 4);
    m.pointNumber = columnText(r, 5);
    m.address = columnText(r, 6).empty() ? columnText(r, 10) : columnText(r, 6);
    for (std::size_t i : {7, 8, 9})
        if (m.holder.empty()) m.holder = columnText(r, i);
    return m;
}

std::string meterText(const MeterLabel& m) {
    return "заводской номер " + m.serial + (m.model.empty() ? "" : " (" + m.model + ")");
}

std::string pointText(const MeterLabel& m) {
    if (m.pointNumber.empty()) return m.pointName;
    if (m.pointName.empty()) return m.pointNumber;
    // A name with quotes of its own (Кафе «Ласточка») is not quoted again.
    return m.pointName.find("«") != std::string::npos ? m.pointNumber + ", " + m.pointName : m.pointNumber + " «" + m.pointName + "»";
}

std::string localTimeText(long long ts, int offsetS) {
    const std::time_t t = static_cast<std::time_t>(ts + offsetS);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02d.%02d.%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
    return buf;
}

} // namespace kabinet
