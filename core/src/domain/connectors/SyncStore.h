#pragma once
/// The SQL of upstream connectors for one tenant (sql/0011_connectors.sql): accounts and their leases, the jobs
/// with their cursors and back-off, the sync log and the upstream devices. Every call runs on the caller's
/// session (inside the caller's transaction when it writes). Secrets are stored as given (sealed by the hub).
#include "connectors/ConnectorTypes.h"

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

namespace kabinet {

/// One job row as the hub and the operator page read it.
struct ConnectorJob {
    std::string connectorId, accountId, task, cursor;
    long long nextRun = 0, attempts = 0, storedRows = 0, leaseUntil = 0;
    std::optional<long long> lastRun, lastOk;
    std::optional<std::string> lastError, lastErrorKind;
};

/// One row of the sync log.
struct ConnectorLogRow {
    std::string connectorId, accountId, task;
    long long startedAt = 0, durationMs = 0, records = 0, storedRows = 0, problems = 0;
    std::string outcome, errorKind, message, instance;
};

/// One upstream device.
struct ConnectorDevice {
    std::string key, infoJson = "{}";
    std::optional<std::string> meterId;
    long long seenAt = 0;
};

/// An account of some tenant that has due work.
struct DueAccount {
    std::string tenantId, connectorId, accountId;
};

/// A ready connector whose account is its tenant's own (ConnectorHub at start).
struct TenantAccountSetup {
    std::string tenantId;
    std::string connectorId;
    std::string title;
    std::vector<ConnectorTask> tasks;
};

class SyncStore {
public:
    SyncStore(soci::session& s, std::string tenantId) : s_(s), t_(std::move(tenantId)) {}

    /// Adds the account when missing (nothing changes when it exists).
    void ensureAccount(const ConnectorAccount& a, long long now);
    /// Creates or replaces the account; a new secret clears auth_failed. `sealedSecret` is stored as given.
    void saveAccount(const ConnectorAccount& a, const std::string& sealedSecret, long long now);
    /// The account with its secret as stored (sealed), or nullopt.
    std::optional<ConnectorAccount> account(const std::string& connectorId, const std::string& accountId);
    /// The accounts of a connector.
    std::vector<ConnectorAccount> accounts(const std::string& connectorId);
    /// Marks the account as refused by the upstream: its jobs wait until its secret changes.
    void setAuthFailed(const std::string& connectorId, const std::string& accountId);
    /// Lifts an AUTH stop (the tenant's own account after a restart: its credentials may have changed).
    void clearAuthFailed(const std::string& connectorId, const std::string& accountId);
    /// Moves the account's due jobs to `at` (a connector that is not ready).
    void postpone(const std::string& connectorId, const std::string& accountId, long long now, long long at);
    /// For many tenants at once (a start): each connector's tenant account when missing, its authentication
    /// failure cleared, and a job per task (due at `now`) when missing — three statements, each executed for
    /// all rows at once.
    static void ensureTenantAccounts(soci::session& s, const std::vector<TenantAccountSetup>& setups, long long now);
    /// Adds a job per task (due at `now`) when missing.
    void ensureJobs(const std::string& connectorId, const std::string& accountId, const std::vector<ConnectorTask>& tasks, long long now);
    /// Makes every job of the connector due at `now`.
    void makeDue(const std::string& connectorId, long long now);
    /// The jobs of the connector (every account), or of one account.
    std::vector<ConnectorJob> jobs(const std::string& connectorId, const std::optional<std::string>& accountId = std::nullopt);
    /// The account's lease for `owner` until `until` when free at `now`: true when this call took it.
    bool takeLease(const std::string& connectorId, const std::string& accountId, const std::string& owner, long long now, long long until);
    /// Gives the account's lease back.
    void releaseLease(const std::string& connectorId, const std::string& accountId);
    /// Marks a job as running until `until` (shown on the operator page).
    void markRunning(const std::string& connectorId, const std::string& accountId, const std::string& task, const std::string& owner, long long until);
    /// Stores the cursor a scheduled sync reached.
    void saveCursor(const std::string& connectorId, const std::string& accountId, const std::string& task, const std::string& cursor);
    /// Records a scheduled sync's end: success (attempts 0, last_ok) or failure (attempts + 1, last_error),
    /// the next run, rows stored added; releases the job's running mark.
    void finishJob(const std::string& connectorId, const std::string& accountId, const std::string& task, const SyncOutcome& o,
                   long long now, long long nextRun);
    /// Appends a log row.
    void log(const ConnectorLogRow& row);
    /// The newest log rows of the connector.
    std::vector<ConnectorLogRow> logRows(const std::string& connectorId, int limit);
    /// The device, or nullopt.
    std::optional<ConnectorDevice> device(const std::string& connectorId, const std::string& key);
    /// Records the device (info replaced when given, seen_at moved); the meter is left as it is.
    void upsertDevice(const std::string& connectorId, const std::string& key, const std::optional<std::string>& infoJson, long long now);
    /// Links the device to a meter (or unlinks it).
    void linkDevice(const std::string& connectorId, const std::string& key, const std::optional<std::string>& meterId);
    /// The connector's devices, by key.
    std::vector<ConnectorDevice> devices(const std::string& connectorId);

    /// Accounts of any tenant with a job due at `now` that are enabled, not refused and not leased, soonest first.
    static std::vector<DueAccount> dueAccounts(soci::session& s, long long now, int limit);

private:
    soci::session& s_;
    std::string t_;
};

} // namespace kabinet
