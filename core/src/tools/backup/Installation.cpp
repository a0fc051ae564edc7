#include "backup/Installation.h"

#include "backup/BackupError.h"
#include "backup/SqliteFiles.h"
#include "config/Config.h"

#include <filesystem>

namespace kabinet::backup {

Installation Installation::of(const Config& config) {
    Installation i;
    i.databaseUrl = config.databaseUrl();
    const auto url = DatabaseUrl::parse(i.databaseUrl);
    i.backend = url.backend;
    if (i.backend == Backend::SQLite) i.sqlitePath = std::filesystem::absolute(url.sqlitePath).lexically_normal().string();
    i.dataDir = config.dataPath("");
    i.secretKeyPath = config.secretKeyFile.empty() ? i.dataDir + "/secret.key"
                                                   : std::filesystem::absolute(config.secretKeyFile).lexically_normal().string();
    return i;
}

int Installation::postgresSchemaVersion() const {
    Database db(databaseUrl, 1);
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
    if (!known) throw BackupError("the database holds no Kabinet schema (no schema_version; run kabinet migrate first)");
    return version;
}

bool Installation::databaseIsEmpty() const {
    if (backend == Backend::SQLite) return sqliteIsEmpty(sqlitePath);
    Database db(databaseUrl, 1);
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
