#include "storage/Database.h"

#include "storage/AfterCommit.h"
#include "storage/Replica.h"
#include "storage/TenantScope.h"

#include "util/Error.h"
#include "util/Log.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/URI.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace kabinet {

namespace {
std::string pgQuote(const std::string& v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}
} // namespace

DatabaseUrl DatabaseUrl::parse(const std::string& url) {
    DatabaseUrl u;
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
        u.backend = Backend::PostgreSQL;
        u.sociBackend = "postgresql";
        Poco::URI uri;
        try {
            uri = Poco::URI(url);
        } catch (const Poco::Exception&) {
            throw ConfigError("database URL is not a valid postgresql:// URL");
        }
        std::string db = uri.getPath();
        if (!db.empty() && db[0] == '/') db = db.substr(1);
        if (db.empty()) throw ConfigError("database URL names no database (postgresql://user:pw@host:port/DB)");
        std::string cs = "dbname=" + pgQuote(db);
        if (!uri.getHost().empty()) cs += " host=" + pgQuote(uri.getHost());
        if (uri.getPort() != 0) cs += " port=" + std::to_string(uri.getPort());
        const std::string& ui = uri.getUserInfo();
        if (!ui.empty()) {
            auto colon = ui.find(':');
            std::string user, pw;
            Poco::URI::decode(ui.substr(0, colon), user);
            if (colon != std::string::npos) Poco::URI::decode(ui.substr(colon + 1), pw);
            cs += " user=" + pgQuote(user);
            if (!pw.empty()) cs += " password=" + pgQuote(pw);
        }
        for (const auto& [k, v] : uri.getQueryParameters()) cs += " " + k + "=" + pgQuote(v);
        if (cs.find("connect_timeout") == std::string::npos) cs += " connect_timeout=5";
        u.connectString = cs;
        return u;
    }
    std::string path = url;
    if (path.rfind("sqlite://", 0) == 0) path = path.substr(9);
    else if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
    else if (path.find("://") != std::string::npos)
        throw ConfigError("database URL scheme is not supported (use sqlite:// or postgresql://)");
    if (path.empty()) throw ConfigError("database URL names no SQLite file");
    u.backend = Backend::SQLite;
    u.sociBackend = "sqlite3";
    u.sqlitePath = path;
    u.connectString = "db=" + path + " timeout=10";
    return u;
}

Database::Database(const std::string& url, unsigned poolSize) : rawUrl_(url), url_(DatabaseUrl::parse(url)), size_(poolSize) {
    if (url_.backend == Backend::SQLite) {
        Poco::Path p(url_.sqlitePath);
        Poco::Path parent = p.parent();
        if (!parent.toString().empty()) Poco::File(parent).createDirectories();
    }
    pool_ = std::make_unique<soci::connection_pool>(size_);
    broken_ = std::make_unique<std::atomic<bool>[]>(size_);
    for (unsigned i = 0; i < size_; ++i) broken_[i] = false;
    for (unsigned i = 0; i < size_; ++i) {
        soci::session& s = pool_->at(i);
        try {
            if (url_.backend == Backend::PostgreSQL) s.open(*soci::factory_postgresql(), url_.connectString);
            else s.open(*soci::factory_sqlite3(), url_.connectString);
            configureSession(s);
        } catch (const soci::soci_error& e) {
            // Do not echo the connect string (it may carry a password).
            throw ConfigError(std::string("cannot open the ") + backendName() + " database: " +
                              e.get_error_message());
        }
    }
}

Database::~Database() {
    replica_.reset(); // its checker reads this database
}

Database& Database::routed() {
    if (placedByTenant_.empty()) return *this;
    const std::string* tenant = TenantScope::current();
    return tenant ? of(*tenant) : *this;
}

void Database::attachReplica(const std::string& url, unsigned poolSize, std::chrono::milliseconds maxLag) {
    if (url_.backend != Backend::PostgreSQL) throw ConfigError("database-replica needs a postgresql:// primary database");
    replica_ = std::make_unique<Replica>(*this, url, poolSize, maxLag);
}

void Database::place(const std::string& tenantId, const std::string& url, unsigned poolSize) {
    if (url == rawUrl_) {
        placedByTenant_.erase(tenantId);
        return;
    }
    auto it = placedByUrl_.find(url);
    std::shared_ptr<Database> db;
    if (it != placedByUrl_.end()) db = it->second;
    else {
        if (DatabaseUrl::parse(url).backend != url_.backend)
            throw ConfigError("tenant-databases: the database of tenant '" + tenantId + "' must use the same backend as the main one (" +
                              backendName() + ")");
        db = std::make_shared<Database>(url, poolSize);
        placedByUrl_[url] = db;
    }
    placedByTenant_[tenantId] = db;
}

Database& Database::of(const std::string& tenantId) {
    auto it = placedByTenant_.find(tenantId);
    return it == placedByTenant_.end() ? *this : *it->second;
}

std::vector<Database*> Database::all() {
    std::vector<Database*> out{this};
    for (auto& [url, db] : placedByUrl_) out.push_back(db.get());
    return out;
}

std::vector<std::string> Database::tenantsOn(const Database& db) const {
    std::vector<std::string> out;
    for (const auto& [id, d] : placedByTenant_)
        if (d.get() == &db) out.push_back(id);
    return out;
}

std::string Database::metricsText() const { return replica_ ? replica_->metricsText() : std::string(); }

const char* Database::backendName() const noexcept {
    return url_.backend == Backend::PostgreSQL ? "postgresql" : "sqlite";
}

void Database::configureSession(soci::session& s) {
    if (url_.backend == Backend::SQLite) {
        s << "PRAGMA journal_mode=WAL";
        s << "PRAGMA foreign_keys=ON";
        s << "PRAGMA synchronous=NORMAL";
        s << "PRAGMA busy_timeout=10000";
    } else {
        s << "SET client_min_messages TO WARNING";
        s << "SET TIME ZONE 'UTC'";
    }
}

Database::Lease::~Lease() {
    if (db_) db_->pool_->give_back(pos_);
}

soci::session& Database::Lease::operator*() const { return db_->pool_->at(pos_); }

Database::Lease Database::lease(std::chrono::milliseconds wait) {
    std::size_t pos = 0;
    if (!pool_->try_lease(pos, static_cast<int>(wait.count())))
        throw Unavailable("database_busy", "База данных перегружена, повторите попытку позже");
    Lease l(*this, pos);
    if (broken_[pos] || !l->get_backend()) {
        try {
            l->reconnect();
            configureSession(*l);
            broken_[pos] = false;
        } catch (const std::exception&) {
            broken_[pos] = true;
            throw Error(Unavailable("database_unavailable", "База данных недоступна, повторите попытку позже")).retryAfter(5);
        }
    }
    return l;
}

namespace {
bool connectionLost(const std::string& msg) {
    static const char* signs[] = {"Session is not connected", "server closed the connection", "no connection to the server",
                                  "terminating connection", "could not connect", "Connection refused",
                                  "connection to server", "not accepting connections", "SSL connection has been closed"};
    for (const char* s : signs)
        if (msg.find(s) != std::string::npos) return true;
    return false;
}
} // namespace

std::optional<Error> Database::mapped(const std::exception& e) {
    if (auto* err = dynamic_cast<const Error*>(&e)) return *err;
    auto* se = dynamic_cast<const soci::soci_error*>(&e);
    if (!se) return std::nullopt;
    const std::string msg = se->get_error_message();
    const auto category = se->get_error_category();
    if (category == soci::soci_error::constraint_violation || msg.find("UNIQUE constraint") != std::string::npos ||
        msg.find("duplicate key") != std::string::npos)
        return Conflict("conflict", "Запись противоречит уже сохранённым данным");
    if (category == soci::soci_error::connection_error || connectionLost(msg))
        return Error(Unavailable("database_unavailable", "База данных недоступна, повторите попытку позже")).retryAfter(5);
    return std::nullopt;
}

void Database::rethrowMapped(const std::exception& e) {
    if (auto err = mapped(e)) throw *err;
    throw;
}

void Database::run(Lease& l, const std::function<void()>& fn) {
    try {
        fn();
    } catch (const std::exception& e) {
        auto err = mapped(e);
        if (err && err->code() == "database_unavailable") broken_[l.slot()] = true;
        if (err) throw *err;
        throw;
    }
}

void Database::transaction(const std::function<void(soci::session&)>& fn) {
    Database& target = routed();
    if (&target != this) return target.transaction(fn);
    Lease l = lease();
    storage_detail::transactionBegins();
    try {
        run(l, [&] {
            if (url_.backend == Backend::SQLite) {
                // Take the write lock at the start: a deferred transaction that reads and then writes can fail at
                // once with SQLITE_BUSY when another connection writes meanwhile (the busy timeout cannot help).
                *l << "BEGIN IMMEDIATE";
                try {
                    fn(*l);
                    *l << "COMMIT";
                } catch (...) {
                    try {
                        *l << "ROLLBACK";
                    } catch (...) {
                    }
                    throw;
                }
                return;
            }
            soci::transaction tr(*l);
            fn(*l);
            tr.commit();
        });
    } catch (...) {
        storage_detail::transactionRolledBack();
        throw;
    }
    storage_detail::transactionCommitted();
}

void Database::read(const std::function<void(soci::session&)>& fn) {
    Database& target = routed();
    if (&target != this) return target.read(fn);
    readPrimary(fn);
}

void Database::readPrimary(const std::function<void(soci::session&)>& fn) {
    Lease l = lease();
    run(l, [&] { fn(*l); });
}

void Database::heavyRead(const std::function<void(soci::session&)>& fn) {
    Database& target = routed();
    if (&target != this) return target.heavyRead(fn);
    if (replica_) return replica_->read(fn);
    readPrimary(fn);
}

bool Database::ping(std::string& reason) {
    std::size_t pos = 0;
    if (!pool_->try_lease(pos, 2000)) {
        reason = "no free database connection";
        return false;
    }
    Lease l(*this, pos);
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            int one = 0;
            *l << "SELECT 1", soci::into(one);
            if (one == 1) return true;
        } catch (const std::exception& e) {
            reason = "database unreachable";
            if (attempt == 0) {
                try {
                    l->reconnect();
                    configureSession(*l);
                    broken_[l.slot()] = false;
                } catch (const std::exception&) {
                    broken_[l.slot()] = true;
                    return false;
                }
            }
        }
    }
    return false;
}

} // namespace kabinet
