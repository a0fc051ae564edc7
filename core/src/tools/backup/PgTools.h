#pragma once
/// PostgreSQL's own tools for backup and restore: pg_dump in its custom format, and pg_restore piped into
/// psql inside one transaction. The password of the database URL goes to them in PGPASSWORD, never on the
/// command line (where any user of the machine could read it).
#include <string>

namespace kabinet::backup {

/// A postgresql:// URL split for the tools: the URL without its password, and the password.
struct PgConnection {
    std::string url;      ///< postgresql://user@host:port/db?params (no password)
    std::string password; ///< decoded; empty when the URL has none
    /// Splits a postgresql:// or postgres:// URL; throws BackupError when it is not one.
    static PgConnection fromUrl(const std::string& url);
};

/// The path of a PostgreSQL client program: the first found in PATH, else the newest in
/// /usr/lib/postgresql/*/bin. Throws BackupError naming the package to install when none is found.
std::string findPgProgram(const std::string& name);

/// Dumps the database with `pg_dump --format=custom` into `file` (one snapshot: consistent while the server
/// writes). Throws BackupError with pg_dump's own message when it fails (a partial `file` is removed).
void pgDump(const PgConnection& db, const std::string& file);

/// Restores a custom-format dump: `pg_restore --no-owner --no-privileges -f - DUMP | psql --single-transaction
/// -v ON_ERROR_STOP=1`, so the database gets all of it or, on any error, nothing. With `clearFirst` the schema
/// public is dropped and made anew in the same transaction. Throws BackupError with the tools' messages.
void pgRestore(const std::string& dumpFile, const PgConnection& db, bool clearFirst);

} // namespace kabinet::backup
