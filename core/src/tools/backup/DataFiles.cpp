#include "backup/DataFiles.h"

#include "backup/BackupError.h"

#include <algorithm>
#include <filesystem>

namespace kabinet::backup {

namespace fs = std::filesystem;

namespace {

bool endsWith(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// True when `p` is `base` or lies inside it (both lexically normal, absolute).
bool within(const fs::path& p, const fs::path& base) {
    auto b = base.begin(), x = p.begin();
    for (; b != base.end(); ++b, ++x) {
        if (b->empty()) continue; // a trailing separator
        if (x == p.end() || *x != *b) return false;
    }
    return true;
}

} // namespace

std::vector<DataFile> listDataFiles(const std::string& dataDir, const std::vector<std::string>& leaveOut) {
    std::vector<DataFile> out;
    std::error_code ec;
    const fs::path root = fs::absolute(dataDir, ec).lexically_normal();
    if (!fs::is_directory(root, ec)) return out;
    std::vector<fs::path> skip;
    for (const auto& l : leaveOut) skip.push_back(fs::absolute(l, ec).lexically_normal());
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
    if (ec) throw BackupError("cannot read the data dir " + root.string() + ": " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec) throw BackupError("cannot read the data dir " + root.string() + ": " + ec.message());
        const fs::path p = it->path().lexically_normal();
        const std::string rel = p.lexically_relative(root).generic_string();
        const std::string name = p.filename().string();
        const auto status = it->symlink_status(ec);
        bool leave = std::any_of(skip.begin(), skip.end(), [&](const fs::path& s) { return within(p, s); });
        if (it.depth() == 0 && (rel == "mail" || rel == "sms")) leave = true;
        if (name.rfind(".restore-", 0) == 0) leave = true;
        if (fs::is_directory(status)) {
            if (leave) it.disable_recursion_pending();
            continue;
        }
        if (leave || !fs::is_regular_file(status)) continue;
        if (endsWith(name, ".tmp") || endsWith(name, ".log") || endsWith(name, "-wal") || endsWith(name, "-shm") || endsWith(name, "-journal"))
            continue;
        out.push_back({p.string(), rel});
    }
    std::sort(out.begin(), out.end(), [](const DataFile& a, const DataFile& b) { return a.relative < b.relative; });
    return out;
}

} // namespace kabinet::backup
