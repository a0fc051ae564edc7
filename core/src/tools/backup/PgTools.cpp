#include "backup/PgTools.h"

#include "backup/BackupError.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <csignal>
#include <memory>
#include <stdexcept>
#include <vector>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace kabinet::backup {

namespace {

/// Reads everything a child writes to a pipe, on its own thread (so a chatty child never blocks on it).
class Drain {
public:
    explicit Drain(Poco::Pipe& p) : thread_([this, &p] {
        Poco::PipeInputStream in(p);
        Poco::StreamCopier::copyToString(in, text_);
    }) {}
    ~Drain() {
        if (thread_.joinable()) thread_.join();
    }
    std::string text() {
        if (thread_.joinable()) thread_.join();
        while (!text_.empty() && (text_.back() == '\n' || text_.back() == ' ')) text_.pop_back();
        return text_;
    }

private:
    std::string text_;
    std::thread thread_;
};

Poco::Process::Env environment(const PgConnection& db) {
    Poco::Process::Env env;
    if (!db.password.empty()) env["PGPASSWORD"] = db.password;
    if (db.url.find("connect_timeout=") == std::string::npos) env["PGCONNECT_TIMEOUT"] = "10";
    env["PGAPPNAME"] = "kabinet-backup";
    return env;
}

} // namespace

PgConnection PgConnection::fromUrl(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos || (url.substr(0, scheme) != "postgresql" && url.substr(0, scheme) != "postgres"))
        throw BackupError("not a postgresql:// database URL");
    const auto authorityStart = scheme + 3;
    auto authorityEnd = url.find_first_of("/?#", authorityStart);
    if (authorityEnd == std::string::npos) authorityEnd = url.size();
    std::string authority = url.substr(authorityStart, authorityEnd - authorityStart);
    PgConnection c;
    const auto at = authority.rfind('@');
    if (at != std::string::npos) {
        std::string userInfo = authority.substr(0, at);
        const auto colon = userInfo.find(':');
        if (colon != std::string::npos) {
            Poco::URI::decode(userInfo.substr(colon + 1), c.password);
            userInfo = userInfo.substr(0, colon);
        }
        authority = userInfo + "@" + authority.substr(at + 1);
    }
    c.url = "postgresql://" + authority + url.substr(authorityEnd);
    return c;
}

std::string findPgProgram(const std::string& name) {
    namespace fs = std::filesystem;
    if (const char* path = std::getenv("PATH")) {
        std::string dirs = path;
        std::size_t start = 0;
        while (start <= dirs.size()) {
            const auto end = std::min(dirs.find(':', start), dirs.size());
            const std::string dir = dirs.substr(start, end - start);
            start = end + 1;
            if (dir.empty()) continue;
            const std::string candidate = dir + "/" + name;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        }
    }
    std::vector<std::pair<int, std::string>> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        const std::string candidate = entry.path().string() + "/bin/" + name;
        if (::access(candidate.c_str(), X_OK) != 0) continue;
        found.push_back({std::atoi(entry.path().filename().c_str()), candidate});
    }
    if (found.empty())
        throw BackupError(name + " was not found in PATH or /usr/lib/postgresql/*/bin (install the package postgresql-client)");
    std::sort(found.begin(), found.end());
    return found.back().second;
}

void pgDump(const PgConnection& db, const std::string& file) {
    const std::string program = findPgProgram("pg_dump");
    Poco::Pipe err;
    Poco::Process::Args args = {"--format=custom", "--no-password", "--file=" + file, "--dbname=" + db.url};
    auto handle = Poco::Process::launch(program, args, nullptr, nullptr, &err, environment(db));
    Drain drain(err);
    const int rc = handle.wait();
    const std::string message = drain.text();
    if (rc != 0) {
        std::remove(file.c_str());
        throw BackupError("pg_dump failed (exit " + std::to_string(rc) + "): " + (message.empty() ? "no message" : message));
    }
}

void pgRestore(const std::string& dumpFile, const PgConnection& db, bool clearFirst) {
    const std::string restoreProgram = findPgProgram("pg_restore");
    const std::string psqlProgram = findPgProgram("psql");
    // A psql that stops at an error closes its input: writing to it must fail, not kill this process.
    std::signal(SIGPIPE, SIG_IGN);
    Poco::Pipe script, toPsql, restoreErr, psqlErr, psqlOut;
    // pg_restore writes the SQL script; this process passes it on to psql between BEGIN and a COMMIT that is
    // sent only once pg_restore has finished well — a pg_restore that dies midway leaves psql without a COMMIT,
    // and the server rolls everything back.
    Poco::Process::Args restoreArgs = {"--no-owner", "--no-privileges", "--file=-", dumpFile};
    auto restore = Poco::Process::launch(restoreProgram, restoreArgs, nullptr, &script, &restoreErr, environment(db));
    Drain restoreMessages(restoreErr);
    Poco::Process::Args psqlArgs = {"--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1", "--dbname=" + db.url};
    std::unique_ptr<Poco::ProcessHandle> psql;
    try {
        psql = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(psqlProgram, psqlArgs, &toPsql, &psqlOut, &psqlErr, environment(db)));
    } catch (...) {
        script.close();
        Poco::Process::kill(restore);
        restore.wait();
        throw;
    }
    Drain psqlMessages(psqlErr), psqlOutput(psqlOut);
    auto send = [&](const char* data, int n) {
        for (int done = 0; done < n;) {
            const int w = toPsql.writeBytes(data + done, n - done);
            if (w <= 0) throw std::runtime_error("psql closed its input");
            done += w;
        }
    };
    bool psqlGone = false;
    try {
        const std::string begin = std::string("BEGIN;\n") + (clearFirst ? "DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n" : "");
        send(begin.data(), static_cast<int>(begin.size()));
        std::vector<char> buf(1 << 16);
        for (;;) {
            const int n = script.readBytes(buf.data(), static_cast<int>(buf.size()));
            if (n <= 0) break;
            send(buf.data(), n);
        }
    } catch (const std::exception&) {
        psqlGone = true;
    }
    script.close();
    if (psqlGone) Poco::Process::kill(restore); // it may be blocked writing to a pipe nobody reads now
    const int restoreRc = restore.wait();
    bool committed = false;
    if (!psqlGone && restoreRc == 0) {
        try {
            send("COMMIT;\n", 8);
            committed = true;
        } catch (const std::exception&) {
        }
    }
    toPsql.close();
    const int psqlRc = psql->wait();
    const std::string psqlText = psqlMessages.text(), restoreText = restoreMessages.text();
    psqlOutput.text();
    if (psqlRc != 0)
        throw BackupError("psql refused the restore (exit " + std::to_string(psqlRc) + "; nothing of it was committed): " +
                          (psqlText.empty() ? "no message" : psqlText));
    if (restoreRc != 0)
        throw BackupError("pg_restore failed (exit " + std::to_string(restoreRc) + "; nothing of it was committed): " +
                          (restoreText.empty() ? "no message" : restoreText));
    if (!committed) throw BackupError("the restore was cut short (nothing of it was committed): " + psqlText);
}

} // namespace kabinet::backup
