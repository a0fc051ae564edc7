#pragma once
/// All tenants of a deployment, loaded from one or more directories of tenant folders. A tenant whose
/// scripts fail to load is recorded with the error (file and line) and left out; the others are served.
///
/// Start is cheap per tenant: every tenant is checked (in parallel, on as many threads as there are cores)
/// and only its summary is kept — or, with a cache file, a tenant whose files are unchanged since an earlier
/// check starts from the cached summary without running Lua. Lua states open on first use and are closed
/// again after they have been idle (startSweeper).
#include "tenants/Tenant.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kabinet {

class Database;
class Worker;

/// A tenant folder that failed to load, and why.
struct TenantFailure {
    std::string id;
    std::string error;
};

/// How a registry starts.
struct TenantRegistryOptions {
    /// A file for the summaries of checked tenants (TenantCache); empty: every tenant is checked at start.
    std::string cacheFile;
    /// Threads that check tenants at start; 0: one per core.
    unsigned threads = 0;
    /// Check tenants in batches in one Lua state per thread with the library loaded once (TenantChecker);
    /// off: each tenant in a state of its own.
    bool sharedChecks = true;
};

/// The directories of a ':'-separated list, in order, without empty entries or trailing slashes.
std::vector<std::string> splitTenantDirs(const std::string& list);

class TenantRegistry {
public:
    /// Loads every folder that has a tenant.lua of the directories in `tenantsDirs`, a ':'-separated list
    /// (a later directory's folder replaces an earlier one's of the same id). A directory of the list that
    /// does not exist is a failure with id "*". Never throws for a bad tenant.
    TenantRegistry(const std::string& tenantsDirs, const std::string& scriptsDir, LuaLimits limits,
                   TenantRegistryOptions options = {});
    ~TenantRegistry();

    /// The tenant with this id, or nullptr.
    std::shared_ptr<Tenant> find(const std::string& id) const;
    /// The tenant that lists this host (case-insensitive, port ignored), or nullptr.
    std::shared_ptr<Tenant> findByHost(const std::string& host) const;
    /// Ids of the loaded tenants, sorted.
    std::vector<std::string> ids() const;
    /// Tenants that failed to load.
    const std::vector<TenantFailure>& failures() const noexcept { return failures_; }
    /// How many tenants started from the cache without running Lua.
    std::size_t fromCache() const noexcept { return fromCache_; }
    /// How many tenants were checked at start in a shared state (TenantChecker), and how many alone.
    std::size_t checkedShared() const noexcept { return checkedShared_; }
    std::size_t checkedAlone() const noexcept { return checkedAlone_; }

    /// Closes the Lua states of every tenant that have been idle for at least `idle`; returns how many.
    std::size_t releaseIdle(std::chrono::steady_clock::duration idle);
    /// Lua states open now over all tenants.
    std::size_t openStates() const;
    /// Starts a background worker that closes states idle for `idle` (checking every idle/2, at least once
    /// a second). Stopped with the registry.
    void startSweeper(std::chrono::seconds idle);

    /// Records the loaded and failed tenants in the tenants table (one transaction).
    void persist(Database& db) const;

private:
    std::map<std::string, std::shared_ptr<Tenant>> tenants_;
    std::map<std::string, std::shared_ptr<Tenant>> byHost_;
    std::vector<TenantFailure> failures_;
    std::size_t fromCache_ = 0, checkedShared_ = 0, checkedAlone_ = 0;
    std::unique_ptr<Worker> sweeper_;
};

} // namespace kabinet
