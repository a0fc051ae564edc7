#pragma once
/// The one entry to upstream connectors for everybody (kabinetd's sync worker, routes, other services): the
/// plugin instance of each tenant's declared connector (Lua settings with the server's `--connectors` entry
/// merged over them), upstream accounts with their secrets sealed at rest, syncs that turn a plugin's records
/// into stored rows (meter data through the meter-data sink in batches, devices linked to meters, other kinds
/// through registered handlers, cursors stored with the records before them), and request–answer calls.
///
/// Guarantees:
/// * one sync per upstream account at a time, across instances (the account's lease in connector_accounts);
/// * a sync that outlives its connector's `sync_timeout_s` is abandoned ("timeout"): its later records are
///   ignored, the plugin instance is replaced by a fresh one and the caller goes on;
/// * nothing a plugin reports is stored wrong: a row the sink refuses, a malformed record, an unknown kind or a
///   handler's refusal makes that record a problem (counted and logged), and the sync goes on;
/// * KB_ERR_AUTH stops the account's jobs until its secret changes (saveAccount); other errors back off
///   (1, 2, 4 … minutes, at most the task's period).
#include "connectors/ConnectorTypes.h"
#include "connectors/SyncStore.h"
#include "meters/MeterData.h"
#include "plugins/Connector.h"
#include "util/SecretBox.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kabinet {

class Database;
class PluginHost;
class Tenant;
class TenantRegistry;

/// How the hub is set up.
struct ConnectorHubOptions {
    std::string connectorsJson;  ///< the server's --connectors: {"<tenant>": {"<connector id>": {settings…}}}
    std::string owner;           ///< this instance's name in leases and the log
    std::size_t batchRows = 5000; ///< meter data rows per sink write at most
};

class ConnectorHub {
public:
    /// Creates the plugin instance of every declared connector of every loaded tenant; a connector that cannot
    /// start is logged and shown as "not_configured" or "plugin_missing" (never an error: the server starts).
    /// Creates the tenant accounts and their jobs (due at once). Throws ConfigError when --connectors is not
    /// a JSON object of objects.
    ConnectorHub(Database& db, TenantRegistry& tenants, PluginHost& plugins, SecretBox box, ConnectorHubOptions options);
    ~ConnectorHub();
    ConnectorHub(const ConnectorHub&) = delete;
    ConnectorHub& operator=(const ConnectorHub&) = delete;

    /// The tenant's declared connectors with their state ("ready", "not_configured", "plugin_missing").
    std::vector<ConnectorInfo> connectors(const Tenant& t) const;
    /// One declared connector, or nullopt.
    std::optional<ConnectorInfo> connector(const Tenant& t, const std::string& connectorId) const;
    /// The plugin instance of (tenant, connector); throws Error(503, "connector_unavailable", Russian text) when
    /// it is not configured or not loaded.
    Connector& instance(const Tenant& t, const std::string& connectorId);
    /// The instance serving a `suppliers` dictionary value of the tenant ("consumer" connector), or null.
    std::shared_ptr<Connector> supplierInstance(const Tenant& t, const std::string& supplier);

    /// Runs one task now in this thread for one account, with `inputJson` (e.g. {"file": path}); records flow
    /// through the handlers as in a scheduled sync; the job row's cursor and state are updated only for scheduled
    /// tasks (input "{}"), which also take the account's lease (an account busy elsewhere: error kind "busy").
    SyncOutcome run(const Tenant& t, const std::string& connectorId, const std::string& accountId, const std::string& task,
                    const std::string& inputJson, long long now);
    /// A request–answer operation (kb call), with the account's token added to the input as "token" and the
    /// account as "account" when accountId is given. Throws Error 503 (transport/timeout: «… недоступен»),
    /// 422 (rejected or credentials refused, with the plugin's text), 502 (garbage or a plugin failure).
    std::string call(const Tenant& t, const std::string& connectorId, const std::string& accountId, const std::string& operation,
                     const std::string& inputJson);
    /// Registers who handles a record kind other than meter_data / device / cursor / problem.
    void handle(const std::string& kind, RecordHandler handler);

    /// Creates or replaces an account: its secret sealed with the SecretBox; a new secret lifts an AUTH stop.
    void saveAccount(soci::session& s, const ConnectorAccount& account);
    /// The account with its secret opened, or nullopt. Throws std::runtime_error when the secret cannot be opened.
    std::optional<ConnectorAccount> account(soci::session& s, const std::string& tenantId, const std::string& connectorId,
                                            const std::string& accountId) const;
    /// Schedules every task of the connector for the account (called after a new consumer account).
    void scheduleAccount(const std::string& tenantId, const std::string& connectorId, const std::string& accountId, long long now);
    /// Makes every job of the connector due now and wakes the sync worker.
    void syncNow(const Tenant& t, const std::string& connectorId, long long now);

    /// Runs the due tasks of one account whose jobs are due at `now` (taking its lease); false when there was
    /// none free. The sync worker calls it; `stopping` is handed to the plugins.
    bool runDue(long long now, const std::function<bool()>& stopping);
    /// Called when jobs became due (the sync worker's wake()).
    void onDue(std::function<void()> wake);
    /// True while a sync of this account runs in this instance.
    const std::string& owner() const { return options_.owner; }

private:
    struct Slot;
    std::shared_ptr<Slot> slot(const std::string& tenantId, const std::string& connectorId) const;
    /// Makes the slot of a declared connector; a ready one whose account is the tenant's own is added to
    /// `tenantAccounts` under the tenant's database (their accounts and jobs are made at once by the constructor).
    void startSlot(Tenant& t, const Poco::Dynamic::Var& decl, const Poco::JSON::Object::Ptr& serverEntry,
                   std::map<Database*, std::vector<TenantAccountSetup>>& tenantAccounts);
    void replaceInstance(Slot& slot);
    std::string accountJson(const ConnectorAccount& a) const;
    SyncOutcome execute(const Tenant& t, Slot& slot, const ConnectorAccount& account, const ConnectorSyncRequest& request,
                        bool scheduled, const std::function<bool()>& stopping);
    SyncOutcome runScheduled(const Tenant& t, Slot& slot, const ConnectorAccount& account, const ConnectorJob& job, long long now,
                             const std::function<bool()>& stopping);

    Database& db_;
    TenantRegistry& tenants_;
    PluginHost& plugins_;
    SecretBox box_;
    ConnectorHubOptions options_;
    MeterDataSink sink_;
    mutable std::mutex mutex_;
    std::map<std::string, std::vector<std::string>> requiredSettings_; // plugin → required settings (while starting)
    std::map<std::pair<std::string, std::string>, std::shared_ptr<Slot>> slots_;
    std::map<std::string, RecordHandler> handlers_;
    std::function<void()> wake_;
};

} // namespace kabinet
