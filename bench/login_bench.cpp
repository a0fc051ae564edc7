// Password logins per second over HTTP (POST /t/vges/api/v1/session, all of Kabinet's middleware, the
// tenant's Lua login rules, the database, the session insert) beside raw Argon2id verifications per second at
// the same parameters and the same concurrency, in one run. Prints both and the ratio (target ≥ 0.9).
#include "config/Config.h"
#include "api/Routes.h"
#include "http/HttpServer.h"
#include "identity/PasswordHasher.h"
#include "server/Services.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

#include <atomic>
#include <memory>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

using namespace kabinet;

namespace {
template <class Work>
double perSecond(int threads, double seconds, Work work) {
    std::atomic<long> total{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        pool.emplace_back([&, i] {
            long n = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                work(i);
                ++n;
            }
            total += n;
        });
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : pool) t.join();
    return static_cast<double>(total) / std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

int main() {
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const double seconds = 5.0;
    Poco::TemporaryFile dir;
    dir.createDirectories();
    std::map<std::string, std::string> opts = {{"listen", "127.0.0.1:0"}, {"data-dir", dir.path()},
                                               {"tenants", std::string(KABINET_SOURCE_DIR) + "/tenants"},
                                               {"scripts", std::string(KABINET_SOURCE_DIR) + "/scripts"},
                                               {"plugins", dir.path() + "/none"}, {"log-level", "warn"}};
    auto services = Services::start(Config::resolve(opts));
    Router router;
    registerAllRoutes(router, *services);
    HttpServer http(services->httpContext(), std::move(router));
    http.start();
    // One consumer per client thread.
    auto tenant = services->tenants->find("vges");
    for (int i = 0; i < threads; ++i)
        services->identity->createStaff(*tenant, "operator", "bench" + std::to_string(i) + "@vges.example", "Бенч",
                                        "Bench-Password-1");
    const unsigned short port = http.port();
    // Each client keeps its connection open, as a browser does.
    std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> sessions;
    for (int i = 0; i < threads; ++i) sessions.push_back(std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port));
    auto login = [&sessions](int i) {
        Poco::Net::HTTPClientSession& s = *sessions[static_cast<std::size_t>(i)];
        s.setKeepAlive(true);
        const std::string body = R"({"login":"bench)" + std::to_string(i) + R"(@vges.example","password":"Bench-Password-1"})";
        Poco::Net::HTTPRequest req("POST", "/t/vges/api/v1/session", Poco::Net::HTTPMessage::HTTP_1_1);
        req.setKeepAlive(true);
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
        s.sendRequest(req) << body;
        Poco::Net::HTTPResponse resp;
        std::string out;
        Poco::StreamCopier::copyToString(s.receiveResponse(resp), out);
        if (resp.getStatus() != 200) {
            std::fprintf(stderr, "login failed: %d %s\n", resp.getStatus(), out.c_str());
            std::abort();
        }
    };
    login(0); // warm-up
    const double logins = perSecond(threads, seconds, login);
    // Raw Argon2id at the same parameters, same concurrency, no HTTP, no database.
    PasswordHasher raw(services->hasher->params(), static_cast<unsigned>(threads));
    const std::string phc = raw.hash("Bench-Password-1");
    const double hashes = perSecond(threads, seconds, [&](int) {
        if (!raw.verify("Bench-Password-1", phc)) std::abort();
    });
    const auto& p = services->hasher->params();
    std::printf("bench login (%d clients, %.0f s each; Argon2id m=%u KiB t=%u p=%u)\n", threads, seconds, p.memoryKiB, p.iterations,
                p.parallelism);
    std::printf("  raw Argon2id verifications:        %8.1f /s\n", hashes);
    std::printf("  HTTP logins (POST session):        %8.1f /s\n", logins);
    std::printf("  ratio logins/hashes:               %8.2f (target >= 0.90)\n", logins / hashes);
    http.stop(1);
    return 0;
}
