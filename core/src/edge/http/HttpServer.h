#pragma once
/// kabinetd's HTTP front: a POCO HTTPServer whose one handler runs every request through the same
/// middleware — connection guard (deadlines, per-address cap, a free worker), framing checks, request id, body limit, tenant resolution (path prefix /t/{tenant} or Host header),
/// routing, the error model, access log and metrics. No request can crash the server: every exception is
/// answered as a JSON error.
#include "config/Config.h"
#include "http/ConnectionGuard.h"
#include "http/Metrics.h"
#include "http/Router.h"
#include "http/TrustedProxies.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <functional>
#include <memory>

namespace kabinet {

class TenantRegistry;

/// What the front needs of the rest of the server; every part outlives the HttpServer.
struct HttpContext {
    const Config& config;     ///< listen address, threads, deadlines, body limit, portal folder
    TenantRegistry& tenants;  ///< resolves /t/{tenant} and Host headers
    Metrics& metrics;         ///< counts every answered request
    /// The session a cookie token stands for in a tenant, or null when it is not a valid one.
    std::function<std::shared_ptr<SessionInfo>(Tenant&, const std::string&)> resolveSession;
    /// Runs before the handler of every tenant-scoped API route (after the session is resolved for a route that
    /// needs one); throws an Error (429 of a tenant limit) to refuse the request. Empty: nothing is limited.
    std::function<void(const Request&)> admit;
};

class HttpServer {
public:
    /// Binds the listen address of the configuration; `router` holds every route the server answers. Throws
    /// ConfigError when --trusted-proxies is not a list of addresses and ranges.
    HttpServer(HttpContext context, Router router);
    ~HttpServer();
    /// Starts accepting connections.
    void start();
    /// Stops accepting, lets requests in flight finish (bounded by `graceSeconds`), then returns.
    void stop(int graceSeconds = 10);
    /// The bound port (useful with port 0).
    unsigned short port() const;
    /// The router, for registering more routes before start().
    Router& router() noexcept { return router_; }

    /// Handles one request end to end (public for the handler class).
    void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp);

private:
    /// Resolves the session of a request to a route that needs one, checks the role and, for writes, the
    /// CSRF token. Throws 401/403.
    void authorize(Poco::Net::HTTPServerRequest& req, Request& r, const Route& route);
    /// The body limit of the route a request goes to: its RouteSpec's maxBody, else --max-body.
    std::size_t bodyLimit(const Poco::Net::HTTPServerRequest& req, const std::string& fullPath) const;
    HttpContext s_;
    TrustedProxies proxies_; ///< --trusted-proxies: whose X-Forwarded-For/-Proto are believed
    Router router_;
    Poco::ThreadPool pool_;
    std::unique_ptr<ConnectionGuard> guard_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
    std::unique_ptr<Poco::Net::TCPServer> server_;
};

} // namespace kabinet
