#include "backup/Restore.h"

#include "backup/BackupError.h"
#include "backup/FileDigest.h"
#include "backup/Installation.h"
#include "backup/PgTools.h"
#include "backup/SqliteFiles.h"
#include "config/Config.h"
#include "storage/Migrations.h"

#include <chrono>
#include <filesystem>
#include <fstream>
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
    for (const auto& d : m.databases)
        if (d.name != "main")
            throw BackupError("the backup holds the database of tenant " + d.name + " on its own; this kabinet restores the main database only");
    const ManifestDatabase& main = m.databases.front();
    const std::string wantExt = inst.backend == Backend::SQLite ? ".sqlite" : ".pgdump";
    if (main.file.size() < wantExt.size() || main.file.compare(main.file.size() - wantExt.size(), wantExt.size(), wantExt) != 0)
        throw BackupError("manifest.json: the main database file " + main.file + " is not a " + m.backend + " backup");

    // Every byte of the backup before anything of the target is touched.
    verify(folder, m);

    // The target: an empty database, and a data dir without the backup's files, unless told to replace them.
    const bool emptyDatabase = inst.databaseIsEmpty();
    if (!emptyDatabase && !force)
        throw BackupError("the target database is not empty: restore into a new database, or give --force to replace what it holds");
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
    const ManifestFile* dbFile = m.find(main.file);
    if (inst.backend == Backend::SQLite) {
        fs::create_directories(fs::path(inst.sqlitePath).parent_path(), ec);
        const std::string fresh = inst.sqlitePath + ".restore-tmp";
        try {
            if (copyFile((folder / main.file).string(), fresh).sha256 != dbFile->sha256)
                throw BackupError(main.file + " changed while it was restored; nothing was restored");
            checkSqlite(fresh);
            if (sqliteSchemaVersion(fresh) != main.schemaVersion)
                throw BackupError(main.file + " is not at the schema version the manifest says; nothing was restored");
        } catch (...) {
            fs::remove(fresh, ec);
            throw;
        }
        replaceSqlite(fresh, inst.sqlitePath);
    } else {
        pgRestore((folder / main.file).string(), PgConnection::fromUrl(inst.databaseUrl), !emptyDatabase);
    }
    summary.files = staging.commit();
    summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

} // namespace kabinet::backup
