#pragma once
/// SQLite database files for backup and restore, through SQLite's own C API: a consistent copy of a live
/// database with the online backup API, and the checks a restore makes on a file before it takes its place.
#include <string>

namespace kabinet::backup {

/// Copies the database at `source` into a new file `dest` with the online backup API (sqlite3_backup_init,
/// one sqlite3_backup_step over all pages, sqlite3_backup_finish). The copy is one read transaction of the
/// source: in WAL mode the server keeps writing meanwhile and the copy is the database as of its start.
/// Throws BackupError when the source is missing or not a database, or the copy fails (`dest` is removed).
void snapshotSqlite(const std::string& source, const std::string& dest);

/// Runs PRAGMA quick_check on the file; throws BackupError with SQLite's first complaint when it is not "ok".
void checkSqlite(const std::string& path);

/// The migration level recorded in the file's schema_version; throws BackupError when it has none (not a
/// Kabinet database, or never migrated).
int sqliteSchemaVersion(const std::string& path);

/// True when there is no database at `path` yet: no file, an empty file, or a database without tables.
bool sqliteIsEmpty(const std::string& path);

/// Puts the verified file `fresh` in place of the database `target` (same directory): a database already
/// there is checkpointed and its -wal and -shm files removed first, so no journal of the old database is
/// applied to the new one; then one rename. The server must not be running on `target`.
void replaceSqlite(const std::string& fresh, const std::string& target);

} // namespace kabinet::backup
