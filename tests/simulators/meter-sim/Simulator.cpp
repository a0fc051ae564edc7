#include "Simulator.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace kabinet::sim {

namespace {
std::atomic<long long> frozenAt{0};
}

long long simNow() {
    const long long f = frozenAt.load();
    return f != 0 ? f : static_cast<long long>(std::time(nullptr));
}
void freezeTime(long long t) { frozenAt.store(t); }
void unfreezeTime() { frozenAt.store(0); }

const char* faultName(Fault fault) {
    switch (fault) {
    case Fault::None: return "none";
    case Fault::BadCrc: return "bad-crc";
    case Fault::Truncated: return "truncated";
    case Fault::Silence: return "silence";
    case Fault::Garbage: return "garbage";
    case Fault::WrongPassword: return "wrong-password";
    case Fault::SessionTimeout: return "session-timeout";
    case Fault::Malformed: return "malformed";
    }
    return "?";
}

Fault faultFromName(const std::string& name) {
    for (Fault f : {Fault::None, Fault::BadCrc, Fault::Truncated, Fault::Silence, Fault::Garbage,
                    Fault::WrongPassword, Fault::SessionTimeout, Fault::Malformed})
        if (name == faultName(f)) return f;
    throw std::invalid_argument("unknown fault '" + name + "'");
}

// ---- Meter ------------------------------------------------------------------------------------------

void Meter::setFault(FaultPlan plan) {
    std::lock_guard lock(mutex_);
    plan_ = plan;
    seen_ = 0;
}

Fault Meter::nextReplyFault() {
    std::lock_guard lock(mutex_);
    ++seen_;
    ++replies;
    const Fault k = plan_.kind;
    const bool byteFault = k == Fault::BadCrc || k == Fault::Truncated || k == Fault::Silence || k == Fault::Garbage;
    if (!byteFault || seen_ <= plan_.afterReplies || plan_.count == 0) return Fault::None;
    if (plan_.count != UINT_MAX && --plan_.count == 0) plan_.kind = Fault::None;
    ++faultsApplied;
    return k;
}

bool Meter::takeBehaviourFault(Fault kind) {
    std::lock_guard lock(mutex_);
    if (plan_.kind != kind || seen_ < plan_.afterReplies || plan_.count == 0) return false;
    if (plan_.count != UINT_MAX && --plan_.count == 0) plan_.kind = Fault::None;
    ++faultsApplied;
    return true;
}

bool Meter::takeObjectFault(Fault kind, const std::string& object) {
    std::lock_guard lock(mutex_);
    if (plan_.kind != kind || seen_ < plan_.afterReplies || plan_.count == 0) return false;
    if (!plan_.object.empty() && plan_.object != object) return false;
    if (plan_.count != UINT_MAX && --plan_.count == 0) plan_.kind = Fault::None;
    ++faultsApplied;
    return true;
}

// ---- Link -------------------------------------------------------------------------------------------

bool Link::readByte(std::uint8_t& byte, int timeoutMs) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        if (stopping_.load()) throw ConnectionClosed();
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left < 0) return false;
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) throw ConnectionClosed();
        if (r == 0) continue;
        const ssize_t n = ::recv(fd_, &byte, 1, 0);
        if (n == 1) return true;
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        throw ConnectionClosed();
    }
}

std::vector<std::uint8_t> Link::readFrame(int firstMs, int gapMs, std::size_t maxBytes) {
    std::vector<std::uint8_t> out;
    std::uint8_t b = 0;
    if (!readByte(b, firstMs)) return out;
    out.push_back(b);
    while (out.size() < maxBytes && readByte(b, gapMs)) out.push_back(b);
    return out;
}

void Link::send(std::span<const std::uint8_t> bytes) {
    std::size_t off = 0;
    while (off < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw ConnectionClosed();
        off += static_cast<std::size_t>(n);
    }
}

void Link::reply(Meter& meter, std::span<const std::uint8_t> bytes) {
    switch (meter.nextReplyFault()) {
    case Fault::BadCrc: {
        std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
        if (!copy.empty()) copy[copy.size() > 1 ? copy.size() - 2 : 0] ^= 0x5A;
        send(copy);
        return;
    }
    case Fault::Truncated:
        send(bytes.first(bytes.size() / 2));
        return;
    case Fault::Silence:
        return;
    case Fault::Garbage: {
        std::vector<std::uint8_t> junk(std::max<std::size_t>(bytes.size(), 8));
        for (auto& b : junk) {
            garbageState_ ^= garbageState_ << 13; garbageState_ ^= garbageState_ >> 17; garbageState_ ^= garbageState_ << 5;
            b = static_cast<std::uint8_t>(garbageState_);
        }
        send(junk);
        return;
    }
    default:
        send(bytes);
    }
}

// ---- Bus --------------------------------------------------------------------------------------------

Meter* Bus::byAddress(unsigned address) const {
    for (auto& m : meters)
        if (m->model.config().address == address) return m.get();
    return nullptr;
}

std::unique_ptr<ProtocolHandler> makeHandler(const std::string& protocol) {
    if (protocol == "mercury") return makeMercuryHandler();
    if (protocol == "iec") return makeIecHandler();
    if (protocol == "dlms") return makeDlmsHandler(false);
    if (protocol == "dlms-wrapper") return makeDlmsHandler(true);
    throw std::invalid_argument("unknown protocol '" + protocol + "' (mercury, iec, dlms, dlms-wrapper)");
}

// ---- Gateway ----------------------------------------------------------------------------------------

Gateway::Gateway(std::string protocol, std::vector<MeterConfig> meters, unsigned port)
    : protocol_(std::move(protocol)), handler_(makeHandler(protocol_)) {
    for (auto& c : meters) {
        handler_->applyDefaults(c);
        bus_.meters.push_back(std::make_unique<Meter>(std::move(c)));
    }
    listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listenFd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    int one = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listenFd_, 64) != 0) {
        const std::string why = std::strerror(errno);
        ::close(listenFd_);
        throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + why);
    }
    socklen_t len = sizeof addr;
    ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptThread_ = std::thread([this] { acceptLoop(); });
}

Gateway::~Gateway() { stop(); }

void Gateway::stop() {
    if (stopping_.exchange(true)) return;
    if (acceptThread_.joinable()) acceptThread_.join();
    ::close(listenFd_);
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(threadsMutex_);
        threads.swap(threads_);
    }
    for (auto& t : threads)
        if (t.joinable()) t.join();
}

void Gateway::acceptLoop() {
    while (!stopping_.load()) {
        pollfd p{listenFd_, POLLIN, 0};
        const int r = ::poll(&p, 1, 100);
        if (r <= 0) continue;
        const int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        std::lock_guard lock(threadsMutex_);
        // Join the dialogues that ended, so that a long run does not keep their stacks.
        for (std::size_t i = 0; i < threads_.size();) {
            if (*done_[i]) {
                threads_[i].join();
                threads_.erase(threads_.begin() + static_cast<long>(i));
                done_.erase(done_.begin() + static_cast<long>(i));
            } else {
                ++i;
            }
        }
        auto flag = std::make_shared<std::atomic<bool>>(false);
        done_.push_back(flag);
        threads_.emplace_back([this, fd, flag] { serveConnection(fd); flag->store(true); });
    }
}

void Gateway::serveConnection(int fd) {
    ++connections_;
    const unsigned now = ++active_;
    unsigned seen = maxConcurrent_.load();
    while (now > seen && !maxConcurrent_.compare_exchange_weak(seen, now)) {
    }
    try {
        Link link(fd, stopping_);
        handler_->serve(link, bus_);
    } catch (const ConnectionClosed&) {
    } catch (const std::exception&) {
    }
    --active_;
    ::close(fd);
}

} // namespace kabinet::sim
