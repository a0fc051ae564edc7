#include "backup/Backup.h"

#include "backup/BackupError.h"
#include "backup/DataFiles.h"
#include "backup/FileDigest.h"
#include "backup/Installation.h"
#include "backup/PgTools.h"
#include "backup/SqliteFiles.h"
#include "config/Config.h"

#include <chrono>
#include <ctime>
#include <filesystem>

namespace kabinet::backup {

namespace fs = std::filesystem;

namespace {

double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string isoUtc(std::time_t t) {
    char buf[32];
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/// The backup folder: made (mode 0700: it holds personal data and the secret key) or taken when empty; on
/// failure, what was written into it is removed again.
class Folder {
public:
    explicit Folder(const std::string& path) {
        if (path.empty()) throw BackupError("--to needs a folder for the backup");
        std::error_code ec;
        path_ = fs::absolute(path, ec).lexically_normal();
        if (fs::exists(path_, ec)) {
            if (!fs::is_directory(path_, ec)) throw BackupError(path_.string() + " exists and is not a folder");
            if (!fs::is_empty(path_, ec))
                throw BackupError(path_.string() + " is not empty: give a new folder (a backup never overwrites another)");
        } else {
            fs::create_directories(path_, ec);
            if (ec) throw BackupError("cannot create " + path_.string() + ": " + ec.message());
            made_ = true;
        }
        fs::permissions(path_, fs::perms::owner_all, ec);
    }
    ~Folder() {
        if (done_) return;
        std::error_code ec;
        if (made_) fs::remove_all(path_, ec);
        else
            for (const auto& e : fs::directory_iterator(path_, ec)) fs::remove_all(e.path(), ec);
    }
    Folder(const Folder&) = delete;
    Folder& operator=(const Folder&) = delete;
    std::string path() const { return path_.string(); }
    std::string file(const std::string& relative) const { return (path_ / relative).string(); }
    void keep() { done_ = true; }

private:
    fs::path path_;
    bool made_ = false, done_ = false;
};

} // namespace

BackupSummary makeBackup(const Config& config, const std::string& to) {
    const auto start = std::chrono::steady_clock::now();
    const Installation inst = Installation::of(config);
    Folder folder(to);
    BackupSummary summary;
    summary.folder = folder.path();
    Manifest& m = summary.manifest;
    m.kabinetVersion = KABINET_VERSION;
    m.backend = inst.backendName();
    m.createdAtUnix = static_cast<long long>(std::time(nullptr));
    m.createdAt = isoUtc(static_cast<std::time_t>(m.createdAtUnix));

    // The databases first: the files are copied after them, so every file they name is there. The main
    // database, then each database of tenants placed on their own, as tenants/<name>.
    const std::string ext = inst.backend == Backend::SQLite ? ".sqlite" : ".pgdump";
    auto copyDatabase = [&](const DatabasePlace& place, const std::string& file) {
        int version = 0;
        if (place.backend == Backend::SQLite) {
            snapshotSqlite(place.sqlitePath, folder.file(file));
            version = sqliteSchemaVersion(folder.file(file));
        } else {
            version = place.postgresSchemaVersion();
            pgDump(PgConnection::fromUrl(place.url), folder.file(file));
            if (place.postgresSchemaVersion() != version) throw BackupError("the database was migrated while it was dumped; run the backup again");
        }
        std::error_code ec;
        fs::permissions(folder.file(file), fs::perms::owner_read | fs::perms::owner_write, ec); // personal data
        const Digest d = digestFile(folder.file(file));
        m.files.push_back({file, "database", d.size, d.sha256});
        m.databases.push_back({place.name, file, version, place.tenants});
        return version;
    };
    m.schemaVersion = copyDatabase(inst.main(), "database" + ext);
    std::error_code ec;
    for (const auto& place : inst.placed) {
        fs::create_directories(folder.file("tenants"), ec);
        const int version = copyDatabase(place, "tenants/" + place.name + ext);
        if (version != m.schemaVersion)
            throw BackupError("the database of tenant " + place.name + " is at schema version " + std::to_string(version) + ", the main one at " +
                              std::to_string(m.schemaVersion) + ": start kabinetd (or run kabinet migrate) once, then back up");
    }
    summary.databaseSeconds = since(start);

    // The key of stored secrets: without it the restored secrets cannot be read.
    if (fs::exists(inst.secretKeyPath, ec)) {
        const Digest d = copyFile(inst.secretKeyPath, folder.file("secret.key"));
        m.files.push_back({"secret.key", "secret-key", d.size, d.sha256});
    } else if (!config.secretKeyFile.empty()) {
        throw BackupError("the secret key file " + inst.secretKeyPath + " does not exist");
    }

    // User data under the data dir.
    std::vector<std::string> leaveOut = {folder.path(), inst.secretKeyPath};
    if (inst.backend == Backend::SQLite) {
        leaveOut.push_back(inst.sqlitePath);
        for (const auto& place : inst.placed) leaveOut.push_back(place.sqlitePath);
    }
    for (const auto& f : listDataFiles(inst.dataDir, leaveOut)) {
        const std::string relative = "data/" + f.relative;
        fs::create_directories(fs::path(folder.file(relative)).parent_path(), ec);
        try {
            const Digest d = copyFile(f.path, folder.file(relative));
            m.files.push_back({relative, "data", d.size, d.sha256});
        } catch (const BackupError&) {
            if (fs::exists(f.path, ec)) throw;
            // Removed since it was listed (an archive deleted meanwhile): not part of the backup.
        }
    }

    for (const auto& f : m.files) summary.bytes += f.size;
    // The manifest last, by a rename: its presence says the backup is whole.
    const std::string tmp = folder.file("manifest.json.tmp");
    writeFileSynced(tmp, m.toJson());
    fs::rename(tmp, folder.file("manifest.json"), ec);
    if (ec) throw BackupError("cannot write " + folder.file("manifest.json") + ": " + ec.message());
    syncDirectory(folder.path());
    folder.keep();
    summary.seconds = since(start);
    return summary;
}

} // namespace kabinet::backup
