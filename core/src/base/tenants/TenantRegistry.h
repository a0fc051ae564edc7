#pragma once
/// All tenants of a deployment, loaded from a directory of tenant folders. A tenant whose scripts fail
/// to load is recorded with the error (file and line) and left out; the others are served.
#include "tenants/Tenant.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kabinet {

class Database;

/// A tenant folder that failed to load, and why.
struct TenantFailure {
    std::string id;
    std::string error;
};

/// The directories of a ':'-separated list, in order, without empty entries or trailing slashes.
std::vector<std::string> splitTenantDirs(const std::string& list);

class TenantRegistry {
public:
    /// Loads every folder that has a tenant.lua of the directories in `tenantsDirs`, a ':'-separated list
    /// (a later directory's folder replaces an earlier one's of the same id). A directory of the list that
    /// does not exist is a failure with id "*". Never throws for a bad tenant.
    TenantRegistry(const std::string& tenantsDirs, const std::string& scriptsDir, LuaLimits limits);

    /// The tenant with this id, or nullptr.
    std::shared_ptr<Tenant> find(const std::string& id) const;
    /// The tenant that lists this host (case-insensitive, port ignored), or nullptr.
    std::shared_ptr<Tenant> findByHost(const std::string& host) const;
    /// Ids of the loaded tenants, sorted.
    std::vector<std::string> ids() const;
    /// Tenants that failed to load.
    const std::vector<TenantFailure>& failures() const noexcept { return failures_; }

    /// Records the loaded and failed tenants in the tenants table (one transaction).
    void persist(Database& db) const;

private:
    std::map<std::string, std::shared_ptr<Tenant>> tenants_;
    std::map<std::string, std::shared_ptr<Tenant>> byHost_;
    std::vector<TenantFailure> failures_;
};

} // namespace kabinet
