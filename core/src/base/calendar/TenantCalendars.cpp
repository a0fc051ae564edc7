#include "calendar/TenantCalendars.h"

#include "tenants/Tenant.h"

#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace kabinet {

namespace {
std::mutex mutex;
/// Keyed by the loaded tenant and its configuration hash; entries are never dropped (a calendar is small, a
/// reload rare), so references handed out stay valid.
std::map<std::pair<const Tenant*, std::string>, std::unique_ptr<const ProductionCalendar>> cache;
} // namespace

const ProductionCalendar& TenantCalendars::of(Tenant& tenant) {
    const auto key = std::make_pair(static_cast<const Tenant*>(&tenant), tenant.configHash());
    {
        std::lock_guard lock(mutex);
        if (auto it = cache.find(key); it != cache.end()) return *it->second;
    }
    // Built outside the lock: the Lua call may take a while; a racing builder's copy is simply dropped.
    auto table = tenant.callModule("calendar", 0, [](lua_State*) {});
    auto built = std::make_unique<const ProductionCalendar>(ProductionCalendar::fromVar(table, "calendar of " + tenant.id()));
    std::lock_guard lock(mutex);
    auto [it, inserted] = cache.emplace(key, std::move(built));
    return *it->second;
}

} // namespace kabinet
