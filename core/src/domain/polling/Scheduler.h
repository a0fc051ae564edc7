#pragma once
/// The polling scheduler: finds due meter polls per tenant rules, takes gateway leases through the database
/// (so several kabinetd instances share the work and one bus never carries two dialogues), runs the
/// dialogues in a bounded pool of sessions, and stores what the drivers read through the MeterDataSink.
#include "meters/MeterData.h"
#include "plugins/Driver.h"
#include "polling/PollStore.h"
#include "polling/SilentMeters.h"
#include "util/Worker.h"

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
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

/// Two kinds of Worker: one "polling" worker syncs the jobs with the tenants' rules and reports silent meters
/// (SilentMeters, every minute) and claims due gateways into a queue (every tick, as many as there are free sessions); `sessions` workers
/// ("polling-session-N") each take a claim from the queue, poll the gateway's due meters (renewing the lease
/// after every meter, giving the gateway up when the lease was lost) and release the lease.
class Scheduler {
public:
    /// A stopped scheduler; nothing runs before start().
    Scheduler(Database& db, TenantRegistry& tenants, PluginHost& plugins, SchedulerOptions options);
    /// Stops it (see stop()).
    ~Scheduler();
    /// Starts the claiming worker and the session workers; nothing when `sessions` is 0 or it runs already.
    void start();
    /// Stops taking work, lets running dialogues end (each stops after the meter in hand), releases the
    /// leases of claims not started; returns when every thread has ended. Safe to call repeatedly.
    void stop();
    /// One round without threads: syncs jobs, claims due gateways and polls them in this thread (tests, CLI).
    /// Returns how many meters were polled.
    unsigned runOnce(long long now);

    /// Polls one meter over an open transport: opens a session, reads what the due schedules ask for, stores
    /// it, records the outcome. Never throws for meter or link failures (they are outcomes).
    PollReport pollMeter(const GatewayClaim& gateway, const MeterTask& task, ByteTransport* transport, long long now);

    /// Meters polled without failure so far.
    std::uint64_t polled() const { return polled_.load(); }
    /// Meter polls with a failed schedule so far.
    std::uint64_t failed() const { return failed_.load(); }

private:
    Worker::Delay claimPass();
    Worker::Delay sessionPass();
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
    SilentMeters silent_; ///< checked with every sync of the rules (every minute)
    std::mutex driversMutex_;
    std::map<std::string, std::unique_ptr<Driver>> drivers_;
    std::map<std::string, PollingRules> rules_;
    std::mutex mutex_; ///< guards rules_, queue_, inFlight_, stopping_
    std::deque<GatewayClaim> queue_;
    unsigned inFlight_ = 0;
    bool stopping_ = false;
    long long lastSync_ = 0; ///< of the claiming worker
    std::atomic<std::uint64_t> polled_{0}, failed_{0};
    std::mutex control_; ///< serialises start() and stop()
    // Last: stopped (in stop()) before the members their passes use are destroyed.
    std::unique_ptr<Worker> claimer_;
    std::vector<std::unique_ptr<Worker>> sessions_;
};

} // namespace kabinet
