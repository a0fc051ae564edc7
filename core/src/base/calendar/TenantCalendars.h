#pragma once
/// The production calendar of each tenant (kabinet.tenant.calendar(T): the tenant's `calendar` table or the
/// shipped Russian one), read once per loaded tenant and cached. Lives in base: it needs only the tenant's
/// loader and the calendar.
#include "calendar/ProductionCalendar.h"

namespace kabinet {

class Tenant;

class TenantCalendars {
public:
    /// The tenant's calendar, built on the first call for this loaded tenant (a reloaded tenant, with a new
    /// configuration hash, gets a new one). The reference stays valid for the life of the process. Throws
    /// LuaError when the tenant's script fails, ConfigError when its table is malformed.
    static const ProductionCalendar& of(Tenant& tenant);
};

} // namespace kabinet
