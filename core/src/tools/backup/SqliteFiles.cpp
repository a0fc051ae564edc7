#include "backup/SqliteFiles.h"

#include "backup/BackupError.h"
#include "backup/FileDigest.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <sys/stat.h>
#include <thread>

namespace kabinet::backup {

namespace {

/// An open SQLite connection, closed on every path.
class Connection {
public:
    Connection(const std::string& path, int flags) {
        const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
        if (rc != SQLITE_OK) {
            const std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close(db_);
            db_ = nullptr;
            throw BackupError("cannot open the SQLite database " + path + ": " + why);
        }
        sqlite3_busy_timeout(db_, 30000);
    }
    ~Connection() { sqlite3_close(db_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    sqlite3* get() const { return db_; }
    std::string error() const { return sqlite3_errmsg(db_); }

    /// The first column of the first row of `sql` as text; `found` tells whether there was a row.
    std::string scalar(const std::string& sql, bool& found) const {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) throw BackupError(error());
        std::string out;
        const int rc = sqlite3_step(st);
        found = rc == SQLITE_ROW;
        if (found && sqlite3_column_text(st, 0)) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        const bool bad = rc != SQLITE_ROW && rc != SQLITE_DONE;
        sqlite3_finalize(st);
        if (bad) throw BackupError(error());
        return out;
    }

private:
    sqlite3* db_ = nullptr;
};

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

} // namespace

void snapshotSqlite(const std::string& source, const std::string& dest) {
    if (!exists(source)) throw BackupError("the SQLite database " + source + " does not exist");
    {
        // Read-write without create: a read-only connection cannot open a WAL database whose -shm is missing.
        Connection src(source, SQLITE_OPEN_READWRITE);
        Connection out(dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        sqlite3_backup* b = sqlite3_backup_init(out.get(), "main", src.get(), "main");
        if (!b) throw BackupError("cannot start the copy of " + source + ": " + out.error());
        // All pages in one step: one read transaction, so writes of other connections do not restart it.
        int rc;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (std::chrono::steady_clock::now() > deadline) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
            const std::string why = sqlite3_errstr(rc);
            std::remove(dest.c_str());
            throw BackupError("the copy of " + source + " failed: " + why);
        }
        // The copy stands alone: a rollback journal, no -wal beside it.
        bool found = false;
        out.scalar("PRAGMA journal_mode=DELETE", found);
    }
    try {
        checkSqlite(dest);
    } catch (...) {
        std::remove(dest.c_str());
        throw;
    }
}

void checkSqlite(const std::string& path) {
    std::string answer;
    try {
        Connection c(path, SQLITE_OPEN_READONLY);
        bool found = false;
        answer = c.scalar("PRAGMA quick_check", found);
    } catch (const BackupError& e) {
        throw BackupError(path + " is not a sound SQLite database: " + e.what());
    }
    if (answer != "ok") throw BackupError(path + " is not a sound SQLite database: " + answer);
}

int sqliteSchemaVersion(const std::string& path) {
    Connection c(path, SQLITE_OPEN_READONLY);
    bool found = false;
    c.scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", found);
    if (!found) throw BackupError(path + " holds no Kabinet schema (no schema_version table; run kabinet migrate first)");
    const std::string v = c.scalar("SELECT MAX(version) FROM schema_version", found);
    if (v.empty()) throw BackupError(path + " holds no Kabinet schema (schema_version is empty)");
    return std::stoi(v);
}

bool sqliteIsEmpty(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || st.st_size == 0) return true;
    Connection c(path, SQLITE_OPEN_READWRITE);
    bool found = false;
    c.scalar("SELECT name FROM sqlite_master WHERE type = 'table' LIMIT 1", found);
    return !found;
}

void replaceSqlite(const std::string& fresh, const std::string& target) {
    if (exists(target)) {
        try {
            Connection old(target, SQLITE_OPEN_READWRITE);
            bool found = false;
            old.scalar("PRAGMA wal_checkpoint(TRUNCATE)", found);
        } catch (const BackupError&) {
            // Not a database we can open: it is replaced all the same.
        }
    }
    for (const char* suffix : {"-wal", "-shm", "-journal"}) std::remove((target + suffix).c_str());
    if (std::rename(fresh.c_str(), target.c_str()) != 0) throw BackupError("cannot move the restored database to " + target);
    const auto slash = target.rfind('/');
    syncDirectory(slash == std::string::npos ? "." : (slash == 0 ? "/" : target.substr(0, slash)));
}

} // namespace kabinet::backup
