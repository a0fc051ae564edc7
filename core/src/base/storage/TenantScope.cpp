#include "storage/TenantScope.h"

namespace kabinet {

namespace {
thread_local const std::string* g_current = nullptr;
}

TenantScope::TenantScope(std::string tenantId) : id_(std::move(tenantId)), outer_(g_current) { g_current = &id_; }

TenantScope::~TenantScope() { g_current = outer_; }

const std::string* TenantScope::current() noexcept { return g_current; }

} // namespace kabinet
