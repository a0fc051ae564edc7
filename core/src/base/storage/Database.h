#pragma once
/// The storage layer: a pool of SOCI sessions to SQLite (the embedded default) or PostgreSQL, chosen by
/// the URL. Every write goes through transaction(), which commits or rolls back as a whole.
#include "util/Error.h"

#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace kabinet {

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
    DatabaseUrl url_;
    std::unique_ptr<soci::connection_pool> pool_;
    unsigned size_;
    std::unique_ptr<std::atomic<bool>[]> broken_; ///< per slot: the connection was lost, reconnect before use
};

} // namespace kabinet
