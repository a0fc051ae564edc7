#pragma once
/// Versioned schema migrations from sql/, embedded at build time. A migration NNNN_name.sql serves both
/// backends; NNNN_name.sqlite.sql / NNNN_name.postgresql.sql hold a dialect's own text for that version.
/// Each version is applied in its own transaction and recorded in schema_version.
#include "storage/Database.h"

#include <string>
#include <vector>

namespace kabinet {

/// One migration file as embedded in the binary.
struct MigrationFile {
    int version;
    const char* name;
    const char* dialect; ///< "" (both), "sqlite" or "postgresql"
    const char* sql;
};

/// All migration files of the build, sorted by version.
const std::vector<MigrationFile>& embeddedMigrations();

/// Applies and inspects migrations on one database.
class Migrator {
public:
    explicit Migrator(Database& db) : db_(db) {}
    /// The newest version this binary knows.
    static int latestKnown();
    /// The newest version applied to the database (0 when none).
    int current();
    /// Applies every missing version in order; returns how many were applied. Throws ConfigError when the
    /// database is newer than the binary (refusing to start) or a migration fails (nothing of it stays).
    int migrate();
    /// As migrate(), stopping after version `upTo` (an upgrade test builds the schema a release had).
    int migrate(int upTo);
    /// Splits a migration text into statements (on ';' at the end of a line, outside quotes and $$ blocks).
    static std::vector<std::string> splitStatements(const std::string& sql);

private:
    Database& db_;
};

} // namespace kabinet
