#pragma once
// The rows of the sink's volume tables as SQL text (MeterDataSink, SinkCopy): each table's columns, key and
// update; rows rendered as SQL literals or as COPY text; rows put in key order with one row per key.
#include "meters/MeterData.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

namespace kabinet::sink {

/// SQLite: rows per multi-row INSERT statement.
inline constexpr std::size_t kRowsPerStatement = 500;
/// PostgreSQL: a table's rows go by COPY from this many on; fewer go faster as one INSERT (fewer round trips).
inline constexpr std::size_t kCopyMinRows = 16;

/// How a volume table is written: its columns in the order the row writers give them, its key, what an update sets.
struct Table {
    const char* name;
    const char* columns;
    const char* key;
    const char* update;
    const char* time; ///< the time column of the key
};

/// The four volume tables.
inline const Table kReadings = {"readings", "tenant_id, meter_id, ts, kind, energy, total, t1, t2, t3, t4, source",
                                "tenant_id, meter_id, energy, kind, ts",
                                "total = excluded.total, t1 = excluded.t1, t2 = excluded.t2, t3 = excluded.t3, t4 = excluded.t4, "
                                "source = excluded.source",
                                "ts"};
/// The newest reading of each meter, direction and kind (sql/0015): written with the readings' columns; a stored
/// row is replaced only by one of the same moment or later.
inline const Table kLatestReadings = {"latest_readings", "tenant_id, meter_id, ts, kind, energy, total, t1, t2, t3, t4, source",
                                      "tenant_id, meter_id, energy, kind",
                                      "ts = excluded.ts, total = excluded.total, t1 = excluded.t1, t2 = excluded.t2, t3 = excluded.t3, "
                                      "t4 = excluded.t4, source = excluded.source WHERE excluded.ts >= latest_readings.ts",
                                      "ts"};
inline const Table kProfile = {"profile", "tenant_id, meter_id, ts, interval_min, p_plus, p_minus, q_plus, q_minus", "tenant_id, meter_id, ts",
                               "interval_min = excluded.interval_min, p_plus = excluded.p_plus, p_minus = excluded.p_minus, "
                               "q_plus = excluded.q_plus, q_minus = excluded.q_minus",
                               "ts"};
inline const Table kParams = {"network_params", "tenant_id, meter_id, ts, phase, voltage, current, p, q, s, pf, frequency, angle",
                              "tenant_id, meter_id, ts, phase",
                              "voltage = excluded.voltage, current = excluded.current, p = excluded.p, q = excluded.q, s = excluded.s, "
                              "pf = excluded.pf, frequency = excluded.frequency, angle = excluded.angle",
                              "ts"};
inline const Table kEvents = {"meter_events", "tenant_id, meter_id, ts_start, code, category, severity, text, ts_end, tamper",
                              "tenant_id, meter_id, ts_start, code",
                              "category = excluded.category, severity = excluded.severity, text = excluded.text, ts_end = excluded.ts_end, "
                              "tamper = excluded.tamper",
                              "ts_start"};

/// A whole number as decimal text.
inline void appendInteger(std::string& out, long long v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// The shortest text that reads back as exactly the same double.
inline void appendReal(std::string& out, double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// Throws std::invalid_argument for a text with a NUL byte (neither SQL text nor COPY can carry one).
inline void refuseNul(const std::string& s) {
    if (s.find('\0') != std::string::npos) throw std::invalid_argument("text contains a NUL byte");
}

/// Values of rows written one after the other in a text format (`Format`: its separator, NULL, row end and how it
/// writes a text); the writer puts the separators and the NULLs.
template <class Format>
class RowValueWriter {
public:
    explicit RowValueWriter(std::string& out) : out_(out) {}
    void text(const std::string& v) {
        sep();
        Format::text(out_, v);
    }
    void integer(long long v) {
        sep();
        appendInteger(out_, v);
    }
    void real(const std::optional<double>& v) {
        sep();
        if (v && std::isfinite(*v)) appendReal(out_, *v);
        else out_ += Format::kNull;
    }
    void optInteger(const std::optional<long long>& v) {
        if (v) integer(*v);
        else {
            sep();
            out_ += Format::kNull;
        }
    }
    void endRow() {
        out_ += Format::kRowEnd;
        first_ = true;
    }

private:
    void sep() {
        if (!first_) out_ += Format::kSeparator;
        first_ = false;
    }
    std::string& out_;
    bool first_ = true;
};

/// SQL literals, comma-separated: 'text' (quotes doubled), numbers, NULL.
struct SqlFormat {
    static constexpr char kSeparator = ',';
    static constexpr const char* kNull = "NULL";
    static constexpr const char* kRowEnd = "";
    static void text(std::string& out, const std::string& v) {
        refuseNul(v);
        out += '\'';
        for (char c : v) {
            if (c == '\'') out += '\'';
            out += c;
        }
        out += '\'';
    }
};

/// COPY's text format: tab-separated, one row a line, \N for NULL, backslash escapes.
struct CopyFormat {
    static constexpr char kSeparator = '\t';
    static constexpr const char* kNull = "\\N";
    static constexpr const char* kRowEnd = "\n";
    static void text(std::string& out, const std::string& v) {
        for (char c : v) {
            switch (c) {
            case '\\': out += "\\\\"; break;
            case '\t': out += "\\t"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\0': throw std::invalid_argument("text contains a NUL byte");
            default: out += c;
            }
        }
    }
};

/// Values of rows as SQL literals (multi-row INSERT, IN lists).
using SqlValues = RowValueWriter<SqlFormat>;
/// Values of rows as COPY text.
using CopyValues = RowValueWriter<CopyFormat>;

/// One row of each table, in the column order of its Table, into SqlValues or CopyValues.
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

/// The key of each table (without the tenant), in the order of its primary key.
inline auto key(const ReadingRow& x) { return std::tie(x.meterId, x.energy, x.kind, x.ts); }
inline auto key(const ProfileRow& x) { return std::tie(x.meterId, x.ts); }
inline auto key(const ParamRow& x) { return std::tie(x.meterId, x.ts, x.phase); }
inline auto key(const EventRow& x) { return std::tie(x.meterId, x.tsStart, x.code); }

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

/// Of readings in key order (lastPerKey), the newest of each meter, direction and kind.
inline std::vector<const ReadingRow*> newestPerMeter(const std::vector<const ReadingRow*>& rows) {
    std::vector<const ReadingRow*> out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const ReadingRow& a = *rows[i];
        if (i + 1 == rows.size() || std::tie(a.meterId, a.energy, a.kind) != std::tie(rows[i + 1]->meterId, rows[i + 1]->energy, rows[i + 1]->kind))
            out.push_back(rows[i]);
    }
    return out;
}

/// Time of a row's key.
inline long long timeOf(const ReadingRow& x) { return x.ts; }
inline long long timeOf(const ProfileRow& x) { return x.ts; }
inline long long timeOf(const ParamRow& x) { return x.ts; }
inline long long timeOf(const EventRow& x) { return x.tsStart; }

} // namespace kabinet::sink
