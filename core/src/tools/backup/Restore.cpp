#include "backup/Restore.h"

#include "backup/BackupError.h"
#include "backup/FileDigest.h"
#include "backup/Installation.h"
#include "backup/PgTools.h"
#include "backup/SqliteFiles.h"
#include "config/Config.h"
#include "storage/Migrations.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>

namespace kabinet::backup {

namespace fs = std::filesystem;

namespace {

Manifest readManifest(const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw BackupError(folder.string() + " is not a folder");
    const fs::path file = folder / "manifest.json";
    if (!fs::exists(file, ec))
        throw BackupError("no manifest.json in " + folder.string() + ": not a Kabinet backup, or one that did not finish");
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) throw BackupError("cannot read " + file.string());
    return Manifest::parse(text.str());
}

std::string joined(const std::vector<std::string>& ids) {
    std::string out;
    for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
    return out;
}

/// Puts one database of the backup in place of `to`: SQLite through a copy checked against the manifest and
/// renamed over the target, PostgreSQL through pg_restore in one transaction (clearing it first when `replace`).
void restoreDatabase(const fs::path& folder, const ManifestDatabase& d, const ManifestFile& file, const DatabasePlace& to, bool replace) {
    std::error_code ec;
    if (to.backend == Backend::SQLite) {
        fs::create_directories(fs::path(to.sqlitePath).parent_path(), ec);
        const std::string fresh = to.sqlitePath + ".restore-tmp";
        try {
            if (copyFile((folder / d.file).string(), fresh).sha256 != file.sha256)
                throw BackupError(d.file + " changed while it was restored; nothing of it was restored");
            checkSqlite(fresh);
            if (sqliteSchemaVersion(fresh) != d.schemaVersion)
                throw BackupError(d.file + " is not at the schema version the manifest says; nothing of it was restored");
        } catch (...) {
            fs::remove(fresh, ec);
            throw;
        }
        replaceSqlite(fresh, to.sqlitePath);
    } else {
        pgRestore((folder / d.file).string(), PgConnection::fromUrl(to.url), replace);
    }
}

/// Checks every file of the manifest: present, of its size, of its SHA-256. Names every file that is not.
void verify(const fs::path& folder, const Manifest& m) {
    std::string problems;
    int count = 0;
    for (const auto& f : m.files) {
        const fs::path p = folder / f.path;
        std::error_code ec;
        std::string problem;
        if (!fs::is_regular_file(fs::symlink_status(p, ec))) problem = "missing";
        else if (fs::file_size(p, ec) != f.size) problem = "size " + std::to_string(fs::file_size(p, ec)) + ", the manifest says " + std::to_string(f.size);
        else if (digestFile(p.string()).sha256 != f.sha256) problem = "SHA-256 differs from the manifest";
        if (problem.empty()) continue;
        if (++count <= 10) problems += "\n  " + f.path + ": " + problem;
    }
    if (count > 0)
        throw BackupError("the backup in " + folder.string() + " is damaged (" + std::to_string(count) + " of " + std::to_string(m.files.size()) +
                          " files do not match the manifest); nothing was restored:" + problems);
}

/// Files staged inside the data dir (one rename from their place), removed again unless put in place.
class Staging {
public:
    Staging(const std::string& dataDir, const std::string& keyPath) : dataDir_(dataDir), keyPath_(keyPath) {
        dir_ = fs::path(dataDir) / (".restore-" + std::to_string(::getpid()));
    }
    ~Staging() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
        if (!keyStaged_.empty()) fs::remove(keyStaged_, ec);
    }
    Staging(const Staging&) = delete;
    Staging& operator=(const Staging&) = delete;

    /// Copies a backup file to its staging place, checking its digest once more on the way.
    void stage(const fs::path& from, const ManifestFile& f) {
        std::error_code ec;
        fs::path to;
        if (f.kind == "secret-key") {
            fs::create_directories(fs::path(keyPath_).parent_path(), ec);
            keyStaged_ = keyPath_ + ".restore-tmp";
            to = keyStaged_;
        } else {
            to = dir_ / f.path.substr(5); // under data/
            fs::create_directories(to.parent_path(), ec);
            if (ec) throw BackupError("cannot create " + to.parent_path().string() + ": " + ec.message());
            moves_.push_back({to, fs::path(dataDir_) / f.path.substr(5)});
        }
        const Digest d = copyFile(from.string(), to.string());
        if (d.sha256 != f.sha256) throw BackupError(f.path + " changed while it was restored; nothing was restored");
    }
    /// Renames every staged file into its place; returns how many.
    std::size_t commit() {
        std::error_code ec;
        std::size_t n = 0;
        for (const auto& [from, to] : moves_) {
            fs::create_directories(to.parent_path(), ec);
            fs::rename(from, to, ec);
            if (ec) throw BackupError("cannot move " + from.string() + " to " + to.string() + ": " + ec.message());
            ++n;
        }
        if (!keyStaged_.empty()) {
            fs::rename(keyStaged_, keyPath_, ec);
            if (ec) throw BackupError("cannot move the secret key to " + keyPath_ + ": " + ec.message());
            keyStaged_.clear();
            ++n;
        }
        syncDirectory(dataDir_);
        return n;
    }

private:
    std::string dataDir_, keyPath_, keyStaged_;
    fs::path dir_;
    std::vector<std::pair<fs::path, fs::path>> moves_;
};

} // namespace

RestoreSummary restoreBackup(const Config& config, const std::string& from, bool force) {
    const auto start = std::chrono::steady_clock::now();
    if (from.empty()) throw BackupError("--from needs the folder of a backup");
    std::error_code ec;
    const fs::path folder = fs::absolute(from, ec).lexically_normal();
    RestoreSummary summary;
    summary.manifest = readManifest(folder);
    const Manifest& m = summary.manifest;
    const Installation inst = Installation::of(config);

    // What the backup is, against what this build and the target are.
    if (m.backend != inst.backendName())
        throw BackupError("the backup is of a " + m.backend + " database and the target --database is " + inst.backendName() +
                          ": restore into the same kind of database");
    if (m.schemaVersion > Migrator::latestKnown())
        throw BackupError("the backup's schema is at version " + std::to_string(m.schemaVersion) + " and this kabinet knows versions up to " +
                          std::to_string(Migrator::latestKnown()) + ": restore it with the kabinet that made it (" + m.kabinetVersion + ") or newer");
    // Each database of the backup and where it goes: the main one to the main database, a database of placed
    // tenants to the one database the target places all of them on. A tenant the target places on its own
    // while the backup holds it in the main database (or the other way round) would be served from the wrong one.
    std::vector<std::pair<const ManifestDatabase*, DatabasePlace>> targets;
    std::set<std::string> backupPlaced;
    for (const auto& d : m.databases) {
        const std::string wantExt = inst.backend == Backend::SQLite ? ".sqlite" : ".pgdump";
        if (d.file.size() < wantExt.size() || d.file.compare(d.file.size() - wantExt.size(), wantExt.size(), wantExt) != 0)
            throw BackupError("manifest.json: the database file " + d.file + " is not a " + m.backend + " backup");
        if (d.name == "main") {
            targets.emplace_back(&d, inst.main());
            continue;
        }
        const DatabasePlace* to = nullptr;
        for (const auto& p : inst.placed)
            if (std::find(p.tenants.begin(), p.tenants.end(), d.tenants.front()) != p.tenants.end()) to = &p;
        if (!to)
            throw BackupError("the backup holds the database of tenant " + d.tenants.front() + " on its own: give the target of it with " +
                              "--tenant-databases (or tenant-database." + d.tenants.front() + " in the configuration)");
        if (to->tenants != d.tenants)
            throw BackupError("the backup's database " + d.name + " holds the tenants " + joined(d.tenants) + ", the target's holds " +
                              joined(to->tenants) + ": place the same tenants together");
        for (const auto& other : targets)
            if (other.second.url == to->url) throw BackupError("two databases of the backup would go to the same target database");
        backupPlaced.insert(d.tenants.begin(), d.tenants.end());
        targets.emplace_back(&d, *to);
    }
    for (const auto& p : inst.placed)
        for (const auto& t : p.tenants)
            if (!backupPlaced.count(t))
                throw BackupError("the target configuration gives tenant " + t + " a database of its own, but the backup holds its data in " +
                                  "the main database: restore without that placement, then move the tenant");

    // Every byte of the backup before anything of the target is touched.
    verify(folder, m);

    // The target: empty databases, and a data dir without the backup's files, unless told to replace them.
    std::vector<bool> empty;
    for (const auto& [d, to] : targets) {
        empty.push_back(to.isEmpty());
        if (!empty.back() && !force)
            throw BackupError(std::string(d->name == "main" ? "the target database" : "the target database of tenant " + d->name) +
                              " is not empty: restore into a new database, or give --force to replace what it holds");
    }
    std::string clashes;
    int clashCount = 0;
    for (const auto& f : m.files) {
        fs::path target;
        if (f.kind == "secret-key") target = inst.secretKeyPath;
        else if (f.kind == "data") target = fs::path(inst.dataDir) / f.path.substr(5);
        else continue;
        if (!fs::exists(target, ec)) continue;
        if (++clashCount <= 5) clashes += "\n  " + target.string();
    }
    if (clashCount > 0 && !force)
        throw BackupError("the data dir already holds " + std::to_string(clashCount) +
                          " of the backup's files: give an empty data dir, or --force to overwrite them:" + clashes);

    // Stage the files next to their places, restore the database whole, then put the files in place.
    fs::create_directories(inst.dataDir, ec);
    if (ec) throw BackupError("cannot create the data dir " + inst.dataDir + ": " + ec.message());
    Staging staging(inst.dataDir, inst.secretKeyPath);
    for (const auto& f : m.files)
        if (f.kind != "database") staging.stage(folder / f.path, f);
    // Each database whole (SQLite: a verified copy renamed over the target; PostgreSQL: one transaction), the
    // placed tenants' first and the main one last: a failure on the way leaves the main database and the files
    // as they were (and says which tenants' databases were restored already).
    std::vector<std::string> restored;
    for (const bool mainPass : {false, true})
        for (std::size_t i = 0; i < targets.size(); ++i) {
            const auto& [d, to] = targets[i];
            if ((d->name == "main") != mainPass) continue;
            try {
                restoreDatabase(folder, *d, *m.find(d->file), to, !empty[i]);
            } catch (const BackupError& e) {
                if (restored.empty()) throw;
                throw BackupError(std::string(e.what()) + " (the databases of " + joined(restored) + " were restored already)");
            }
            restored.insert(restored.end(), d->tenants.begin(), d->tenants.end());
        }
    summary.files = staging.commit();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

} // namespace kabinet::backup
