#include "KabinetdProcess.h"

#include <atomic>

#include "AnswerShapes.h"
#include "TestContext.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace kabinet::test {

HttpResult http(unsigned short port, const std::string& method, const std::string& path, const std::string& body,
                const std::map<std::string, std::string>& headers) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
        if (!req.has("Content-Type")) req.setContentType("application/json");
        req.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    auto& out = session.sendRequest(req);
    out << body;
    Poco::Net::HTTPResponse resp;
    auto& in = session.receiveResponse(resp);
    HttpResult r;
    r.status = resp.getStatus();
    Poco::StreamCopier::copyToString(in, r.body);
    for (const auto& [k, v] : resp) r.headers[k] = v;
    checkAnswer(method, path, r);
    return r;
}

std::string rawRequest(unsigned short port, const std::string& bytes) {
    Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", port));
    sock.setReceiveTimeout(Poco::Timespan(5, 0));
    try {
        sock.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    } catch (const std::exception&) {
    }
    std::string answer;
    char buf[4096];
    try {
        int n;
        while ((n = sock.receiveBytes(buf, sizeof buf)) > 0) answer.append(buf, static_cast<std::size_t>(n));
    } catch (const std::exception&) {
    }
    return answer;
}

namespace {
int spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env, int outFd) {
    std::vector<std::string> envStrings;
    for (char** e = environ; *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos && env.count(kv.substr(0, eq))) continue;
        envStrings.push_back(kv);
    }
    for (const auto& [k, v] : env) envStrings.push_back(k + "=" + v);
    std::vector<char*> cargv, cenv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    for (const auto& e : envStrings) cenv.push_back(const_cast<char*>(e.c_str()));
    cenv.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        if (outFd >= 0) {
            dup2(outFd, STDOUT_FILENO);
            dup2(outFd, STDERR_FILENO);
        }
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, STDIN_FILENO);
        execve(cargv[0], cargv.data(), cenv.data());
        _exit(127);
    }
    return pid;
}
} // namespace

int runProgram(const std::vector<std::string>& argv, std::string& output, const std::map<std::string, std::string>& env) {
    const std::string file = tempDir("out") + "/out.txt";
    int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int pid = spawn(argv, env, fd);
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    std::ifstream in(file);
    std::ostringstream ss;
    ss << in.rdbuf();
    output = ss.str();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

KabinetdProcess::KabinetdProcess(const std::string& databaseUrl, std::vector<std::string> extraArgs,
                                 std::map<std::string, std::string> env) {
    port_ = freePort();
    auto has = [&](const std::string& opt) {
        for (const auto& a : extraArgs) if (a == opt) return true;
        return false;
    };
    // Without a trailing slash, as packaging/run.sh gives it. A --data-dir among the extra options (a restored
    // one) is taken instead of a fresh folder.
    std::string dataDir;
    for (std::size_t i = 0; i + 1 < extraArgs.size(); ++i)
        if (extraArgs[i] == "--data-dir") {
            dataDir = extraArgs[i + 1];
            extraArgs.erase(extraArgs.begin() + static_cast<long>(i), extraArgs.begin() + static_cast<long>(i) + 2);
            break;
        }
    if (dataDir.empty()) dataDir = tempDir("data");
    while (dataDir.size() > 1 && dataDir.back() == '/') dataDir.pop_back();
    dataDir_ = dataDir;
    logFile_ = dataDir + "/kabinetd.log";
    std::vector<std::string> argv = {binaryDir() + "/core/kabinetd",
                                     "--listen", "127.0.0.1:" + std::to_string(port_),
                                     "--database", databaseUrl,
                                     "--data-dir", dataDir,
                                     "--log-level", "debug"};
    if (!has("--tenants")) argv.insert(argv.end(), {"--tenants", sourceDir() + "/tenants"});
    if (!has("--scripts")) argv.insert(argv.end(), {"--scripts", sourceDir() + "/scripts"});
    if (!has("--portal")) argv.insert(argv.end(), {"--portal", sourceDir() + "/portal"});
    if (!has("--plugins")) argv.insert(argv.end(), {"--plugins", binaryDir() + "/plugins-out"});
    argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
    int fd = open(logFile_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_ = spawn(argv, env, fd);
    close(fd);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return; // exited: the test inspects logs()
        try {
            auto r = http(port_, "GET", "/healthz");
            if (r.status == 200 || r.status == 503) return;
        } catch (const std::exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("kabinetd did not answer within 20 s; log:\n" + logs());
}

KabinetdProcess::~KabinetdProcess() {
    if (!running() && !terminated_) {
        // It died on its own: show why.
        const std::string l = logs();
        auto from = l.size() > 6000 ? l.find('\n', l.size() - 6000) : 0;
        std::fprintf(stderr, "kabinetd exited with %d; its last log lines:\n%s\n", exitCode_, l.substr(from == std::string::npos ? 0 : from).c_str());
    }
    if (running()) {
        kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
}

bool KabinetdProcess::running() {
    if (exited_) return false;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        exited_ = true;
        exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return false;
    }
    return true;
}

int KabinetdProcess::terminate(int seconds) {
    terminated_ = true;
    if (!running()) return exitCode_;
    kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!running()) return exitCode_;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

std::string KabinetdProcess::logs() const {
    std::ifstream in(logFile_);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::map<std::string, std::string> adminSession(KabinetdProcess& s, const std::string& dbUrl, const std::string& tenant) {
    static std::atomic<int> n{0};
    const std::string email = "admin" + std::to_string(++n) + "-" + std::to_string(::getpid()) + "@" + tenant + ".example";
    std::string out;
    if (runProgram({binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", tenant, "--email", email, "--database", dbUrl,
                    "--tenants", sourceDir() + "/tenants", "--scripts", sourceDir() + "/scripts"},
                   out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) != 0)
        throw std::runtime_error("create-admin failed: " + out);
    auto r = s.request("POST", "/t/" + tenant + "/api/v1/session", R"({"login":")" + email + R"(","password":"Admin-Password-9"})");
    const std::string cookie = r.headers["Set-Cookie"];
    return {{"Cookie", cookie.substr(0, cookie.find(';'))}};
}

} // namespace kabinet::test
