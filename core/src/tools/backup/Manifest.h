#pragma once
/// The manifest of a backup folder (manifest.json): what the folder holds and how to check it — format
/// version, the backend, the schema migration level, when it was made, and every file with its size and
/// SHA-256. The manifest is written last, so a folder without one is not a backup.
#include <cstdint>
#include <string>
#include <vector>

namespace kabinet::backup {

/// One file of the backup folder, by its path inside the folder ("database.sqlite", "data/archive/…").
struct ManifestFile {
    std::string path;
    std::string kind; ///< "database" (a database copy or dump), "secret-key" (the key of stored secrets), "data" (under the data dir)
    std::uint64_t size = 0;
    std::string sha256; ///< lowercase hex
};

/// One database of the backup: the main one, and one per database of tenants placed on their own.
struct ManifestDatabase {
    std::string name;    ///< "main", or the first by id of the tenants it holds
    std::string file;    ///< its file among `files`
    int schemaVersion = 0;
    std::vector<std::string> tenants; ///< the tenants placed on it (none for "main", at least one otherwise)
};

struct Manifest {
    static constexpr int kFormatVersion = 1; ///< the format this build writes and the newest it reads
    int formatVersion = kFormatVersion;
    std::string kabinetVersion;  ///< the version of the `kabinet` that made it
    std::string backend;         ///< "sqlite" or "postgresql"
    int schemaVersion = 0;       ///< the migration level of the main database
    std::string createdAt;       ///< UTC, ISO 8601 (…Z)
    long long createdAtUnix = 0; ///< the same, seconds since 1970
    std::vector<ManifestDatabase> databases;
    std::vector<ManifestFile> files;

    /// The manifest as pretty-printed JSON.
    std::string toJson() const;
    /// Reads a manifest, checking every member: its format, a version this build reads, the backend, the
    /// databases named among the files, and paths that stay inside the folder (no absolute path, no "..").
    /// Throws BackupError saying what is wrong.
    static Manifest parse(const std::string& text);
    /// The file with this path, or nullptr.
    const ManifestFile* find(const std::string& path) const;
};

/// True when `path` is a plain relative path inside a folder: not empty, not absolute, no "." or ".." or empty
/// segment, no backslash or control character.
bool safeRelativePath(const std::string& path);

} // namespace kabinet::backup
