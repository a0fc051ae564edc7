#include "meters/ManualReadingStore.h"

#include "meters/RowJson.h"
#include "storage/RowValues.h"

#include <soci/soci.h>

#include <algorithm>

namespace kabinet {

ManualMeterFacts ManualReadingStore::meter(const std::string& meterId) {
    ManualMeterFacts f;
    int zones = 1, smart = 0, links = 0;
    s_ << "SELECT tariff_zones, smart FROM meters WHERE tenant_id = :t AND meter_id = :m", soci::use(tenant_), soci::use(meterId),
        soci::into(zones), soci::into(smart);
    s_ << "SELECT COUNT(*) FROM meter_links WHERE tenant_id = :t AND meter_id = :m AND enabled <> 0", soci::use(tenant_), soci::use(meterId),
        soci::into(links);
    f.tariffZones = std::clamp(zones, 1, 4);
    f.smart = smart != 0;
    f.polled = links > 0;
    return f;
}

std::optional<RegisterValues> ManualReadingStore::reading(const std::string& sql, const std::string& meterId, long long ts) {
    soci::row r;
    s_ << sql, soci::use(tenant_), soci::use(meterId), soci::use(ts), soci::into(r);
    if (!s_.got_data()) return std::nullopt;
    RegisterValues out;
    out.ts = columnInteger(r, 0);
    for (std::size_t i = 0; i < 5; ++i) out.v[i] = columnReal(r, i + 1);
    return out;
}

std::optional<RegisterValues> ManualReadingStore::readingAtOrBefore(const std::string& meterId, long long ts) {
    return reading("SELECT ts, total, t1, t2, t3, t4 FROM readings WHERE tenant_id = :t AND meter_id = :m AND energy = 'A+' AND "
                   "kind = 'latest' AND ts <= :ts ORDER BY ts DESC LIMIT 1",
                   meterId, ts);
}

std::optional<RegisterValues> ManualReadingStore::readingAfter(const std::string& meterId, long long ts) {
    return reading("SELECT ts, total, t1, t2, t3, t4 FROM readings WHERE tenant_id = :t AND meter_id = :m AND energy = 'A+' AND "
                   "kind = 'latest' AND ts > :ts ORDER BY ts LIMIT 1",
                   meterId, ts);
}

void ManualReadingStore::insert(const ManualReading& r) {
    soci::indicator ind[5];
    double val[5];
    for (int i = 0; i < 5; ++i) {
        ind[i] = r.v[i] ? soci::i_ok : soci::i_null;
        val[i] = r.v[i].value_or(0);
    }
    const long long decided = r.decidedAt.value_or(0);
    soci::indicator decidedInd = r.decidedAt ? soci::i_ok : soci::i_null;
    s_ << "INSERT INTO manual_readings (tenant_id, submission_id, meter_id, user_id, ts, t1, t2, t3, t4, total, state, submitted_at, "
          "decided_at) VALUES (:t, :id, :m, :u, :ts, :t1, :t2, :t3, :t4, :total, :st, :sub, :dec)",
        soci::use(tenant_), soci::use(r.id), soci::use(r.meterId), soci::use(r.userId), soci::use(r.ts), soci::use(val[1], ind[1]),
        soci::use(val[2], ind[2]), soci::use(val[3], ind[3]), soci::use(val[4], ind[4]), soci::use(val[0]), soci::use(r.state),
        soci::use(r.submittedAt), soci::use(decided, decidedInd);
}

std::optional<ManualReading> ManualReadingStore::find(const std::string& id) {
    soci::row r;
    s_ << "SELECT meter_id, ts, total, t1, t2, t3, t4, state, user_id, submitted_at, decided_at FROM manual_readings WHERE tenant_id = :t "
          "AND submission_id = :id",
        soci::use(tenant_), soci::use(id), soci::into(r);
    if (!s_.got_data()) return std::nullopt;
    ManualReading m;
    m.id = id;
    m.meterId = columnText(r, 0);
    m.ts = columnInteger(r, 1);
    for (std::size_t i = 0; i < 5; ++i) m.v[i] = columnReal(r, i + 2);
    m.state = columnText(r, 7);
    m.userId = columnText(r, 8);
    m.submittedAt = columnInteger(r, 9);
    if (r.get_indicator(10) != soci::i_null) m.decidedAt = columnInteger(r, 10);
    return m;
}

void ManualReadingStore::decide(const std::string& id, const std::string& state, const std::string& reason, long long at,
                                const std::string& by) {
    s_ << "UPDATE manual_readings SET state = :s, reason = :r, decided_at = :n, decided_by = :by WHERE tenant_id = :t AND submission_id = :id",
        soci::use(state), soci::use(reason), soci::use(at), soci::use(by), soci::use(tenant_), soci::use(id);
}

Poco::JSON::Array::Ptr ManualReadingStore::ofMeter(const std::string& meterId) {
    return rowjson::rows(s_, "SELECT submission_id, ts, t1, t2, t3, t4, total, state, reason, submitted_at, decided_at FROM manual_readings "
                             "WHERE tenant_id = :t AND meter_id = :m ORDER BY submitted_at DESC LIMIT 200",
                         {"id", "ts", "t1", "t2", "t3", "t4", "total", "state", "reason", "submitted_at", "decided_at"},
                         {"ts", "t1", "t2", "t3", "t4", "total", "submitted_at", "decided_at"}, {tenant_, meterId});
}

Poco::JSON::Array::Ptr ManualReadingStore::inState(const std::string& state) {
    return rowjson::rows(s_, "SELECT r.submission_id, r.ts, r.t1, r.t2, r.t3, r.t4, r.total, r.state, r.reason, r.submitted_at, "
                             "p.point_id, p.name, p.address, m.model, m.serial, u.login FROM manual_readings r JOIN meters m ON "
                             "m.tenant_id = r.tenant_id AND m.meter_id = r.meter_id JOIN metering_points p ON p.tenant_id = m.tenant_id "
                             "AND p.point_id = m.point_id JOIN users u ON u.tenant_id = r.tenant_id AND u.user_id = r.user_id "
                             "WHERE r.tenant_id = :t AND r.state = :s ORDER BY r.submitted_at LIMIT 500",
                         {"id", "ts", "t1", "t2", "t3", "t4", "total", "state", "reason", "submitted_at", "point_id", "point_name",
                          "address", "model", "serial", "consumer"},
                         {"ts", "t1", "t2", "t3", "t4", "total", "submitted_at"}, {tenant_, state});
}

} // namespace kabinet
