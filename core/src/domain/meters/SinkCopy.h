#pragma once
// PostgreSQL's way into the sink's volume tables: COPY in text format, straight into the table when none of
// the rows' keys can be stored yet, else through a temporary table and one INSERT … SELECT … ON CONFLICT.
#include "meters/SinkRows.h"

#include <climits>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet::sink {

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

/// PostgreSQL, inside the caller's transaction. Rows whose keys cannot be stored yet (the usual case: new
/// intervals) are COPied straight into the table, under a savepoint; otherwise — or when a concurrent writer
/// stored one of the keys meanwhile — they are COPied into a temporary table of the session and moved by one
/// INSERT … SELECT … ON CONFLICT DO UPDATE (the temporary rows go at commit). `tenantLiteral` is the tenant as
/// an SQL literal.
void copyRows(soci::session& s, const Table& t, const std::string& tenantLiteral, const CopyPart& part);

/// Which database a PostgreSQL session is connected to: host, port and name.
std::string databaseKey(soci::session& s);

} // namespace kabinet::sink
