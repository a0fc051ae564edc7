#include "http/ConnectionGuard.h"

#include "util/Log.h"

#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/TCPServerConnection.h>

#include <csignal>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kabinet {

namespace {
using Clock = std::chrono::steady_clock;
/// How long a connection waits for its request head before it may be cut for a new client: a real client
/// sends its request at once, so only slow clients and idle keep-alives are ever cut.
constexpr auto kEvictionGrace = std::chrono::milliseconds(250);
} // namespace

/// What the request handler on this thread marks its phases on (set while a guarded connection runs here).
struct GuardSlot {
    ConnectionGuard* guard = nullptr;
    void* conn = nullptr;
};
static thread_local GuardSlot tlsSlot;

class ConnectionGuard::Filter final : public Poco::Net::TCPServerConnectionFilter {
public:
    explicit Filter(ConnectionGuard& g) : g_(g) {}
    bool accept(const Poco::Net::StreamSocket& socket) override {
        std::string address;
        try {
            address = socket.peerAddress().host().toString();
        } catch (const std::exception&) {
            return false; // the client is already gone
        }
        bool ok = false;
        g_.accepted(static_cast<int>(socket.impl()->sockfd()), address, ok);
        return ok;
    }
private:
    ConnectionGuard& g_;
};

class ConnectionGuard::Connection final : public Poco::Net::TCPServerConnection {
public:
    Connection(ConnectionGuard& g, const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
               Poco::Net::HTTPRequestHandlerFactory::Ptr handlers)
        : Poco::Net::TCPServerConnection(socket), g_(g), params_(std::move(params)), handlers_(std::move(handlers)) {}
    void run() override {
        Conn c;
        g_.enter(c, static_cast<int>(socket().impl()->sockfd()));
        tlsSlot = {&g_, &c};
        try {
            Poco::Net::HTTPServerConnection http(socket(), params_, handlers_);
            http.run();
        } catch (...) {
            // A connection cut off or reset by the client: nothing to answer.
        }
        tlsSlot = {};
        g_.leave(c); // before the socket object is destroyed, so the watchdog never sees a closed descriptor
    }
private:
    ConnectionGuard& g_;
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
};

class ConnectionGuard::Factory final : public Poco::Net::TCPServerConnectionFactory {
public:
    Factory(ConnectionGuard& g, Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers)
        : g_(g), params_(std::move(params)), handlers_(std::move(handlers)) {}
    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override {
        return new Connection(g_, socket, params_, handlers_);
    }
private:
    ConnectionGuard& g_;
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr handlers_;
};

ConnectionGuard::ConnectionGuard(ConnectionLimits limits) : limits_(limits) {
    // The watchdog takes no process signals (SIGTERM is the server's to wait for, as in POCO's own threads):
    // it starts with every signal blocked.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    watchdog_ = std::thread([this] { watch(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

ConnectionGuard::~ConnectionGuard() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    watchdog_.join();
}

Poco::Net::TCPServerConnectionFilter::Ptr ConnectionGuard::filter() { return new Filter(*this); }

Poco::Net::TCPServerConnectionFactory::Ptr ConnectionGuard::factory(Poco::Net::HTTPServerParams::Ptr params,
                                                                     Poco::Net::HTTPRequestHandlerFactory::Ptr handlers) {
    return new Factory(*this, std::move(params), std::move(handlers));
}

void ConnectionGuard::accepted(int fd, const std::string& address, bool& ok) {
    std::lock_guard<std::mutex> lock(mutex_);
    // A descriptor still listed as queued belongs to a connection the server dropped unrun (its queue was full):
    // its descriptor has been reused, so forget the old one.
    if (auto stale = queued_.find(fd); stale != queued_.end()) {
        releaseLocked(stale->second);
        queued_.erase(stale);
    }
    if (limits_.proxies.trusts(address)) {
        // A reverse proxy's connections carry many clients: each request counts against its own (attribute()).
        queued_[fd] = "";
        ok = true;
        makeRoomLocked(Clock::now());
        return;
    }
    unsigned& mine = perAddress_[address];
    if (mine >= limits_.perAddress) {
        log::debug("connection refused: too many from one address");
        ok = false;
        return;
    }
    ++mine;
    queued_[fd] = address;
    ok = true;
    makeRoomLocked(Clock::now());
}

void ConnectionGuard::makeRoomLocked(Clock::time_point now) {
    // Keep a worker free for new clients: while the live connections (queued ones included, those already being
    // cut not) would take every worker, cut the one that has waited longest for a request head (a slow client
    // or an idle keep-alive) — never one that got its worker a moment ago and is about to send its head.
    std::size_t live = queued_.size();
    for (const Conn* c : running_) live += c->cut ? 0 : 1;
    while (live >= limits_.workers) {
        Conn* oldest = nullptr;
        for (Conn* c : running_)
            if (c->phase == Phase::Head && !c->cut && now - c->since >= kEvictionGrace && (!oldest || c->since < oldest->since))
                oldest = c;
        if (!oldest) return;
        shutdownLocked(*oldest);
        --live;
        const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - oldest->since);
        log::debug("connection cut off for a new one", {{"waited_ms", std::to_string(waited.count())}});
    }
}

void ConnectionGuard::enter(Conn& c, int socketFd) {
    std::lock_guard<std::mutex> lock(mutex_);
    c.fd = ::dup(socketFd);
    c.since = Clock::now();
    c.deadline = c.since + limits_.head;
    if (auto it = queued_.find(socketFd); it != queued_.end()) {
        c.address = it->second;
        queued_.erase(it);
    } else {
        c.address = "?";
        ++perAddress_[c.address];
    }
    running_.push_back(&c);
}

void ConnectionGuard::leave(Conn& c) {
    std::lock_guard<std::mutex> lock(mutex_);
    running_.remove(&c);
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
    releaseLocked(c.address);
    releaseLocked(c.client);
    c.client.clear();
}

void ConnectionGuard::releaseLocked(const std::string& address) {
    if (address.empty()) return;
    if (auto it = perAddress_.find(address); it != perAddress_.end() && --it->second == 0) perAddress_.erase(it);
}

bool ConnectionGuard::attributeLocked(Conn& c, const std::string& client) {
    if (!c.address.empty()) return true; // a direct connection, counted when accepted
    if (c.client == client) return true;
    releaseLocked(c.client);
    c.client.clear();
    unsigned& mine = perAddress_[client];
    if (mine >= limits_.perAddress) {
        if (mine == 0) perAddress_.erase(client);
        return false;
    }
    ++mine;
    c.client = client;
    return true;
}

bool ConnectionGuard::attribute(const std::string& client) noexcept {
    auto* c = static_cast<Conn*>(tlsSlot.conn);
    if (!tlsSlot.guard || !c) return true;
    std::lock_guard<std::mutex> lock(tlsSlot.guard->mutex_);
    try {
        return tlsSlot.guard->attributeLocked(*c, client);
    } catch (...) {
        return true; // out of memory for the count: serve rather than refuse
    }
}

void ConnectionGuard::shutdownLocked(Conn& c) {
    c.cut = true;
    if (c.fd >= 0) ::shutdown(c.fd, SHUT_RDWR);
}

void ConnectionGuard::mark(Phase phase) noexcept {
    auto* c = static_cast<Conn*>(tlsSlot.conn);
    if (!c) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = Clock::now();
    c->phase = phase;
    c->since = now;
    switch (phase) {
    case Phase::Head:
        c->deadline = now + limits_.keepAlive + limits_.head;
        releaseLocked(c->client); // the request behind a proxy is answered: its client no longer counts
        c->client.clear();
        break;
    case Phase::Body: c->deadline = now + limits_.body; break;
    case Phase::Handling: c->deadline = Clock::time_point::max(); break;
    }
}

void ConnectionGuard::bodyStarts() noexcept {
    if (tlsSlot.guard) tlsSlot.guard->mark(Phase::Body);
}

void ConnectionGuard::handlingStarts() noexcept {
    if (tlsSlot.guard) tlsSlot.guard->mark(Phase::Handling);
}

void ConnectionGuard::requestDone() noexcept {
    if (tlsSlot.guard) tlsSlot.guard->mark(Phase::Head);
}

bool ConnectionGuard::cutOff() noexcept {
    if (!tlsSlot.guard) return false;
    std::lock_guard<std::mutex> lock(tlsSlot.guard->mutex_);
    return static_cast<Conn*>(tlsSlot.conn)->cut;
}

void ConnectionGuard::watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
        wake_.wait_for(lock, std::chrono::milliseconds(100));
        const auto now = Clock::now();
        for (Conn* c : running_) {
            if (c->cut || now < c->deadline) continue;
            shutdownLocked(*c);
            log::debug("connection cut off at its deadline", {{"phase", c->phase == Phase::Body ? "body" : "head"}});
        }
        makeRoomLocked(now); // for connections accepted while every waiting one was too fresh to cut
    }
}

} // namespace kabinet
