// How the sink writes. Rows are deduplicated per key (the last one given wins) and put in key order, every
// meter is checked to be the tenant's, then one transaction per batch (which also keeps `latest_readings`, the
// newest reading of each meter, direction and kind, by INSERT … ON CONFLICT):
//  * SQLite, and PostgreSQL tables with few rows in the batch: multi-row INSERT … ON CONFLICT … DO UPDATE.
//  * PostgreSQL otherwise: COPY in text format. When no stored row of the batch's meters lies in its time span
//    (new intervals: the usual case) straight into the table, under a savepoint; else — or when a concurrent
//    writer stored one of the keys meanwhile (unique violation) — into a temporary table of the session, then
//    one INSERT … SELECT … ON CONFLICT … DO UPDATE. On this machine that stores batches of 10,000 new profile
//    rows at ~0.75 × a raw COPY (the INSERT statements alone reached ~0.3 ×), re-sent rows at ~2 × the INSERT
//    rate (bench/meter_bench.cpp).
#include "meters/MeterData.h"

#include "meters/LatestReadingCache.h"
#include "meters/SinkCopy.h"
#include "meters/SinkRows.h"
#include "meters/TamperNotice.h"
#include "notify/NotificationCentre.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "tenants/TenantRegistry.h"
#include "util/Crypto.h"
#include "util/Log.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <soci/soci.h>

#include <cstdio>
#include <ctime>
#include <mutex>
#include <set>

namespace kabinet {

using namespace sink;

namespace {

/// INSERT … VALUES (…), (…) … ON CONFLICT (…) DO UPDATE, in statements of kRowsPerStatement rows (SQLite, the small
/// parts of a PostgreSQL batch, and the newest readings).
template <class Row>
void insertRows(soci::session& s, const Table& t, const std::string& tenant, const std::vector<const Row*>& rows) {
    const std::string head = std::string("INSERT INTO ") + t.name + " (" + t.columns + ") VALUES ";
    const std::string tail = std::string(" ON CONFLICT (") + t.key + ") DO UPDATE SET " + t.update;
    for (std::size_t i = 0; i < rows.size(); i += kRowsPerStatement) {
        const std::size_t end = std::min(rows.size(), i + kRowsPerStatement);
        std::string sql = head;
        sql.reserve(head.size() + (end - i) * 128 + tail.size());
        SqlValues values(sql);
        for (std::size_t j = i; j < end; ++j) {
            sql += j > i ? ",(" : "(";
            put(values, tenant, *rows[j]);
            sql += ')';
        }
        sql += tail;
        s << sql;
    }
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

/// Throws InvalidMeterData naming the first row (in the order given) of a meter the tenant does not have.
[[noreturn]] void refuseUnknownMeter(const MeterDataBatch& b, const std::string& meter) {
    const std::string reason = "Неизвестный прибор учёта '" + meter.substr(0, 64) + "'";
    const std::string what = "unknown meter '" + meter.substr(0, 64) + "'";
    auto find = [&](const char* list, const auto& rows) {
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (rows[i].meterId == meter) throw InvalidMeterData(std::string(list) + "[" + std::to_string(i) + "].meter_id", reason, what);
    };
    find("readings", b.readings);
    find("profile", b.profile);
    find("params", b.params);
    find("events", b.events);
    throw InvalidMeterData("meter_id", reason, what);
}

std::mutex g_partitionsMutex;
std::set<std::string> g_partitions; // created in this process (per database, table and month)

} // namespace

MeterDataSink::MeterDataSink(Database& db, const TenantRegistry* tenants) : db_(db), tenants_(tenants) {}

void MeterDataSink::ensurePartitions(const std::string& table, const std::set<long long>& monthStarts) {
    if (db_.backend() != Backend::PostgreSQL || monthStarts.empty()) return;
    // Keyed by the database itself, not by this Database object: another one may reuse its address.
    std::string database;
    db_.read([&](soci::session& s) { database = databaseKey(s); });
    for (const long long start : monthStarts) {
        const long long next = monthOf(start).second;
        std::time_t t = static_cast<std::time_t>(start);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char name[64];
        std::snprintf(name, sizeof name, "%s_y%04dm%02d", table.c_str(), tm.tm_year + 1900, tm.tm_mon + 1);
        const std::string key = database + name;
        {
            std::lock_guard<std::mutex> lock(g_partitionsMutex);
            if (g_partitions.count(key)) continue;
        }
        try {
            db_.transaction([&](soci::session& s) {
                std::string sql = "CREATE TABLE IF NOT EXISTS " + std::string(name) + " PARTITION OF " + table + " FOR VALUES FROM (";
                appendInteger(sql, start);
                sql += ") TO (";
                appendInteger(sql, next);
                sql += ")";
                s << sql;
            });
        } catch (const std::exception& e) {
            // Rows of that month already in the default partition (or a concurrent creator): they stay there.
            log::warn("partition not created", {{"table", table}, {"partition", name}, {"error", e.what()}});
        }
        std::lock_guard<std::mutex> lock(g_partitionsMutex);
        g_partitions.insert(key);
    }
}

IngestResult MeterDataSink::write(const std::string& tenant, const MeterDataBatch& input) {
    IngestResult r;
    if (input.empty()) return r;
    validateMeterData(input, static_cast<long long>(std::time(nullptr)));
    const auto readings = lastPerKey(input.readings);
    const auto profile = lastPerKey(input.profile);
    const auto params = lastPerKey(input.params);
    const auto events = lastPerKey(input.events);
    // The meters the rows name (each must be the tenant's) and the months they fall in.
    std::set<std::string> meters;
    const std::string* previous = nullptr; // rows come in key order, meter first: insert each run once
    auto meter = [&](const std::string& id) {
        if (!previous || *previous != id) meters.insert(id);
        previous = &id;
    };
    std::set<long long> readingMonths, profileMonths; // the months the rows fall in (PostgreSQL partitions)
    std::set<std::string> readingMeters; // whose newest reading may change (LatestReadingCache)
    for (const auto* x : readings) {
        meter(x->meterId);
        readingMeters.insert(x->meterId);
        readingMonths.insert(monthOf(x->ts).first);
    }
    for (const auto* x : profile) {
        meter(x->meterId);
        profileMonths.insert(monthOf(x->ts).first);
    }
    for (const auto* x : params) meter(x->meterId);
    for (const auto* x : events) meter(x->meterId);
    refuseNul(tenant);
    for (const auto& m : meters) refuseNul(m);
    const bool pg = db_.backend() == Backend::PostgreSQL;
    // On PostgreSQL a table's rows go by COPY from kCopyMinRows on: rendered now, outside the transaction (which
    // also refuses bad text before any database work).
    CopyPart readingsPart, profilePart, paramsPart, eventsPart;
    if (pg) {
        readingsPart = copyPart(tenant, readings);
        profilePart = copyPart(tenant, profile);
        paramsPart = copyPart(tenant, params);
        eventsPart = copyPart(tenant, events);
    }
    // The meters of the batch that the tenant has, in one query; the first row naming another is refused
    // before anything (a partition included) is created.
    std::string tenantLiteral;
    SqlValues literal(tenantLiteral);
    literal.text(tenant);
    db_.read([&](soci::session& s) {
        std::string sql = "SELECT meter_id FROM meters WHERE tenant_id = " + tenantLiteral + " AND meter_id IN (";
        SqlValues ids(sql);
        for (const auto& m : meters) ids.text(m);
        sql += ")";
        std::vector<std::string> found(meters.size()); // one fetch (a one-time query: no prepared statement to drop)
        s << sql, soci::into(found);
        const std::set<std::string> known(found.begin(), found.end());
        for (const auto& m : meters)
            if (!known.count(m)) refuseUnknownMeter(input, m);
    });
    ensurePartitions("readings", readingMonths);
    ensurePartitions("profile", profileMonths);
    db_.transaction([&](soci::session& s) {
        auto store = [&](const Table& table, const auto& rows, const CopyPart& part) {
            if (pg && rows.size() >= kCopyMinRows) copyRows(s, table, tenantLiteral, part);
            else insertRows(s, table, tenant, rows);
        };
        store(kReadings, readings, readingsPart);
        insertRows(s, kLatestReadings, tenant, newestPerMeter(readings));
        LatestReadingCache::changed(tenant, readingMeters);
        store(kProfile, profile, profilePart);
        store(kParams, params, paramsPart);
        store(kEvents, events, eventsPart);
        // A tamper event tells the tenant's operators, once per event, in this transaction.
        if (tenants_) {
            std::shared_ptr<Tenant> t;
            for (const auto* e : events) {
                if (!e->tamper) continue;
                if (!t && !(t = tenants_->find(tenant))) break;
                NotificationCentre::raise(s, *t, tamperNotice(s, *t, *e), static_cast<long long>(std::time(nullptr)));
            }
        }
    });
    r.readings = readings.size();
    r.profile = profile.size();
    r.params = params.size();
    r.events = events.size();
    for (const auto* e : events) r.tamperEvents += e->tamper ? 1 : 0;
    return r;
}

} // namespace kabinet
