// How the sink writes. Rows are deduplicated per key (the last one given wins) and put in key order, every
// meter is checked to be the tenant's, then one transaction per batch:
//  * SQLite, and PostgreSQL tables with few rows in the batch: multi-row INSERT … ON CONFLICT … DO UPDATE.
//  * PostgreSQL otherwise: COPY in text format. When no stored row of the batch's meters lies in its time span
//    (new intervals: the usual case) straight into the table, under a savepoint; else — or when a concurrent
//    writer stored one of the keys meanwhile (unique violation) — into a temporary table of the session, then
//    one INSERT … SELECT … ON CONFLICT … DO UPDATE. On this machine that stores batches of 10,000 new profile
//    rows at ~0.75 × a raw COPY (the INSERT statements alone reached ~0.3 ×), re-sent rows at ~2 × the INSERT
//    rate (bench/meter_bench.cpp).
#include "meters/MeterData.h"

#include "util/Crypto.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <ctime>

#include "storage/Database.h"
#include "util/Log.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <ctime>
#include <mutex>
#include <set>
#include <stdexcept>
#include <tuple>

namespace kabinet {

namespace {

/// SQLite: rows per multi-row INSERT statement.
constexpr std::size_t kRowsPerStatement = 500;
/// PostgreSQL: bytes per PQputCopyData call.
constexpr std::size_t kCopyChunk = 1 << 20;
/// PostgreSQL: a table's rows go by COPY from this many on; fewer go faster as one INSERT (fewer round trips).
constexpr std::size_t kCopyMinRows = 16;

/// How a volume table is written: its columns in the order the row writers give them, its key, what an update sets.
struct Table {
    const char* name;
    const char* columns;
    const char* key;
    const char* update;
    const char* time; ///< the time column of the key
};

const Table kReadings = {"readings", "tenant_id, meter_id, ts, kind, energy, total, t1, t2, t3, t4, source",
                         "tenant_id, meter_id, energy, kind, ts",
                         "total = excluded.total, t1 = excluded.t1, t2 = excluded.t2, t3 = excluded.t3, t4 = excluded.t4, "
                         "source = excluded.source",
                         "ts"};
const Table kProfile = {"profile", "tenant_id, meter_id, ts, interval_min, p_plus, p_minus, q_plus, q_minus", "tenant_id, meter_id, ts",
                        "interval_min = excluded.interval_min, p_plus = excluded.p_plus, p_minus = excluded.p_minus, "
                        "q_plus = excluded.q_plus, q_minus = excluded.q_minus",
                        "ts"};
const Table kParams = {"network_params", "tenant_id, meter_id, ts, phase, voltage, current, p, q, s, pf, frequency, angle",
                       "tenant_id, meter_id, ts, phase",
                       "voltage = excluded.voltage, current = excluded.current, p = excluded.p, q = excluded.q, s = excluded.s, "
                       "pf = excluded.pf, frequency = excluded.frequency, angle = excluded.angle",
                       "ts"};
const Table kEvents = {"meter_events", "tenant_id, meter_id, ts_start, code, category, severity, text, ts_end, tamper",
                       "tenant_id, meter_id, ts_start, code",
                       "category = excluded.category, severity = excluded.severity, text = excluded.text, ts_end = excluded.ts_end, "
                       "tamper = excluded.tamper",
                       "ts_start"};

void appendInteger(std::string& out, long long v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// The shortest text that reads back as exactly the same double.
void appendReal(std::string& out, double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void refuseNul(const std::string& s) {
    if (s.find('\0') != std::string::npos) throw std::invalid_argument("text contains a NUL byte");
}

/// Values of rows as SQL literals, comma-separated: 'text' (quotes doubled), numbers, NULL.
class SqlValues {
public:
    explicit SqlValues(std::string& out) : out_(out) {}
    void text(const std::string& v) {
        sep();
        refuseNul(v);
        out_ += '\'';
        for (char c : v) {
            if (c == '\'') out_ += '\'';
            out_ += c;
        }
        out_ += '\'';
    }
    void integer(long long v) {
        sep();
        appendInteger(out_, v);
    }
    void real(const std::optional<double>& v) {
        sep();
        if (v && std::isfinite(*v)) appendReal(out_, *v);
        else out_ += "NULL";
    }
    void optInteger(const std::optional<long long>& v) {
        if (v) integer(*v);
        else {
            sep();
            out_ += "NULL";
        }
    }
    void endRow() { first_ = true; }

private:
    void sep() {
        if (!first_) out_ += ',';
        first_ = false;
    }
    std::string& out_;
    bool first_ = true;
};

/// Values of rows in COPY's text format: tab-separated, one row a line, \N for NULL, backslash escapes.
class CopyValues {
public:
    explicit CopyValues(std::string& out) : out_(out) {}
    void text(const std::string& v) {
        sep();
        for (char c : v) {
            switch (c) {
            case '\\': out_ += "\\\\"; break;
            case '\t': out_ += "\\t"; break;
            case '\n': out_ += "\\n"; break;
            case '\r': out_ += "\\r"; break;
            case '\0': throw std::invalid_argument("text contains a NUL byte");
            default: out_ += c;
            }
        }
    }
    void integer(long long v) {
        sep();
        appendInteger(out_, v);
    }
    void real(const std::optional<double>& v) {
        sep();
        if (v && std::isfinite(*v)) appendReal(out_, *v);
        else out_ += "\\N";
    }
    void optInteger(const std::optional<long long>& v) {
        if (v) integer(*v);
        else {
            sep();
            out_ += "\\N";
        }
    }
    void endRow() {
        out_ += '\n';
        first_ = true;
    }

private:
    void sep() {
        if (!first_) out_ += '\t';
        first_ = false;
    }
    std::string& out_;
    bool first_ = true;
};

// One row of each table, in the column order of its Table.
template <class Out>
void put(Out& o, const std::string& tenant, const ReadingRow& x) {
    o.text(tenant);
    o.text(x.meterId);
    o.integer(x.ts);
    o.text(x.kind);
    o.text(x.energy);
    for (const auto* v : {&x.total, &x.t1, &x.t2, &x.t3, &x.t4}) o.real(*v);
    o.text(x.source);
    o.endRow();
}
template <class Out>
void put(Out& o, const std::string& tenant, const ProfileRow& x) {
    o.text(tenant);
    o.text(x.meterId);
    o.integer(x.ts);
    o.integer(x.intervalMin);
    for (const auto* v : {&x.pPlus, &x.pMinus, &x.qPlus, &x.qMinus}) o.real(*v);
    o.endRow();
}
template <class Out>
void put(Out& o, const std::string& tenant, const ParamRow& x) {
    o.text(tenant);
    o.text(x.meterId);
    o.integer(x.ts);
    o.text(x.phase);
    for (const auto* v : {&x.voltage, &x.current, &x.p, &x.q, &x.s, &x.pf, &x.frequency, &x.angle}) o.real(*v);
    o.endRow();
}
template <class Out>
void put(Out& o, const std::string& tenant, const EventRow& x) {
    o.text(tenant);
    o.text(x.meterId);
    o.integer(x.tsStart);
    o.text(x.code);
    o.text(x.category);
    o.text(x.severity);
    o.text(x.text);
    o.optInteger(x.tsEnd);
    o.integer(x.tamper ? 1 : 0);
    o.endRow();
}

// The key of each table (without the tenant), in the order of its primary key.
auto key(const ReadingRow& x) { return std::tie(x.meterId, x.energy, x.kind, x.ts); }
auto key(const ProfileRow& x) { return std::tie(x.meterId, x.ts); }
auto key(const ParamRow& x) { return std::tie(x.meterId, x.ts, x.phase); }
auto key(const EventRow& x) { return std::tie(x.meterId, x.tsStart, x.code); }

/// The rows to store, in key order: of rows with the same key only the last one given (one statement may
/// not update a row twice, and the later value wins). Key order also makes the index inserts local.
template <class Row>
std::vector<const Row*> lastPerKey(const std::vector<Row>& rows) {
    std::vector<const Row*> order;
    order.reserve(rows.size());
    for (const auto& r : rows) order.push_back(&r);
    std::stable_sort(order.begin(), order.end(), [](const Row* a, const Row* b) { return key(*a) < key(*b); });
    std::vector<const Row*> out;
    out.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        if (i + 1 == order.size() || key(*order[i]) != key(*order[i + 1])) out.push_back(order[i]);
    return out;
}

/// SQLite: INSERT … VALUES (…), (…) … ON CONFLICT (…) DO UPDATE, in statements of kRowsPerStatement rows.
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

/// Time of a row's key.
long long timeOf(const ReadingRow& x) { return x.ts; }
long long timeOf(const ProfileRow& x) { return x.ts; }
long long timeOf(const ParamRow& x) { return x.ts; }
long long timeOf(const EventRow& x) { return x.tsStart; }

/// The rows of one table for PostgreSQL, rendered before the transaction starts (so a bad value costs no
/// database work): COPY text, and what bounds their keys — the meters (as a SQL list) and the time span.
/// Empty for fewer than kCopyMinRows rows, which go by INSERT.
struct CopyPart {
    std::string text;
    std::string meters; ///< ('id'), ('id') …
    long long from = LLONG_MAX, to = LLONG_MIN;
};

template <class Row>
CopyPart copyPart(const std::string& tenant, const std::vector<const Row*>& rows) {
    CopyPart part;
    if (rows.size() < kCopyMinRows) return part;
    part.text.reserve(rows.size() * 112);
    CopyValues values(part.text);
    SqlValues meters(part.meters);
    const std::string* previous = nullptr; // rows are in key order, meter first
    for (const Row* r : rows) {
        put(values, tenant, *r);
        if (!previous || *previous != r->meterId) {
            part.meters += part.meters.empty() ? "(" : ",(";
            meters.text(r->meterId);
            meters.endRow();
            part.meters += ')';
        }
        previous = &r->meterId;
        part.from = std::min(part.from, timeOf(*r));
        part.to = std::max(part.to, timeOf(*r));
    }
    return part;
}

/// Throws the error of a libpq result (or of the connection) as SOCI does, so Database maps it the same way
/// (constraint violation → 409, lost connection → 503).
[[noreturn]] void fail(PGconn* c, PGresult* r, const char* what) {
    std::string msg = r ? PQresultErrorMessage(r) : "";
    if (msg.empty()) msg = PQerrorMessage(c);
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string code = state && std::strlen(state) == 5 ? state : (PQstatus(c) == CONNECTION_BAD ? "08006" : "XX000");
    if (r) PQclear(r);
    throw soci::postgresql_soci_error(std::string(what) + ": " + msg, code.c_str());
}

void exec(PGconn* c, const std::string& sql, const char* what) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(c, r, what);
    PQclear(r);
}

/// COPY text into a table; nullptr when it worked, else the failed result (the caller clears or throws it).
PGresult* copyIn(PGconn* c, const std::string& table, const char* columns, const std::string& text) {
    PGresult* r = PQexec(c, ("COPY " + table + " (" + columns + ") FROM STDIN").c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) return r;
    PQclear(r);
    for (std::size_t at = 0; at < text.size(); at += kCopyChunk) {
        if (PQputCopyData(c, text.data() + at, static_cast<int>(std::min(kCopyChunk, text.size() - at))) != 1) {
            const std::string msg = PQerrorMessage(c);
            PQputCopyEnd(c, "aborted");
            while (PGresult* rest = PQgetResult(c)) PQclear(rest);
            throw soci::postgresql_soci_error("sink copy: " + msg, "08006");
        }
    }
    if (PQputCopyEnd(c, nullptr) != 1) fail(c, nullptr, "sink copy");
    PGresult* bad = nullptr;
    while (PGresult* res = PQgetResult(c)) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && !bad) bad = res;
        else PQclear(res);
    }
    return bad;
}

/// True when the table may already hold a key of the part: a stored row of one of its meters in its time span.
/// One primary-key probe per meter: a lateral subquery on each meter of the list, which the planner cannot turn
/// into one scan of the whole time span (as it may for an IN list or a semi-join when the statistics lag).
bool mayOverlap(PGconn* c, const Table& t, const std::string& tenantLiteral, const CopyPart& part) {
    std::string sql = "SELECT 1 FROM (VALUES " + part.meters + ") m (id) CROSS JOIN LATERAL (SELECT 1 FROM " + t.name +
                      " x WHERE x.tenant_id = " + tenantLiteral + " AND x.meter_id = m.id AND x." + t.time + " >= ";
    appendInteger(sql, part.from);
    sql += std::string(" AND x.") + t.time + " <= ";
    appendInteger(sql, part.to);
    sql += " LIMIT 1) hit LIMIT 1";
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_TUPLES_OK) fail(c, r, "sink check");
    const bool found = PQntuples(r) > 0;
    PQclear(r);
    return found;
}

/// PostgreSQL, inside the caller's transaction. Rows whose keys cannot be stored yet (the usual case: new
/// intervals) are COPied straight into the table, under a savepoint; otherwise — or when a concurrent writer
/// stored one of the keys meanwhile — they are COPied into a temporary table of the session and moved by one
/// INSERT … SELECT … ON CONFLICT DO UPDATE (the temporary rows go at commit).
void copyRows(soci::session& s, const Table& t, const std::string& tenantLiteral, const CopyPart& part) {
    if (part.text.empty()) return;
    PGconn* c = static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_;
    if (!mayOverlap(c, t, tenantLiteral, part)) {
        exec(c, "SAVEPOINT kabinet_sink", "sink savepoint");
        PGresult* bad = copyIn(c, t.name, t.columns, part.text);
        if (!bad) {
            exec(c, "RELEASE SAVEPOINT kabinet_sink", "sink savepoint");
            return;
        }
        const char* state = PQresultErrorField(bad, PG_DIAG_SQLSTATE);
        if (!state || std::strcmp(state, "23505") != 0) fail(c, bad, "sink copy");
        PQclear(bad);
        exec(c, "ROLLBACK TO SAVEPOINT kabinet_sink; RELEASE SAVEPOINT kabinet_sink", "sink savepoint");
    }
    const std::string tmp = std::string("kabinet_sink_") + t.name;
    exec(c, "CREATE TEMP TABLE IF NOT EXISTS " + tmp + " (LIKE " + t.name + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", "sink temp table");
    if (PGresult* bad = copyIn(c, tmp, t.columns, part.text)) fail(c, bad, "sink copy");
    exec(c, std::string("INSERT INTO ") + t.name + " (" + t.columns + ") SELECT " + t.columns + " FROM " + tmp + " ON CONFLICT (" + t.key +
                ") DO UPDATE SET " + t.update,
         "sink insert");
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

/// Which database a PostgreSQL session is connected to: host, port and name.
std::string databaseKey(soci::session& s) {
    PGconn* c = static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_;
    const char* host = PQhost(c);
    const char* port = PQport(c);
    const char* name = PQdb(c);
    return std::string(host ? host : "") + ":" + (port ? port : "") + "/" + (name ? name : "") + "/";
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

MeterDataSink::MeterDataSink(Database& db) : db_(db) {}

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

namespace {

/// Validation of one row: the list's name and the row's index prefix every field it names.
class RowCheck {
public:
    RowCheck(const char* list, std::size_t index, long long now) : prefix_(std::string(list) + "[" + std::to_string(index) + "]."), now_(now) {}
    void meter(const std::string& id) const {
        if (id.empty()) fail("meter_id", "Укажите прибор учёта");
        if (id.size() > 64) fail("meter_id", "Слишком длинный идентификатор прибора учёта");
    }
    void time(const char* field, long long ts) const {
        if (ts < kEarliestMeterTs || ts > now_ + 86400)
            fail(field, "Время вне допустимого диапазона: от 2000-01-01 до завтрашнего дня (секунды Unix, UTC)");
    }
    /// A value, when given, not below `lo` (a value that is not finite is stored as absent, NULL).
    void atLeast(const char* field, const std::optional<double>& v, double lo) const {
        if (v && std::isfinite(*v) && *v < lo) fail(field, lo == 0 ? "Значение не может быть отрицательным" : "Значение меньше допустимого");
    }
    /// A value, when given and finite, within [lo, hi].
    void within(const char* field, const std::optional<double>& v, double lo, double hi) const {
        atLeast(field, v, lo);
        if (v && std::isfinite(*v) && *v > hi) fail(field, "Значение больше допустимого");
    }
    /// A text that is one of `allowed` (listed in the reason when it is not).
    void oneOf(const char* field, const std::string& v, std::initializer_list<const char*> allowed) const {
        std::string list;
        for (const char* a : allowed) {
            if (v == a) return;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        fail(field, "Допустимые значения: " + list);
    }
    void required(const char* field, const std::string& v) const {
        if (v.empty()) fail(field, "Обязательное поле");
    }
    [[noreturn]] void fail(const char* field, const std::string& reason) const { throw InvalidMeterData(prefix_ + field, reason); }

private:
    std::string prefix_;
    long long now_;
};

} // namespace

void validateMeterData(const MeterDataBatch& b, long long now) {
    for (std::size_t i = 0; i < b.readings.size(); ++i) {
        const auto& x = b.readings[i];
        const RowCheck c("readings", i, now);
        c.meter(x.meterId);
        c.time("ts", x.ts);
        c.oneOf("kind", x.kind, {"billing", "latest"});
        c.oneOf("energy", x.energy, {"A+", "A-", "R+", "R-"});
        c.oneOf("source", x.source, {"driver", "connector", "consumer", "operator", "demo"});
        static const char* names[] = {"total", "t1", "t2", "t3", "t4"};
        const std::optional<double>* values[] = {&x.total, &x.t1, &x.t2, &x.t3, &x.t4};
        for (int k = 0; k < 5; ++k) c.atLeast(names[k], *values[k], 0);
    }
    for (std::size_t i = 0; i < b.profile.size(); ++i) {
        const auto& x = b.profile[i];
        const RowCheck c("profile", i, now);
        c.meter(x.meterId);
        c.time("ts", x.ts);
        if (!storableProfilePeriod(x.intervalMin)) c.fail("interval_min", "Период профиля — целое число минут от 1 до 60, на которое делится час");
        c.atLeast("p_plus", x.pPlus, 0);
        c.atLeast("p_minus", x.pMinus, 0);
        c.atLeast("q_plus", x.qPlus, 0);
        c.atLeast("q_minus", x.qMinus, 0);
    }
    for (std::size_t i = 0; i < b.params.size(); ++i) {
        const auto& x = b.params[i];
        const RowCheck c("params", i, now);
        c.meter(x.meterId);
        c.time("ts", x.ts);
        c.oneOf("phase", x.phase, {"A", "B", "C", "S"});
        c.atLeast("voltage", x.voltage, 0);
        c.atLeast("current", x.current, 0);
        c.atLeast("s", x.s, 0);
        c.within("pf", x.pf, -1, 1);
        c.atLeast("frequency", x.frequency, 0);
    }
    for (std::size_t i = 0; i < b.events.size(); ++i) {
        const auto& x = b.events[i];
        const RowCheck c("events", i, now);
        c.meter(x.meterId);
        c.time("ts_start", x.tsStart);
        c.oneOf("severity", x.severity, {"info", "warning", "alarm"});
        c.required("code", x.code);
        c.required("category", x.category);
        if (x.tsEnd) {
            c.time("ts_end", *x.tsEnd);
            if (*x.tsEnd < x.tsStart) c.fail("ts_end", "Окончание события раньше его начала");
        }
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
    for (const auto* x : readings) {
        meter(x->meterId);
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
        store(kProfile, profile, profilePart);
        store(kParams, params, paramsPart);
        store(kEvents, events, eventsPart);
        // A tamper event raises one notification record for the tenant's operators, once per event.
        for (const auto* e : events) {
            if (!e->tamper) continue;
            std::string id = "ntf-" + crypto::randomToken(12);
            std::string ref = e->meterId + "|" + std::to_string(e->tsStart) + "|" + e->code;
            std::string meterId = e->meterId;
            std::string title = "Вмешательство в работу прибора учёта: " + e->text;
            std::string body = "Прибор учёта " + e->meterId + ": " + e->text + ", " +
                               Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(e->tsStart),
                                                               "%Y-%m-%d %H:%M:%S UTC");
            long long createdAt = static_cast<long long>(std::time(nullptr));
            std::string tenantId = tenant;
            s << "INSERT INTO notifications (tenant_id, notification_id, audience, kind, ref, meter_id, title, body, created_at) "
                 "VALUES (:t, :id, 'operators', 'tamper', :ref, :m, :title, :body, :c) "
                 "ON CONFLICT (tenant_id, kind, ref) DO NOTHING",
                soci::use(tenantId), soci::use(id), soci::use(ref), soci::use(meterId), soci::use(title),
                soci::use(body), soci::use(createdAt);
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
