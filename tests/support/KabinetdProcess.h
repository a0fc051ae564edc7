#pragma once
/// Runs kabinetd as a real child process for HTTP tests, and a small HTTP client to talk to it.
#include <map>
#include <string>
#include <vector>

namespace kabinet::test {

/// An HTTP answer.
struct HttpResult {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;
};

/// Sends one request to 127.0.0.1:port. Headers are name → value.
HttpResult http(unsigned short port, const std::string& method, const std::string& path, const std::string& body = "",
                const std::map<std::string, std::string>& headers = {});

/// Writes raw bytes to 127.0.0.1:port and returns everything the server answers until it closes the
/// connection or 5 s pass. Write errors (the server may close early) are ignored.
std::string rawRequest(unsigned short port, const std::string& bytes);

class KabinetdProcess {
public:
    /// Starts kabinetd with these extra options on a free port with a fresh data dir (or the one a `--data-dir`
    /// among the extra options names); waits until /healthz
    /// answers (at most 20 s) or the process exits. Defaults: the project's tenants, scripts, portal and
    /// the build's plugins.
    explicit KabinetdProcess(const std::string& databaseUrl, std::vector<std::string> extraArgs = {},
                             std::map<std::string, std::string> env = {});
    ~KabinetdProcess();
    KabinetdProcess(const KabinetdProcess&) = delete;
    KabinetdProcess& operator=(const KabinetdProcess&) = delete;

    unsigned short port() const noexcept { return port_; }
    int pid() const noexcept { return pid_; }
    /// The server's --data-dir (no trailing slash).
    const std::string& dataDir() const noexcept { return dataDir_; }
    bool running();
    /// Sends SIGTERM and waits for exit (at most `seconds`); returns the exit code (-1 on timeout).
    int terminate(int seconds = 15);
    /// Everything the process wrote to stderr so far (its JSON log lines).
    std::string logs() const;
    /// Convenience: http() against this process.
    HttpResult request(const std::string& method, const std::string& path, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {}) const {
        return http(port_, method, path, body, headers);
    }

private:
    unsigned short port_ = 0;
    int pid_ = -1;
    int exitCode_ = -1;
    bool exited_ = false;
    bool terminated_ = false;
    std::string logFile_;
    std::string dataDir_;
};

/// Starts a program with arguments; returns its exit code and what it printed (stdout+stderr).
int runProgram(const std::vector<std::string>& argv, std::string& output, const std::map<std::string, std::string>& env = {});

/// Creates a tenant administrator with the `kabinet` CLI (a new e-mail each call), logs in at `server` and
/// returns the Cookie header of the session.
std::map<std::string, std::string> adminSession(KabinetdProcess& server, const std::string& dbUrl, const std::string& tenant);

} // namespace kabinet::test
