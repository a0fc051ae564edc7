#include "backup/Installation.h"

#include "backup/BackupError.h"
#include "backup/SqliteFiles.h"
#include "config/Config.h"

#include <algorithm>
#include <filesystem>
#include <map>

namespace kabinet::backup {

namespace {

DatabasePlace placeOf(const std::string& name, const std::string& url) {
    DatabasePlace p;
    p.name = name;
    p.url = url;
    const auto parsed = DatabaseUrl::parse(url);
    p.backend = parsed.backend;
    if (p.backend == Backend::SQLite) p.sqlitePath = std::filesystem::absolute(parsed.sqlitePath).lexically_normal().string();
    return p;
}

} // namespace

Installation Installation::of(const Config& config) {
    Installation i;
    i.databaseUrl = config.databaseUrl();
    const DatabasePlace main = placeOf("main", i.databaseUrl);
    i.backend = main.backend;
    i.sqlitePath = main.sqlitePath;
    i.dataDir = config.dataPath("");
    i.secretKeyPath = config.secretKeyFile.empty() ? i.dataDir + "/secret.key"
                                                   : std::filesystem::absolute(config.secretKeyFile).lexically_normal().string();
    // Tenants naming the same URL share one database (as the server opens them); the main URL is no placement.
    std::map<std::string, std::vector<std::string>> byUrl;
    for (const auto& [tenant, url] : config.tenantDatabases)
        if (url != i.databaseUrl) byUrl[url].push_back(tenant); // the map is sorted: tenants come in id order
    for (const auto& [url, tenants] : byUrl) {
        DatabasePlace p = placeOf(tenants.front(), url);
        if (p.backend != i.backend)
            throw BackupError("the database of tenant " + tenants.front() + " is not of the main database's kind (" + i.backendName() + ")");
        if (p.backend == Backend::SQLite && p.sqlitePath == i.sqlitePath) continue; // the same file, named otherwise
        p.tenants = tenants;
        i.placed.push_back(p);
    }
    std::sort(i.placed.begin(), i.placed.end(), [](const DatabasePlace& a, const DatabasePlace& b) { return a.name < b.name; });
    return i;
}

DatabasePlace Installation::main() const {
    DatabasePlace p;
    p.name = "main";
    p.backend = backend;
    p.url = databaseUrl;
    p.sqlitePath = sqlitePath;
    return p;
}

int DatabasePlace::postgresSchemaVersion() const {
    Database db(url, 1);
    int version = 0;
    bool known = false;
    db.read([&](soci::session& s) {
        int tables = 0;
        s << "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'schema_version' AND table_schema = current_schema()",
            soci::into(tables);
        if (tables == 0) return;
        soci::indicator ind;
        s << "SELECT MAX(version) FROM schema_version", soci::into(version, ind);
        known = ind == soci::i_ok;
    });
    if (!known)
        throw BackupError(std::string(name == "main" ? "the database" : "the database of tenant " + name) +
                          " holds no Kabinet schema (no schema_version; run kabinet migrate first)");
    return version;
}

bool DatabasePlace::isEmpty() const {
    if (backend == Backend::SQLite) return sqliteIsEmpty(sqlitePath);
    Database db(url, 1);
    long long relations = 0;
    db.read([&](soci::session& s) {
        s << "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
             "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'",
            soci::into(relations);
    });
    return relations == 0;
}

} // namespace kabinet::backup
