#pragma once
/// The tenant whose data the current thread works on. While a TenantScope lives, calls on the main Database
/// (transaction, read, heavyRead) run on that tenant's own database when it has one (Database::place). The HTTP
/// server opens one for every request of a tenant; every per-tenant pass of a background worker opens one.
#include <string>

namespace kabinet {

class TenantScope {
public:
    /// Makes `tenantId` the current tenant of this thread until destroyed (scopes nest; the outer one returns).
    explicit TenantScope(std::string tenantId);
    ~TenantScope();
    TenantScope(const TenantScope&) = delete;
    TenantScope& operator=(const TenantScope&) = delete;

    /// The current tenant of this thread, or null outside every scope.
    static const std::string* current() noexcept;

private:
    std::string id_;
    const std::string* outer_;
};

} // namespace kabinet
