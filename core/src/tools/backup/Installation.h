#pragma once
/// The parts of an installation a backup copies and a restore fills, as a configuration names them: the
/// database, the data dir and the key of stored secrets.
#include "storage/Database.h"

#include <string>

namespace kabinet {
struct Config;
}

namespace kabinet::backup {

struct Installation {
    Backend backend = Backend::SQLite;
    std::string databaseUrl;  ///< as configured (may carry a password: never print it)
    std::string sqlitePath;   ///< SQLite: the database file, absolute
    std::string dataDir;      ///< absolute, no trailing slash
    std::string secretKeyPath;///< --secret-key-file, or <data-dir>/secret.key

    /// Resolves them from a configuration; throws ConfigError for a bad database URL.
    static Installation of(const Config& config);
    /// "sqlite" or "postgresql".
    std::string backendName() const { return backend == Backend::SQLite ? "sqlite" : "postgresql"; }
    /// The migration level of a PostgreSQL database (its schema_version); throws BackupError when it has none.
    int postgresSchemaVersion() const;
    /// True when the database holds no tables yet (SQLite: no file, an empty one, or no tables; PostgreSQL:
    /// no relation outside the system schemas). Throws BackupError when it cannot be reached.
    bool databaseIsEmpty() const;
};

} // namespace kabinet::backup
