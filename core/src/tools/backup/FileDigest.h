#pragma once
/// Files and their SHA-256, read once: a copy that hashes what it writes, and a check of a file against
/// the size and digest a manifest recorded.
#include <cstdint>
#include <string>

namespace kabinet::backup {

/// Size and SHA-256 (lowercase hex) of some bytes.
struct Digest {
    std::uint64_t size = 0;
    std::string sha256;
};

/// The size and SHA-256 of a file, read in 1 MiB blocks. Throws BackupError when it cannot be read.
Digest digestFile(const std::string& path);

/// Copies `from` to `to` (created or truncated, mode 0600, flushed to disk) and returns the digest of the bytes
/// written — the bytes as they were read, so a file that grows meanwhile is recorded as copied. Throws
/// BackupError naming the file when reading or writing fails; a partial `to` is removed.
Digest copyFile(const std::string& from, const std::string& to);

/// Writes `content` to `path` (created or truncated, mode 0600) and flushes it to disk; throws BackupError.
void writeFileSynced(const std::string& path, const std::string& content);

/// Flushes a directory's entries to disk (after a rename into it); errors are ignored.
void syncDirectory(const std::string& dir);

} // namespace kabinet::backup
