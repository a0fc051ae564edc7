#include "storage/Migrations.h"

#include "util/Error.h"
#include "util/Log.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace kabinet {

namespace {
const char* dialectOf(Backend b) { return b == Backend::PostgreSQL ? "postgresql" : "sqlite"; }

std::string nowIso() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}
} // namespace

int Migrator::latestKnown() {
    int v = 0;
    for (const auto& m : embeddedMigrations()) v = std::max(v, m.version);
    return v;
}

std::vector<std::string> Migrator::splitStatements(const std::string& sql) {
    std::vector<std::string> out;
    std::string cur;
    bool inQuote = false, inDollar = false, inComment = false;
    for (std::size_t i = 0; i < sql.size(); ++i) {
        char c = sql[i];
        if (inComment) {
            if (c == '\n') inComment = false;
            else continue;
        } else if (!inQuote && !inDollar && c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            inComment = true;
            continue;
        } else if (!inDollar && c == '\'') {
            inQuote = !inQuote;
        } else if (!inQuote && c == '$' && i + 1 < sql.size() && sql[i + 1] == '$') {
            inDollar = !inDollar;
            cur += "$$";
            ++i;
            continue;
        } else if (!inQuote && !inDollar && c == ';') {
            auto first = cur.find_first_not_of(" \t\r\n");
            if (first != std::string::npos) out.push_back(cur.substr(first));
            cur.clear();
            continue;
        }
        cur += c;
    }
    auto first = cur.find_first_not_of(" \t\r\n");
    if (first != std::string::npos) out.push_back(cur.substr(first));
    return out;
}

int Migrator::current() {
    int v = 0;
    db_.read([&](soci::session& s) {
        s << "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
             "applied_at TEXT NOT NULL)";
        soci::indicator ind;
        s << "SELECT MAX(version) FROM schema_version", soci::into(v, ind);
        if (ind == soci::i_null) v = 0;
    });
    return v;
}

int Migrator::migrate() { return migrate(latestKnown()); }

int Migrator::migrate(int upTo) {
    const int have = current();
    const int know = latestKnown();
    if (have > know)
        throw ConfigError("the database schema is at version " + std::to_string(have) +
                          ", newer than this kabinetd understands (" + std::to_string(know) +
                          "); refusing to start — upgrade kabinetd");
    const char* dialect = dialectOf(db_.backend());
    int applied = 0;
    for (int v = have + 1; v <= std::min(know, upTo); ++v) {
        const MigrationFile* chosen = nullptr;
        for (const auto& m : embeddedMigrations()) {
            if (m.version != v) continue;
            if (std::string(m.dialect) == dialect) chosen = &m;
            else if (!*m.dialect && !chosen) chosen = &m;
        }
        if (!chosen) throw ConfigError("migration " + std::to_string(v) + " has no text for " + dialect);
        try {
            db_.transaction([&](soci::session& s) {
                if (db_.backend() == Backend::PostgreSQL) s << "SELECT pg_advisory_xact_lock(7245001)";
                // Another instance may have applied it meanwhile.
                int done = 0;
                s << "SELECT COUNT(*) FROM schema_version WHERE version = :v", soci::use(v), soci::into(done);
                if (done) return;
                for (const auto& stmt : splitStatements(chosen->sql)) s << stmt;
                std::string name = chosen->name, at = nowIso();
                s << "INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :n, :a)", soci::use(v),
                    soci::use(name), soci::use(at);
            });
        } catch (const ConfigError&) {
            throw;
        } catch (const std::exception& e) {
            throw ConfigError("migration " + std::to_string(v) + " (" + chosen->name + ") failed: " + e.what());
        }
        log::info("migration applied", {{"version", std::to_string(v)}, {"name", chosen->name}});
        ++applied;
    }
    return applied;
}

} // namespace kabinet
