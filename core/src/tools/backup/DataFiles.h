#pragma once
/// Which files under the data directory hold user data and go into a backup: everything the server keeps
/// there (archives people download, and whatever a later module stores) except what is not data or is
/// backed up another way — the SQLite database and its journals (copied through SQLite), the mail and SMS
/// drop folders of the development transports (mail/, sms/), unfinished files (*.tmp), logs (*.log),
/// a restore's staging folders (.restore-*), and the paths given to leave out.
#include <string>
#include <vector>

namespace kabinet::backup {

/// A file of the data directory: its absolute path and its path relative to the directory.
struct DataFile {
    std::string path;
    std::string relative;
};

/// The regular files under `dataDir` that hold user data, sorted by relative path (symbolic links and other
/// special files are not followed). `leaveOut` holds absolute paths of files or folders to skip (the database
/// file, the backup folder itself when it lies inside the data dir, the secret key backed up on its own).
/// A missing data dir yields no files.
std::vector<DataFile> listDataFiles(const std::string& dataDir, const std::vector<std::string>& leaveOut);

} // namespace kabinet::backup
