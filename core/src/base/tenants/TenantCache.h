#pragma once
/// The summaries of checked tenants, kept in a file between starts: a tenant whose files hash to what the
/// file recorded, under the same shared library, limits and version, starts from its summary without running
/// Lua (it is checked again on first use). Only accepted tenants are recorded, so a broken tenant is checked,
/// and reported, at every start.
#include "tenants/Tenant.h"

#include <cstdint>
#include <map>
#include <vector>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace kabinet {

class TenantCache {
public:
    /// A cache for tenants checked with this library and these limits; `file` may be empty (nothing is
    /// read or written).
    TenantCache(std::string file, const std::string& scriptsDir, LuaLimits limits);

    /// The summary recorded for `id` when its folder still hashes to `hash`, else nullptr.
    const TenantSummary* find(const std::string& id, const std::string& hash) const;
    /// Records a tenant that passed its check (kept for save()).
    void put(const std::string& id, const TenantSummary& summary);
    /// Writes what put() recorded in place of the file (atomically: a temporary file renamed). Never throws;
    /// a failure is logged.
    void save() const;

    /// Equal polling rules, connectors, settings, kinds of cases and notifications of different tenants
    /// share one value (copies of a tenant differ in little more than their names and hosts). Thread-safe.
    void intern(TenantSummary& summary);

    /// Hash of every .lua file under the shared library, with the version and the limits.
    static std::string libraryKey(const std::string& scriptsDir, LuaLimits limits);

private:
    Poco::Dynamic::Var shared(const Poco::Dynamic::Var& value);

    std::string file_, key_;
    std::map<std::string, TenantSummary> read_, written_;
    std::mutex mutex_;                                            // values_
    std::unordered_map<std::uint64_t, std::vector<Poco::Dynamic::Var>> values_; // content hash → the shared values
};

} // namespace kabinet
