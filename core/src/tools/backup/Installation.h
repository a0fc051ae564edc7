#pragma once
/// The parts of an installation a backup copies and a restore fills, as a configuration names them: the
/// databases (the main one and those of tenants placed on their own), the data dir and the key of stored
/// secrets.
#include "storage/Database.h"

#include <string>
#include <vector>

namespace kabinet {
struct Config;
}

namespace kabinet::backup {

/// One database of an installation and where it is.
struct DatabasePlace {
    std::string name;                 ///< "main", or the first by id of the tenants placed on it
    std::vector<std::string> tenants; ///< the tenants placed on it, sorted (empty for the main database)
    Backend backend = Backend::SQLite;
    std::string url;        ///< as configured (may carry a password: never print it)
    std::string sqlitePath; ///< SQLite: the database file, absolute

    /// The migration level of a PostgreSQL database (its schema_version); throws BackupError when it has none.
    int postgresSchemaVersion() const;
    /// True when the database holds no tables yet (SQLite: no file, an empty one, or no tables; PostgreSQL:
    /// no relation outside the system schemas). Throws BackupError when it cannot be reached.
    bool isEmpty() const;
};

struct Installation {
    Backend backend = Backend::SQLite;
    std::string databaseUrl;  ///< the main database as configured (may carry a password: never print it)
    std::string sqlitePath;   ///< SQLite: the main database file, absolute
    std::string dataDir;      ///< absolute, no trailing slash
    std::string secretKeyPath;///< --secret-key-file, or <data-dir>/secret.key
    /// The databases of tenants placed on their own (--tenant-databases), one per distinct URL other than the
    /// main one, sorted by name.
    std::vector<DatabasePlace> placed;

    /// Resolves them from a configuration; throws ConfigError for a bad database URL.
    static Installation of(const Config& config);
    /// "sqlite" or "postgresql".
    std::string backendName() const { return backend == Backend::SQLite ? "sqlite" : "postgresql"; }
    /// The main database as a place.
    DatabasePlace main() const;
    /// The migration level of the main PostgreSQL database; throws BackupError when it has none.
    int postgresSchemaVersion() const { return main().postgresSchemaVersion(); }
    /// True when the main database holds no tables yet.
    bool databaseIsEmpty() const { return main().isEmpty(); }
};

} // namespace kabinet::backup
