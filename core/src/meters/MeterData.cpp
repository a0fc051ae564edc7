#include "meters/MeterData.h"

#include "storage/Database.h"
#include "util/Log.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <tuple>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>

namespace kabinet {

namespace {

constexpr std::size_t kRowsPerStatement = 500;

/// A SQL string literal: quotes doubled; control characters other than tab/newline refused.
std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\0') throw std::invalid_argument("text contains a NUL byte");
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

std::string num(const std::optional<double>& v) {
    if (!v || !std::isfinite(*v)) return "NULL";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", *v);
    return buf;
}

std::string num(long long v) { return std::to_string(v); }

/// Runs INSERT … VALUES (…), (…) … ON CONFLICT (…) DO UPDATE for rows rendered by `render`, in chunks.
template <class Row, class Render>
std::size_t upsert(soci::session& s, const std::vector<Row>& rows, const std::string& head, const std::string& tail, Render render) {
    for (std::size_t i = 0; i < rows.size(); i += kRowsPerStatement) {
        std::string sql = head;
        const std::size_t end = std::min(rows.size(), i + kRowsPerStatement);
        sql.reserve(head.size() + (end - i) * 120 + tail.size());
        for (std::size_t j = i; j < end; ++j) {
            if (j > i) sql += ',';
            sql += '(';
            sql += render(rows[j]);
            sql += ')';
        }
        sql += tail;
        s << sql;
    }
    return rows.size();
}

/// The rows with the last one of each key kept (one statement may not update a row twice).
template <class Row, class Key>
std::vector<Row> lastPerKey(const std::vector<Row>& rows, Key key) {
    std::map<decltype(key(rows.front())), std::size_t> at;
    for (std::size_t i = 0; i < rows.size(); ++i) at[key(rows[i])] = i;
    if (at.size() == rows.size()) return rows;
    std::vector<std::size_t> keep;
    for (const auto& [k, i] : at) keep.push_back(i);
    std::sort(keep.begin(), keep.end());
    std::vector<Row> out;
    for (auto i : keep) out.push_back(rows[i]);
    return out;
}

void check(bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument(what);
}

/// First second of the UTC month containing ts, and of the next month.
std::pair<long long, long long> monthOf(long long ts) {
    std::time_t t = static_cast<std::time_t>(ts);
    std::tm tm{};
    gmtime_r(&t, &tm);
    tm.tm_mday = 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    const long long start = static_cast<long long>(timegm(&tm));
    tm.tm_mon += 1;
    const long long next = static_cast<long long>(timegm(&tm));
    return {start, next};
}

std::mutex g_partitionsMutex;
std::set<std::string> g_partitions; // created in this process (per database URL and table and month)

} // namespace

MeterDataSink::MeterDataSink(Database& db) : db_(db) {}

void MeterDataSink::ensurePartitions(const std::string& table, long long fromTs, long long toTs) {
    if (db_.backend() != Backend::PostgreSQL || fromTs > toTs) return;
    for (long long ts = fromTs; ts <= toTs;) {
        const auto [start, next] = monthOf(ts);
        std::time_t t = static_cast<std::time_t>(start);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char name[64];
        std::snprintf(name, sizeof name, "%s_y%04dm%02d", table.c_str(), tm.tm_year + 1900, tm.tm_mon + 1);
        const std::string key = std::to_string(reinterpret_cast<std::uintptr_t>(&db_)) + name;
        bool known;
        {
            std::lock_guard<std::mutex> lock(g_partitionsMutex);
            known = g_partitions.count(key) > 0;
        }
        if (!known) {
            try {
                db_.transaction([&](soci::session& s) {
                    s << "CREATE TABLE IF NOT EXISTS " + std::string(name) + " PARTITION OF " + table + " FOR VALUES FROM (" +
                             num(start) + ") TO (" + num(next) + ")";
                });
            } catch (const std::exception& e) {
                // Rows of that month already in the default partition (or a concurrent creator): they stay there.
                log::warn("partition not created", {{"table", table}, {"partition", name}, {"error", e.what()}});
            }
            std::lock_guard<std::mutex> lock(g_partitionsMutex);
            g_partitions.insert(key);
        }
        ts = next;
    }
}

IngestResult MeterDataSink::write(const std::string& tenant, const MeterDataBatch& input) {
    IngestResult r;
    if (input.empty()) return r;
    MeterDataBatch b;
    if (!input.readings.empty())
        b.readings = lastPerKey(input.readings, [](const ReadingRow& x) { return std::make_tuple(x.meterId, x.energy, x.kind, x.ts); });
    if (!input.profile.empty())
        b.profile = lastPerKey(input.profile, [](const ProfileRow& x) { return std::make_tuple(x.meterId, x.ts); });
    if (!input.params.empty())
        b.params = lastPerKey(input.params, [](const ParamRow& x) { return std::make_tuple(x.meterId, x.ts, x.phase); });
    if (!input.events.empty())
        b.events = lastPerKey(input.events, [](const EventRow& x) { return std::make_tuple(x.meterId, x.tsStart, x.code); });
    // Every row must name a meter of this tenant, with sane values.
    std::set<std::string> meters;
    long long rMin = LLONG_MAX, rMax = LLONG_MIN, pMin = LLONG_MAX, pMax = LLONG_MIN;
    for (const auto& x : b.readings) {
        meters.insert(x.meterId);
        check(x.kind == "billing" || x.kind == "latest", "reading kind must be billing or latest");
        check(x.energy == "A+" || x.energy == "A-" || x.energy == "R+" || x.energy == "R-", "energy must be A+, A-, R+ or R-");
        check(x.source == "driver" || x.source == "connector" || x.source == "consumer" || x.source == "operator" || x.source == "demo",
              "unknown reading source");
        rMin = std::min(rMin, x.ts);
        rMax = std::max(rMax, x.ts);
    }
    for (const auto& x : b.profile) {
        meters.insert(x.meterId);
        check(x.intervalMin == 30 || x.intervalMin == 60 || x.intervalMin == 15, "profile interval must be 15, 30 or 60 minutes");
        pMin = std::min(pMin, x.ts);
        pMax = std::max(pMax, x.ts);
    }
    for (const auto& x : b.params) {
        meters.insert(x.meterId);
        check(x.phase == "A" || x.phase == "B" || x.phase == "C" || x.phase == "S", "phase must be A, B, C or S");
    }
    for (const auto& x : b.events) {
        meters.insert(x.meterId);
        check(x.severity == "info" || x.severity == "warning" || x.severity == "alarm", "severity must be info, warning or alarm");
        check(!x.code.empty() && !x.category.empty(), "event code and category are required");
    }
    ensurePartitions("readings", rMin, rMax);
    ensurePartitions("profile", pMin, pMax);
    const std::string t = quote(tenant);
    db_.transaction([&](soci::session& s) {
        std::string in;
        for (const auto& m : meters) in += (in.empty() ? "" : ",") + quote(m);
        int known = 0;
        s << "SELECT COUNT(*) FROM meters WHERE tenant_id = " + t + " AND meter_id IN (" + in + ")", soci::into(known);
        if (known != static_cast<int>(meters.size())) {
            for (const auto& m : meters) {
                int one = 0;
                s << "SELECT COUNT(*) FROM meters WHERE tenant_id = :t AND meter_id = :m", soci::use(tenant), soci::use(m), soci::into(one);
                if (!one) throw std::invalid_argument("unknown meter '" + m.substr(0, 64) + "'");
            }
        }
        r.readings = upsert(s, b.readings,
                            "INSERT INTO readings (tenant_id, meter_id, ts, kind, energy, total, t1, t2, t3, t4, source) VALUES ",
                            " ON CONFLICT (tenant_id, meter_id, energy, kind, ts) DO UPDATE SET total = excluded.total, t1 = excluded.t1, "
                            "t2 = excluded.t2, t3 = excluded.t3, t4 = excluded.t4, source = excluded.source",
                            [&](const ReadingRow& x) {
                                return t + "," + quote(x.meterId) + "," + num(x.ts) + "," + quote(x.kind) + "," + quote(x.energy) + "," +
                                       num(x.total) + "," + num(x.t1) + "," + num(x.t2) + "," + num(x.t3) + "," + num(x.t4) + "," +
                                       quote(x.source);
                            });
        r.profile = upsert(s, b.profile,
                           "INSERT INTO profile (tenant_id, meter_id, ts, interval_min, p_plus, p_minus, q_plus, q_minus) VALUES ",
                           " ON CONFLICT (tenant_id, meter_id, ts) DO UPDATE SET interval_min = excluded.interval_min, "
                           "p_plus = excluded.p_plus, p_minus = excluded.p_minus, q_plus = excluded.q_plus, q_minus = excluded.q_minus",
                           [&](const ProfileRow& x) {
                               return t + "," + quote(x.meterId) + "," + num(x.ts) + "," + num(static_cast<long long>(x.intervalMin)) + "," +
                                      num(x.pPlus) + "," + num(x.pMinus) + "," + num(x.qPlus) + "," + num(x.qMinus);
                           });
        r.params = upsert(s, b.params,
                          "INSERT INTO network_params (tenant_id, meter_id, ts, phase, voltage, current, p, q, s, pf, frequency, angle) VALUES ",
                          " ON CONFLICT (tenant_id, meter_id, ts, phase) DO UPDATE SET voltage = excluded.voltage, current = excluded.current, "
                          "p = excluded.p, q = excluded.q, s = excluded.s, pf = excluded.pf, frequency = excluded.frequency, angle = excluded.angle",
                          [&](const ParamRow& x) {
                              return t + "," + quote(x.meterId) + "," + num(x.ts) + "," + quote(x.phase) + "," + num(x.voltage) + "," +
                                     num(x.current) + "," + num(x.p) + "," + num(x.q) + "," + num(x.s) + "," + num(x.pf) + "," +
                                     num(x.frequency) + "," + num(x.angle);
                          });
        r.events = upsert(s, b.events,
                          "INSERT INTO meter_events (tenant_id, meter_id, ts_start, code, category, severity, text, ts_end, tamper) VALUES ",
                          " ON CONFLICT (tenant_id, meter_id, ts_start, code) DO UPDATE SET category = excluded.category, "
                          "severity = excluded.severity, text = excluded.text, ts_end = excluded.ts_end, tamper = excluded.tamper",
                          [&](const EventRow& x) {
                              return t + "," + quote(x.meterId) + "," + num(x.tsStart) + "," + quote(x.code) + "," + quote(x.category) + "," +
                                     quote(x.severity) + "," + quote(x.text) + "," + (x.tsEnd ? num(*x.tsEnd) : std::string("NULL")) + "," +
                                     (x.tamper ? "1" : "0");
                          });
    });
    for (const auto& e : b.events) r.tamperEvents += e.tamper ? 1 : 0;
    return r;
}

} // namespace kabinet
