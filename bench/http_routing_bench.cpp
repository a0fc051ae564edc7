// Trivial routed request through all of Kabinet's middleware (request id, body limit, tenant resolution,
// routing, error model, metrics, access log) against a bare POCO HTTPServer answering a fixed JSON body,
// both in this process, loaded the same way. Prints requests/s of each and the ratio (target ≥ 0.8).
#include "config/Config.h"
#include "api/Routes.h"
#include "http/HttpServer.h"
#include "server/Services.h"
#include "util/Log.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

struct Bare final : Poco::Net::HTTPRequestHandler {
    void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& resp) override {
        static const std::string body = R"({"status":"ok"})";
        resp.setContentType("application/json");
        resp.setContentLength(static_cast<std::streamsize>(body.size()));
        resp.sendBuffer(body.data(), body.size());
    }
};
struct BareFactory final : Poco::Net::HTTPRequestHandlerFactory {
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Bare; }
};

/// Runs `clients` keep-alive clients against the path for `seconds`; returns requests per second.
double load(unsigned short port, const std::string& path, int clients, double seconds) {
    std::atomic<long> total{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&] {
            Poco::Net::HTTPClientSession s("127.0.0.1", port);
            s.setKeepAlive(true);
            long n = 0;
            std::string body;
            while (!stop.load(std::memory_order_relaxed)) {
                Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
                req.setKeepAlive(true);
                s.sendRequest(req);
                Poco::Net::HTTPResponse resp;
                auto& in = s.receiveResponse(resp);
                body.clear();
                Poco::StreamCopier::copyToString(in, body);
                if (resp.getStatus() != 200) std::abort();
                ++n;
            }
            total += n;
        });
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& t : threads) t.join();
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return static_cast<double>(total.load()) / elapsed;
}

} // namespace

int main() {
    using namespace kabinet;
    const int clients = 4;
    const double seconds = 3.0;
    // Kabinet, with the five seed tenants and a SQLite database in a temporary directory.
    Poco::TemporaryFile dir;
    dir.createDirectories();
    std::map<std::string, std::string> opts = {{"listen", "127.0.0.1:0"}, {"data-dir", dir.path()},
                                               {"tenants", std::string(KABINET_SOURCE_DIR) + "/tenants"},
                                               {"scripts", std::string(KABINET_SOURCE_DIR) + "/scripts"},
                                               {"plugins", dir.path() + "/none"}, {"log-level", "warn"}};
    auto services = Services::start(Config::resolve(opts));
    Router router;
    registerAllRoutes(router, *services);
    HttpServer kabinet(services->httpContext(), std::move(router));
    kabinet.start();
    // Bare POCO with the same thread settings.
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(static_cast<int>(services->config.threads));
    params->setKeepAlive(true);
    Poco::ThreadPool pool(2, static_cast<int>(services->config.threads));
    Poco::Net::HTTPServer bare(new BareFactory, pool, socket, params);
    bare.start();

    load(bare.port(), "/", clients, 0.5); // warm-up
    load(kabinet.port(), "/t/voek/api/v1/tenant", clients, 0.5);
    double bareRps = load(bare.port(), "/", clients, seconds);
    double kabRps = load(kabinet.port(), "/t/voek/api/v1/tenant", clients, seconds);
    std::printf("bench http routing (%d keep-alive clients, %.0f s each)\n", clients, seconds);
    std::printf("  bare POCO HTTPServer, fixed JSON:           %10.0f req/s\n", bareRps);
    std::printf("  kabinetd GET /t/voek/api/v1/tenant:          %10.0f req/s\n", kabRps);
    std::printf("  ratio kabinet/bare:                          %10.2f (target >= 0.80)\n", kabRps / bareRps);
    bare.stopAll(true);
    pool.joinAll();
    kabinet.stop(1);
    return 0;
}
