#pragma once
/// The storage layer: a pool of SOCI sessions to SQLite (the embedded default) or PostgreSQL, chosen by
/// the URL. Every write goes through transaction(), which commits or rolls back as a whole.
#include "util/Error.h"

#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kabinet {

class Replica;

enum class Backend { SQLite, PostgreSQL };

/// Parsed database URL: "sqlite:///abs/path.db", "sqlite:rel.db" or "postgresql://user:pw@host:port/db".
struct DatabaseUrl {
    Backend backend = Backend::SQLite;
    std::string sociBackend;   ///< "sqlite3" or "postgresql"
    std::string connectString; ///< what SOCI's backend expects
    std::string sqlitePath;    ///< file path for SQLite
    /// Parses a URL; throws ConfigError naming what is wrong (never echoes the password).
    static DatabaseUrl parse(const std::string& url);
};

/// A pool of sessions. Leases wait a bounded time; a database that cannot be reached maps to 503.
/// The main database of a server may also carry a read replica (heavyRead) and the databases of tenants placed
/// elsewhere: while a TenantScope of such a tenant is open on a thread, transaction/read/heavyRead on the main
/// database run on that tenant's database (storage/TenantScope.h).
class Database {
public:
    /// Opens `poolSize` sessions; for SQLite creates the parent directory and turns on WAL and foreign keys.
    Database(const std::string& url, unsigned poolSize);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Backend backend() const noexcept { return url_.backend; }              /// which database this is
    const char* backendName() const noexcept;                               /// "sqlite" or "postgresql"

    /// A leased session, returned to the pool when destroyed.
    class Lease {
    public:
        Lease(Database& db, std::size_t pos) : db_(&db), pos_(pos) {}
        Lease(Lease&& o) noexcept : db_(o.db_), pos_(o.pos_) { o.db_ = nullptr; }
        Lease(const Lease&) = delete;
        ~Lease();
        soci::session& operator*() const;
        soci::session* operator->() const { return &**this; }
        std::size_t slot() const noexcept { return pos_; } ///< the pool slot of this session
    private:
        Database* db_;
        std::size_t pos_;
    };

    /// Leases a session, waiting at most `wait`; throws Unavailable when none frees up or the database is down.
    /// A session whose connection was lost (an earlier connection error, or a failed reconnect) is reconnected
    /// first, so the pool recovers by itself once the database is back.
    Lease lease(std::chrono::milliseconds wait = std::chrono::milliseconds(5000));

    /// Runs fn inside one transaction on a leased session: commit on return, roll back on any exception
    /// (which is rethrown, mapped to the Error hierarchy when it is a database error).
    void transaction(const std::function<void(soci::session&)>& fn);

    /// Runs fn on a leased session without a transaction (reads). Database errors are mapped as above.
    void read(const std::function<void(soci::session&)>& fn);

    /// A read that may be slightly stale (meter views, reports, archives): served by the read replica when one is
    /// attached, answering and behind by at most its bound, else like read(). Never use it to read back what this
    /// request has just written. `fn` must be restartable (it runs again on the primary when the replica fails).
    void heavyRead(const std::function<void(soci::session&)>& fn);

    /// Runs fn on this database's own sessions: no tenant routing, no replica (the replica's checker uses it).
    void readPrimary(const std::function<void(soci::session&)>& fn);

    /// Attaches a PostgreSQL streaming replica for heavyRead: `maxLag` is the staleness a routed read may have.
    /// Throws ConfigError when the URL is not PostgreSQL or this database is not; a replica down now is retried.
    void attachReplica(const std::string& url, unsigned poolSize, std::chrono::milliseconds maxLag);
    /// The replica attached, or null.
    Replica* replica() const noexcept { return replica_.get(); }

    /// Gives tenant `tenantId` its own database at `url` (opened now with `poolSize` sessions; tenants naming the
    /// same URL share one pool). Same backend as this one; throws ConfigError otherwise or when it cannot be opened.
    /// Called while the server starts, before the database is shared between threads.
    void place(const std::string& tenantId, const std::string& url, unsigned poolSize);
    /// The database holding the data of tenant `tenantId`: its own when placed, else this one.
    Database& of(const std::string& tenantId);
    /// Every distinct database: this one first, then each tenant database once.
    std::vector<Database*> all();
    /// The tenants placed on `db` (empty for the main database, which holds every other tenant).
    std::vector<std::string> tenantsOn(const Database& db) const;
    /// The URL this database was opened with. It may carry a password: never log or show it.
    const std::string& url() const noexcept { return rawUrl_; }

    /// The storage series of /metrics (the replica's, when one is attached).
    std::string metricsText() const;

    /// True when the database answers a trivial query now; tries to reconnect a broken session once.
    bool ping(std::string& reason);

    /// Maps a database exception to the Error hierarchy (unique violation → 409, connection → 503) and throws.
    [[noreturn]] static void rethrowMapped(const std::exception& e);

    /// The Error a database exception stands for: the Error itself, 409 `conflict` for a constraint violation,
    /// 503 `database_unavailable` (Retry-After 5 s) for a lost or refused connection; nothing for other errors.
    static std::optional<Error> mapped(const std::exception& e);

private:
    void configureSession(soci::session& s);
    /// Runs fn on a lease; a connection error marks the session for reconnection; errors are mapped.
    void run(Lease& l, const std::function<void()>& fn);
    /// The database a call on this one runs on: the placed database of the thread's TenantScope, else this.
    Database& routed();
    std::string rawUrl_;
    DatabaseUrl url_;
    std::unique_ptr<Replica> replica_;
    std::map<std::string, std::shared_ptr<Database>> placedByUrl_;
    std::map<std::string, std::shared_ptr<Database>> placedByTenant_;
    std::unique_ptr<soci::connection_pool> pool_;
    unsigned size_;
    std::unique_ptr<std::atomic<bool>[]> broken_; ///< per slot: the connection was lost, reconnect before use
};

} // namespace kabinet
