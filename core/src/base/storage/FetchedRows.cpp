#include "storage/FetchedRows.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

namespace kabinet {

class FetchedRows::Impl {
public:
    virtual ~Impl() = default;
    virtual std::size_t size() const = 0;
    virtual std::size_t columns() const = 0;
    virtual bool isNull(std::size_t r, std::size_t c) const = 0;
    virtual long long integer(std::size_t r, std::size_t c) const = 0;
    virtual double real(std::size_t r, std::size_t c) const = 0;
    virtual std::string_view text(std::size_t r, std::size_t c) const = 0;
};

namespace {

using namespace sqlite_api; // SOCI declares SQLite's C API in this namespace

/// PostgreSQL: one PQexecParams (the extended protocol's unnamed statement, one round trip); values in text.
class PgRows final : public FetchedRows::Impl {
public:
    explicit PgRows(PGresult* r) : r_(r), rows_(static_cast<std::size_t>(PQntuples(r))), cols_(static_cast<std::size_t>(PQnfields(r))) {}
    ~PgRows() override { PQclear(r_); }
    std::size_t size() const override { return rows_; }
    std::size_t columns() const override { return cols_; }
    bool isNull(std::size_t r, std::size_t c) const override { return PQgetisnull(r_, static_cast<int>(r), static_cast<int>(c)) != 0; }
    long long integer(std::size_t r, std::size_t c) const override {
        if (isNull(r, c)) return 0;
        const std::string_view v = text(r, c);
        long long out = 0;
        auto res = std::from_chars(v.data(), v.data() + v.size(), out);
        if (res.ec == std::errc() && res.ptr == v.data() + v.size()) return out;
        return std::llround(std::strtod(v.data(), nullptr)); // a numeric or double column
    }
    double real(std::size_t r, std::size_t c) const override {
        if (isNull(r, c)) return std::nan("");
        const std::string_view v = text(r, c);
        double out = 0;
        auto res = std::from_chars(v.data(), v.data() + v.size(), out);
        return res.ec == std::errc() ? out : std::strtod(v.data(), nullptr); // "NaN", "Infinity"
    }
    std::string_view text(std::size_t r, std::size_t c) const override {
        const int ri = static_cast<int>(r), ci = static_cast<int>(c);
        return {PQgetvalue(r_, ri, ci), static_cast<std::size_t>(PQgetlength(r_, ri, ci))};
    }

private:
    PGresult* r_;
    std::size_t rows_, cols_;
};

/// SQLite: the statement stepped to its end; each value kept with the type SQLite gave it.
class SqliteRows final : public FetchedRows::Impl {
public:
    struct Cell {
        int type = SQLITE_NULL;
        long long i = 0;
        double d = 0;
        std::size_t at = 0, len = 0; ///< text in the arena
    };
    std::size_t cols = 0;
    std::vector<Cell> cells;
    std::string arena;

    std::size_t size() const override { return cols ? cells.size() / cols : 0; }
    std::size_t columns() const override { return cols; }
    const Cell& cell(std::size_t r, std::size_t c) const { return cells[r * cols + c]; }
    bool isNull(std::size_t r, std::size_t c) const override { return cell(r, c).type == SQLITE_NULL; }
    long long integer(std::size_t r, std::size_t c) const override {
        const Cell& x = cell(r, c);
        switch (x.type) {
        case SQLITE_INTEGER: return x.i;
        case SQLITE_FLOAT: return std::llround(x.d);
        case SQLITE_TEXT: return std::atoll(arena.c_str() + x.at);
        default: return 0;
        }
    }
    double real(std::size_t r, std::size_t c) const override {
        const Cell& x = cell(r, c);
        switch (x.type) {
        case SQLITE_INTEGER: return static_cast<double>(x.i);
        case SQLITE_FLOAT: return x.d;
        case SQLITE_TEXT: return std::strtod(arena.c_str() + x.at, nullptr);
        default: return std::nan("");
        }
    }
    std::string_view text(std::size_t r, std::size_t c) const override {
        const Cell& x = cell(r, c);
        return x.type == SQLITE_TEXT || x.type == SQLITE_BLOB ? std::string_view(arena.data() + x.at, x.len) : std::string_view();
    }
};

/// `?` placeholders numbered for PostgreSQL: $1, $2, …
std::string numbered(const std::string& sql) {
    std::string out;
    out.reserve(sql.size() + 16);
    int n = 0;
    for (char ch : sql) {
        if (ch == '?') out += "$" + std::to_string(++n);
        else out += ch;
    }
    return out;
}

/// The statements prepared on each PostgreSQL connection, by SQL text: a query asked again on the same
/// connection skips parsing and planning (the server keeps a generic plan once it pays). Bounded per connection.
/// A connection is known by its address and its server process: a new connection opened at a freed address has
/// another backend process, so its list starts empty — a missing statement is never met inside a transaction,
/// where the error would abort everything the transaction did.
class PreparedStatements {
public:
    static constexpr std::size_t kPerConnection = 200;

    /// The statement's name on this connection, or "" when it is not (and will not be) prepared.
    std::string nameFor(PGconn* conn, const std::string& sql, bool& fresh) {
        const int pid = PQbackendPID(conn);
        std::lock_guard<std::mutex> lock(m_);
        auto& known = byConnection_[conn];
        if (known.pid != pid) known = Known{pid, {}};
        auto it = known.names.find(sql);
        fresh = it == known.names.end();
        if (!fresh) return it->second;
        if (known.names.size() >= kPerConnection) return "";
        return known.names[sql] = "kb_rows_" + std::to_string(++counter_);
    }
    void forget(PGconn* conn, const std::string& sql) {
        std::lock_guard<std::mutex> lock(m_);
        byConnection_[conn].names.erase(sql);
    }

private:
    struct Known {
        int pid = 0;
        std::unordered_map<std::string, std::string> names;
    };
    std::mutex m_;
    std::unordered_map<PGconn*, Known> byConnection_;
    unsigned long long counter_ = 0;
};

PreparedStatements& prepared() {
    static PreparedStatements p;
    return p;
}

[[noreturn]] void fail(PGconn* conn, PGresult* r) {
    std::string msg = r ? PQresultErrorMessage(r) : "";
    if (msg.empty()) msg = PQerrorMessage(conn);
    PQclear(r);
    throw soci::soci_error(msg);
}

bool missingStatement(PGresult* r) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    return state && std::string(state) == "26000";
}

std::unique_ptr<FetchedRows::Impl> fetchPg(PGconn* conn, const std::string& sql, const std::vector<SqlParam>& params, SqlPlan plan) {
    std::vector<std::string> texts;
    texts.reserve(params.size());
    for (const auto& p : params) texts.push_back(std::holds_alternative<std::string>(p) ? std::get<std::string>(p) : std::to_string(std::get<long long>(p)));
    std::vector<const char*> values;
    values.reserve(texts.size());
    for (const auto& t : texts) values.push_back(t.c_str());
    const int n = static_cast<int>(values.size());
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool fresh = false;
        const std::string name = plan == SqlPlan::Reused ? prepared().nameFor(conn, sql, fresh) : std::string();
        PGresult* r = nullptr;
        if (name.empty()) {
            r = PQexecParams(conn, numbered(sql).c_str(), n, nullptr, values.data(), nullptr, nullptr, 0);
        } else {
            if (fresh) {
                PGresult* p = PQprepare(conn, name.c_str(), numbered(sql).c_str(), n, nullptr);
                if (PQresultStatus(p) != PGRES_COMMAND_OK) {
                    prepared().forget(conn, sql);
                    fail(conn, p);
                }
                PQclear(p);
            }
            r = PQexecPrepared(conn, name.c_str(), n, values.data(), nullptr, nullptr, 0);
        }
        if (PQresultStatus(r) == PGRES_TUPLES_OK) return std::make_unique<PgRows>(r);
        if (!name.empty() && !fresh && missingStatement(r) && attempt == 0 && PQtransactionStatus(conn) == PQTRANS_IDLE) { // dropped by hand, outside a transaction
            PQclear(r);
            prepared().forget(conn, sql);
            continue;
        }
        if (!name.empty()) prepared().forget(conn, sql); // prepared again next time (e.g. after a reconnect)
        fail(conn, r);
    }
    throw soci::soci_error("FetchedRows: the statement could not be prepared");
}

std::unique_ptr<FetchedRows::Impl> fetchSqlite(sqlite3* db, const std::string& sql, const std::vector<SqlParam>& params) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &st, nullptr) != SQLITE_OK) {
        sqlite3_finalize(st);
        throw soci::soci_error(sqlite3_errmsg(db));
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(st, sqlite3_finalize);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const int at = static_cast<int>(i + 1);
        if (const auto* s = std::get_if<std::string>(&params[i])) sqlite3_bind_text(st, at, s->data(), static_cast<int>(s->size()), SQLITE_STATIC);
        else sqlite3_bind_int64(st, at, std::get<long long>(params[i]));
    }
    auto out = std::make_unique<SqliteRows>();
    out->cols = static_cast<std::size_t>(sqlite3_column_count(st));
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (std::size_t c = 0; c < out->cols; ++c) {
            const int ci = static_cast<int>(c);
            SqliteRows::Cell x;
            x.type = sqlite3_column_type(st, ci);
            if (x.type == SQLITE_INTEGER) x.i = sqlite3_column_int64(st, ci);
            else if (x.type == SQLITE_FLOAT) x.d = sqlite3_column_double(st, ci);
            else if (x.type == SQLITE_TEXT || x.type == SQLITE_BLOB) {
                const char* p = x.type == SQLITE_TEXT ? reinterpret_cast<const char*>(sqlite3_column_text(st, ci))
                                                      : static_cast<const char*>(sqlite3_column_blob(st, ci));
                x.len = static_cast<std::size_t>(sqlite3_column_bytes(st, ci));
                x.at = out->arena.size();
                if (p) out->arena.append(p, x.len);
                out->arena += '\0';
            }
            out->cells.push_back(x);
        }
    }
    if (rc != SQLITE_DONE) throw soci::soci_error(sqlite3_errmsg(db));
    return out;
}

} // namespace

FetchedRows::FetchedRows(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FetchedRows::FetchedRows(FetchedRows&&) noexcept = default;
FetchedRows& FetchedRows::operator=(FetchedRows&&) noexcept = default;
FetchedRows::~FetchedRows() = default;

FetchedRows FetchedRows::fetch(soci::session& s, const std::string& sql, const std::vector<SqlParam>& params, SqlPlan plan) {
    soci::details::session_backend* be = s.get_backend();
    if (!be) throw soci::soci_error("Session is not connected.");
    // By name, not dynamic_cast: the backends' libraries do not export their classes' type information.
    const std::string name = s.get_backend_name();
    if (name == "postgresql") return FetchedRows(fetchPg(static_cast<soci::postgresql_session_backend*>(be)->conn_, sql, params, plan));
    if (name == "sqlite3") return FetchedRows(fetchSqlite(static_cast<soci::sqlite3_session_backend*>(be)->conn_, sql, params));
    throw soci::soci_error("FetchedRows: unsupported database backend " + name);
}

std::size_t FetchedRows::size() const noexcept { return impl_->size(); }
std::size_t FetchedRows::columns() const noexcept { return impl_->columns(); }
bool FetchedRows::isNull(std::size_t r, std::size_t c) const { return impl_->isNull(r, c); }
long long FetchedRows::integer(std::size_t r, std::size_t c) const { return impl_->integer(r, c); }
double FetchedRows::real(std::size_t r, std::size_t c) const { return impl_->real(r, c); }
std::string_view FetchedRows::text(std::size_t r, std::size_t c) const { return impl_->text(r, c); }

} // namespace kabinet
