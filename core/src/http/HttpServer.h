#pragma once
/// kabinetd's HTTP front: a POCO HTTPServer whose one handler runs every request through the same
/// middleware — connection guard (deadlines, per-address cap, a free worker), framing checks, request id, body limit, tenant resolution (path prefix /t/{tenant} or Host header),
/// routing, the error model, access log and metrics. No request can crash the server: every exception is
/// answered as a JSON error.
#include "http/ConnectionGuard.h"
#include "http/Router.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>

namespace kabinet {

struct Services;

class HttpServer {
public:
    /// Binds the listen address of the configuration and registers all routes.
    explicit HttpServer(Services& services);
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
    Services& s_;
    Router router_;
    Poco::ThreadPool pool_;
    std::unique_ptr<ConnectionGuard> guard_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
    std::unique_ptr<Poco::Net::TCPServer> server_;
};

} // namespace kabinet
