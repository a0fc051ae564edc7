#pragma once
/// A TCP meter simulator: gateways (one listening port each, like an RS-485/TCP converter) with a bus of
/// simulated meters behind each, speaking one protocol byte for byte. Faults are injected per meter:
/// they change what the meter sends (bad CRC, truncation, silence, garbage) or how it behaves (refuses the
/// password, forgets the session) for a number of replies, then the meter recovers on its own.
#include "MeterModel.h"

#include <atomic>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace kabinet::sim {

/// The simulators' clock: real time, unless a test froze it (then every meter answers as at that moment).
long long simNow();
void freezeTime(long long t);
void unfreezeTime();

enum class Fault { None, BadCrc, Truncated, Silence, Garbage, WrongPassword, SessionTimeout, Malformed };
const char* faultName(Fault fault);
Fault faultFromName(const std::string& name); ///< throws std::invalid_argument

/// When and how long a fault applies: it starts with the meter's (afterReplies + 1)-th reply from now and
/// lasts for `count` replies (Silence: requests left unanswered; WrongPassword / SessionTimeout: requests
/// refused), then clears itself. Malformed: the answer to a request of `object` (the protocol's name of
/// it, e.g. Mercury "04 00"; empty: any) is well framed but one data byte short, `count` times.
struct FaultPlan {
    FaultPlan() = default;
    FaultPlan(Fault k, unsigned after = 0, unsigned n = UINT_MAX, std::string forObject = {})
        : kind(k), afterReplies(after), count(n), object(std::move(forObject)) {}
    Fault kind = Fault::None;
    unsigned afterReplies = 0;
    unsigned count = UINT_MAX;
    std::string object;
};

/// One simulated meter on a bus.
class Meter {
public:
    explicit Meter(MeterConfig config) : model(std::move(config)) {}
    MeterModel model;

    /// Sets the fault plan (thread-safe).
    void setFault(FaultPlan plan);
    /// Called by a handler for every reply it is about to send: returns the fault to apply to it (None
    /// mostly) and advances the plan.
    Fault nextReplyFault();
    /// For WrongPassword / SessionTimeout: true while such a fault is due; consumes one from its count.
    bool takeBehaviourFault(Fault kind);
    /// For Malformed: true when such a fault is due for a request of `object`; consumes one from its count.
    bool takeObjectFault(Fault kind, const std::string& object);
    /// Replies sent, faults applied so far.
    std::atomic<unsigned> replies{0}, faultsApplied{0};

    /// Per-protocol session state a handler may keep with the meter (opened, access level, ...).
    std::shared_ptr<void> state;

private:
    std::mutex mutex_;
    FaultPlan plan_;
    unsigned seen_ = 0;
};

class ConnectionClosed : public std::runtime_error {
public:
    ConnectionClosed() : std::runtime_error("connection closed") {}
};

/// One accepted TCP connection of a gateway, as a handler sees it.
class Link {
public:
    explicit Link(int fd, std::atomic<bool>& stopping) : fd_(fd), stopping_(stopping) {}
    /// Reads one byte, waiting up to timeoutMs. Returns false on timeout; throws ConnectionClosed.
    bool readByte(std::uint8_t& byte, int timeoutMs);
    /// Reads bytes until the line has been silent for gapMs after at least one byte (a frame on a bus
    /// without length fields), waiting up to firstMs for the first. Empty on timeout; throws ConnectionClosed.
    std::vector<std::uint8_t> readFrame(int firstMs, int gapMs, std::size_t maxBytes = 4096);
    /// Sends a reply of `meter`, applying the meter's due fault: BadCrc flips the last byte, Truncated sends
    /// the first half, Silence sends nothing, Garbage sends as many pseudo-random bytes.
    void reply(Meter& meter, std::span<const std::uint8_t> bytes);
    /// Sends bytes as they are (no fault).
    void send(std::span<const std::uint8_t> bytes);

private:
    int fd_;
    std::atomic<bool>& stopping_;
    std::uint32_t garbageState_ = 0x2545F491u;
};

/// The meters behind one gateway.
struct Bus {
    std::vector<std::unique_ptr<Meter>> meters;
    Meter* byAddress(unsigned address) const;
};

/// A protocol: serves one connection until it closes (throws ConnectionClosed) or the simulator stops.
class ProtocolHandler {
public:
    virtual ~ProtocolHandler() = default;
    /// Fills the protocol's defaults into a meter config (model, firmware, password).
    virtual void applyDefaults(MeterConfig& config) const = 0;
    virtual void serve(Link& link, Bus& bus) = 0;
};

/// "mercury", "iec" (IEC 62056-21 mode C, Energomera CE), "dlms" (DLMS/COSEM over HDLC), "dlms-wrapper"
/// (DLMS/COSEM over the IEC 62056-47 TCP wrapper). Throws std::invalid_argument for others.
std::unique_ptr<ProtocolHandler> makeHandler(const std::string& protocol);

// Each protocol's factory, defined in its own file.
std::unique_ptr<ProtocolHandler> makeMercuryHandler();
std::unique_ptr<ProtocolHandler> makeIecHandler();
std::unique_ptr<ProtocolHandler> makeDlmsHandler(bool wrapper);

/// One gateway: a listening port, a bus, a protocol. Accepts any number of connections; counts how many
/// dialogues were ever active at once (a real RS-485 bus carries one).
class Gateway {
public:
    Gateway(std::string protocol, std::vector<MeterConfig> meters, unsigned port = 0);
    ~Gateway();
    unsigned port() const { return port_; }
    Bus& bus() { return bus_; }
    const std::string& protocol() const { return protocol_; }
    unsigned maxConcurrent() const { return maxConcurrent_.load(); }
    unsigned connections() const { return connections_.load(); }
    void stop();

private:
    void acceptLoop();
    void serveConnection(int fd);
    std::string protocol_;
    std::unique_ptr<ProtocolHandler> handler_;
    Bus bus_;
    int listenFd_ = -1;
    unsigned port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<unsigned> active_{0}, maxConcurrent_{0}, connections_{0};
    std::thread acceptThread_;
    std::mutex threadsMutex_;
    std::vector<std::thread> threads_;
    std::vector<std::shared_ptr<std::atomic<bool>>> done_;
};

} // namespace kabinet::sim
