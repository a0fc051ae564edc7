#pragma once
/// `kabinet restore --from DIR`: puts a backup made by `kabinet backup` into the database and data dir a
/// configuration names — after checking every file of the backup against its manifest, and only into an
/// empty target unless told to replace it.
#include "backup/Manifest.h"

#include <string>

namespace kabinet {
struct Config;
}

namespace kabinet::backup {

/// What a restore did.
struct RestoreSummary {
    Manifest manifest;
    std::size_t files = 0;  ///< data files and the secret key put in place
    double seconds = 0;
};

/// Restores `folder` into the database, data dir and secret key file of `config`. In order: the manifest is
/// read and every file checked (size and SHA-256); the backup must be of the target's backend and of a schema
/// this build knows; each database of placed tenants goes to the one database the target places the same
/// tenants on (a target placing them otherwise is refused); the target databases must be empty and the data dir must not hold the backup's files,
/// unless `force`; the files are staged inside the data dir; the database is restored all or nothing (SQLite:
/// a verified copy renamed over the target; PostgreSQL: one transaction); then the staged files are renamed
/// into place. Any error before that last step leaves the target as it was. The server must not run on the
/// target. Throws BackupError saying what is wrong.
RestoreSummary restoreBackup(const Config& config, const std::string& folder, bool force);

} // namespace kabinet::backup
