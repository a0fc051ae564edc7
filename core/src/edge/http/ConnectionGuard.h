#pragma once
/// Guards kabinetd's workers against slow and greedy clients. Every connection is watched from accept to
/// close: its request head must arrive whole within a deadline, its body within another; a client address
/// may hold a bounded number of connections; and when a new connection arrives while no worker would be
/// free, the connection that has waited longest for a request head (or idled longest on keep-alive) is cut,
/// so a new client always finds a worker. A watchdog thread enforces the deadlines by shutting sockets down.
/// Connections from a trusted reverse proxy carry many clients: they are not counted against the proxy's
/// address; each request on them counts, while it runs, against the client it is forwarded for instead.
#include "http/TrustedProxies.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <chrono>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace kabinet {

/// The limits the guard enforces.
struct ConnectionLimits {
    std::chrono::seconds head{10};      ///< a request head (line and headers) must arrive whole within this
    std::chrono::seconds body{30};      ///< a request body must arrive whole within this, once the head is in
    std::chrono::seconds keepAlive{5};  ///< idle time allowed between requests on one connection
    unsigned perAddress = 64;           ///< connections at once from one client address
    unsigned workers = 16;              ///< worker threads of the server (one per live connection)
    TrustedProxies proxies;             ///< peers whose connections count against the forwarded client, per request
};

class ConnectionGuard {
public:
    /// Starts the watchdog thread.
    explicit ConnectionGuard(ConnectionLimits limits);
    /// Stops the watchdog thread; every guarded connection must have ended.
    ~ConnectionGuard();
    ConnectionGuard(const ConnectionGuard&) = delete;
    ConnectionGuard& operator=(const ConnectionGuard&) = delete;

    /// The filter to install with TCPServer::setConnectionFilter: refuses a connection over the per-address
    /// cap and, when no worker would be free for it, cuts the longest-waiting idle connection.
    Poco::Net::TCPServerConnectionFilter::Ptr filter();
    /// A connection factory that runs POCO's HTTP connection under the guard's watch.
    Poco::Net::TCPServerConnectionFactory::Ptr factory(Poco::Net::HTTPServerParams::Ptr params,
                                                       Poco::Net::HTTPRequestHandlerFactory::Ptr handlers);

    /// Called by the request handler (on the connection's thread): the head is in, the body follows.
    static void bodyStarts() noexcept;
    /// The body is in; the request is being handled (no deadline).
    static void handlingStarts() noexcept;
    /// The answer is sent; the connection idles until the next request head.
    static void requestDone() noexcept;
    /// True when the watchdog has cut the current thread's connection (its deadline passed).
    static bool cutOff() noexcept;
    /// Called by the request handler once the client of a request is known: on a connection from a trusted
    /// proxy, counts the request against `client` until requestDone(); false (nothing counted) when that
    /// client already has as many requests or connections as the per-address cap allows. Always true on a
    /// direct connection (counted when accepted).
    static bool attribute(const std::string& client) noexcept;

private:
    enum class Phase { Head, Body, Handling };
    struct Conn {
        int fd = -1;             ///< a duplicate of the socket's descriptor, owned by the guard until unregistered
        std::string address;     ///< the peer's address; empty for a trusted proxy (not counted)
        std::string client;      ///< behind a trusted proxy: the client the running request counts against
        Phase phase = Phase::Head;
        std::chrono::steady_clock::time_point since, deadline;
        bool cut = false;
    };
    class Filter;
    class Connection;
    class Factory;

    void accepted(int fd, const std::string& address, bool& ok);
    void enter(Conn& c, int socketFd);
    void leave(Conn& c);
    void mark(Phase phase) noexcept;
    bool attributeLocked(Conn& c, const std::string& client);
    void releaseLocked(const std::string& address);
    void shutdownLocked(Conn& c);
    void makeRoomLocked(std::chrono::steady_clock::time_point now);
    void watch();

    ConnectionLimits limits_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::map<std::string, unsigned> perAddress_; ///< live connections (queued or running) by client address
    std::map<int, std::string> queued_;          ///< accepted, not yet picked up by a worker: socket fd → address
    std::list<Conn*> running_;
    std::thread watchdog_;
};

} // namespace kabinet
