#pragma once
/// The plain data of upstream connectors shared by the hub, its store and the routes: what a tenant's connector
/// is and in which state, an upstream account, one sync's context and outcome, and record handlers.
#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kabinet {

class Tenant;

/// One task a tenant declared for a connector (kabinet.connectors).
struct ConnectorTask {
    std::string id;
    std::string label;     ///< what staff see (the id when the tenant gave none)
    long long everyS = 0;  ///< period of the scheduled sync
    long long windowS = 0; ///< how far back the first sync goes
};

/// A tenant's connector as declared, with the state of its plugin instance.
struct ConnectorInfo {
    std::string id, plugin, label;
    std::string accounts = "tenant";    ///< "tenant" or "consumer"
    std::optional<std::string> supplier; ///< consumer connectors: the `suppliers` value they serve
    std::string settingsJson = "{}";     ///< the Lua settings with the server's entry merged over them
    long long syncTimeoutS = 300;
    std::vector<ConnectorTask> tasks;
    std::string state = "not_configured"; ///< "ready", "not_configured", "plugin_missing"
    std::string reason;                   ///< why it is not ready (for the log and the operator page)
};

/// An upstream account of a connector (a row of connector_accounts), its secret opened.
struct ConnectorAccount {
    std::string tenantId, connectorId, accountId;
    std::string kind = "consumer";       ///< "tenant" or "consumer"
    std::optional<std::string> userId;   ///< the consumer who linked it
    std::string title;
    std::string secretJson = "{}";       ///< plain JSON (e.g. {"token": …}); sealed at rest
    std::string stateJson = "{}";        ///< non-secret account data the plugin returned
    long long createdAt = 0;
    bool disabled = false;
    bool authFailed = false;             ///< the upstream refused the credentials; jobs wait for a new secret
};

/// What a record handler learns of the sync it serves.
struct SyncContext {
    const Tenant& tenant;
    std::string connectorId;
    std::string accountId;
    std::optional<std::string> userId;
    long long now = 0;
};

/// Handles one record of a kind other than meter_data / device / cursor / problem, inside the transaction
/// that also moves the job's cursor; throws to refuse that record (a problem; the sync goes on).
using RecordHandler = std::function<void(soci::session&, const SyncContext&, const Poco::JSON::Object::Ptr&)>;

/// What one sync did.
struct SyncOutcome {
    long long records = 0;                ///< records the plugin reported (cursors and problems included)
    long long storedRows = 0;             ///< meter data rows written through the sink, plus handled records
    long long problems = 0;               ///< records refused (by the plugin, the host or a handler)
    std::vector<std::string> unknown;     ///< device keys whose rows were dropped (not linked to a meter)
    long long unknownRows = 0;            ///< rows dropped for those keys
    std::string cursor;                   ///< the last cursor reported ("" when none)
    bool ok = true;
    std::string errorKind;                ///< "auth", "transport", "timeout", "protocol", "config", "rejected", "internal"
    std::string error;                    ///< the plugin's or the host's text
};

} // namespace kabinet
