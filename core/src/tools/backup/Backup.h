#pragma once
/// `kabinet backup --to DIR`: one consistent copy of a Kabinet installation while it runs — the database
/// (SQLite through its online backup API, PostgreSQL through pg_dump), the key of stored secrets and the
/// user data under the data dir — with a manifest that lets a restore check every byte first.
#include "backup/Manifest.h"

#include <string>

namespace kabinet {
struct Config;
}

namespace kabinet::backup {

/// What a backup made.
struct BackupSummary {
    Manifest manifest;
    std::string folder;           ///< the backup folder, absolute
    std::uint64_t bytes = 0;      ///< total size of the files written
    double databaseSeconds = 0;   ///< time of the database copy
    double seconds = 0;           ///< time of the whole backup
};

/// Backs up the installation `config` describes (its database URL, the databases of tenants placed on their
/// own, data dir and secret key file) into `folder`, which must not exist or be empty. The databases are copied
/// first (each database of placed tenants as tenants/<name>, at the main one's schema level), then the files (files are only
/// ever added, so every file the copied database names is there). The manifest is written last, by a rename:
/// a folder without manifest.json is not a backup. On any error everything written is removed and
/// BackupError (or ConfigError for a bad database URL) says why.
BackupSummary makeBackup(const Config& config, const std::string& folder);

} // namespace kabinet::backup
