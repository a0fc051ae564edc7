#pragma once
/// The polling scheduler: finds due meter polls per tenant rules, takes gateway leases through the database
/// (so several kabinetd instances share the work and one bus never carries two dialogues), runs the
/// dialogues in a bounded pool of sessions, and stores what the drivers read through the MeterDataSink.
#include "meters/MeterData.h"
#include "plugins/Driver.h"
#include "polling/PollStore.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kabinet {

class Database;
class PluginHost;
class TenantRegistry;

struct SchedulerOptions {
    unsigned sessions = 8;        ///< dialogues at once (worker threads)
    unsigned tickMs = 1000;       ///< how often due work is looked for
    long long leaseS = 120;       ///< gateway lease, renewed after every meter
    unsigned connectTimeoutMs = 3000;
    std::string owner;            ///< this instance's name in leases
    std::string driversJson;      ///< {"<driver>": {config}}
};

/// What one meter poll did (also returned by pollMeter for tests and benches).
struct PollReport {
    std::vector<JobOutcome> jobs;
    IngestResult stored;
    std::string errorKind, error;
};

class Scheduler {
public:
    Scheduler(Database& db, TenantRegistry& tenants, PluginHost& plugins, SchedulerOptions options);
    ~Scheduler();
    void start();
    /// Stops taking work, lets running dialogues end, releases leases.
    void stop();
    /// One round without threads: syncs jobs, claims due gateways and polls them in this thread (tests, CLI).
    /// Returns how many meters were polled.
    unsigned runOnce(long long now);

    /// Polls one meter over an open transport: opens a session, reads what the due schedules ask for, stores
    /// it, records the outcome. Never throws for meter or link failures (they are outcomes).
    PollReport pollMeter(const GatewayClaim& gateway, const MeterTask& task, ByteTransport* transport, long long now);

    std::uint64_t polled() const { return polled_.load(); }
    std::uint64_t failed() const { return failed_.load(); }

private:
    void loop();
    void worker();
    unsigned pollGateway(const GatewayClaim& g);
    void syncAll(long long now);
    Driver& driver(const std::string& name);
    const PollingRules* rules(const std::string& tenantId);

    Database& db_;
    TenantRegistry& tenants_;
    PluginHost& plugins_;
    SchedulerOptions options_;
    PollStore store_;
    MeterDataSink sink_;
    std::mutex driversMutex_;
    std::map<std::string, std::unique_ptr<Driver>> drivers_;
    std::map<std::string, PollingRules> rules_;
    std::mutex mutex_;
    std::condition_variable cv_, idle_;
    std::deque<GatewayClaim> queue_;
    unsigned inFlight_ = 0;
    bool stopping_ = false;
    std::thread loopThread_;
    std::vector<std::thread> workers_;
    std::atomic<std::uint64_t> polled_{0}, failed_{0};
};

} // namespace kabinet
