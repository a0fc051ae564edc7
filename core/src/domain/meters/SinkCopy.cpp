#include "meters/SinkCopy.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>

#include <cstring>

namespace kabinet::sink {

namespace {

/// PostgreSQL: bytes per PQputCopyData call.
constexpr std::size_t kCopyChunk = 1 << 20;

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

} // namespace

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

std::string databaseKey(soci::session& s) {
    PGconn* c = static_cast<soci::postgresql_session_backend*>(s.get_backend())->conn_;
    const char* host = PQhost(c);
    const char* port = PQport(c);
    const char* name = PQdb(c);
    return std::string(host ? host : "") + ":" + (port ? port : "") + "/" + (name ? name : "") + "/";
}

} // namespace kabinet::sink
