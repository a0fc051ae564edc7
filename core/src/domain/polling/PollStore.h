#pragma once
/// The database side of polling: gateways and meter links (set up by operators and the CLI), the due jobs,
/// gateway leases shared by several kabinetd instances, the cursors polling resumes from, and the log.
#include "polling/PollingRules.h"

#include <optional>
#include <string>
#include <vector>

namespace kabinet {

class Database;

struct GatewayClaim {
    std::string tenantId, gatewayId, host;
    unsigned port = 0;
};

/// One meter behind a claimed gateway with the schedules that are due.
struct MeterTask {
    std::string meterId, serial, driver, settings;
    struct Job { std::string schedule; unsigned attempts = 0; };
    std::vector<Job> due;
};

/// Where polling resumes: the last stored moments (nullopt: nothing stored yet).
struct PollCursors {
    std::optional<long long> profile, event, billing;
};

/// The outcome of one schedule in one poll.
struct JobOutcome {
    std::string schedule;
    bool ok = false;
    std::string errorKind, error;
    long long nextRun = 0;
    unsigned attempts = 0; ///< failures in a row after this poll
};

struct PollLogRow {
    long long startedAt = 0;
    long long durationMs = 0;
    std::string schedules, outcome, errorKind, message;
    long long storedRows = 0;
};

/// A gateway as operators see it.
struct GatewayState {
    std::string gatewayId, address, title; ///< address: "host:port"
    std::optional<std::string> leaseOwner; ///< the instance polling through it now
    std::optional<long long> leaseUntil;
};

/// One schedule of a polled meter.
struct JobState {
    std::string schedule;
    long long nextRun = 0, attempts = 0; ///< attempts: failures in a row
    std::optional<long long> lastRun, lastOk;
    std::optional<std::string> lastErrorKind, lastError;
};

/// A linked meter with its schedules, by gateway and meter.
struct PolledMeter {
    std::string meterId, serial, model, driver, gatewayId;
    bool enabled = true;
    std::optional<std::string> firmware;
    std::optional<long long> clockDriftS;
    std::vector<JobState> jobs;
};

/// A notification record for the tenant's operators (e.g. a tamper event), newest first.
struct NotificationRecord {
    std::string id, kind, title, body, state;
    std::optional<std::string> meterId;
    long long createdAt = 0;
};

/// Polling of one tenant as its operators see it.
struct PollStatus {
    std::vector<GatewayState> gateways;
    std::vector<PolledMeter> meters;
    std::vector<NotificationRecord> notifications;
};

class PollStore {
public:
    PollStore(Database& db, std::string owner);

    // -- set-up (CLI, operators, demo) --
    void upsertGateway(const std::string& tenantId, const std::string& gatewayId, const std::string& host, unsigned port,
                       const std::string& title);
    /// Links a meter of the tenant to a driver behind a gateway; settings is the driver's meter JSON object.
    void linkMeter(const std::string& tenantId, const std::string& meterId, const std::string& gatewayId,
                   const std::string& driver, const std::string& settings);

    // -- the scheduler --
    /// Creates the jobs of every linked meter for every schedule of the rules (due at once) and drops jobs of
    /// schedules the rules no longer have.
    void syncJobs(const std::string& tenantId, const PollingRules& rules, long long now);
    /// Takes the lease of up to `limit` gateways that have due jobs and no live lease (FOR UPDATE SKIP LOCKED
    /// on PostgreSQL, so that instances never take the same gateway).
    std::vector<GatewayClaim> claimGateways(long long now, long long leaseS, unsigned limit);
    /// Extends a lease this instance holds; false when it lost it.
    bool renewLease(const GatewayClaim& g, long long until);
    void releaseLease(const GatewayClaim& g);
    /// The meters behind a gateway with due jobs, in meter order.
    std::vector<MeterTask> dueMeters(const GatewayClaim& g, long long now);
    PollCursors cursors(const std::string& tenantId, const std::string& meterId);
    /// Writes the outcomes of one poll, its log row and what was learnt of the meter in one transaction.
    void finish(const std::string& tenantId, const std::string& meterId, const std::vector<JobOutcome>& jobs,
                const PollLogRow& log, const std::optional<std::string>& firmware, const std::optional<long long>& clockDrift,
                long long now);

    /// What the tenant's operators see of polling, read at once: gateways (with their leases), every linked
    /// meter with its jobs, and the latest `notificationLimit` notification records. Meter settings
    /// (passwords) are never read.
    PollStatus status(const std::string& tenantId, unsigned notificationLimit = 50);

    const std::string& owner() const { return owner_; }

private:
    Database& db_;
    std::string owner_;
};

} // namespace kabinet
