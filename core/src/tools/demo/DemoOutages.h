#pragma once
/// The demo's outages (issue 11): the outages a tenant's roster declares (tenants/<id>/demo.lua, `outages`),
/// published through OutageService as an operator would — closed ones with their actual end, the others told
/// to the consumers at their addresses in the portal only (the demo's people and addresses are made up, so no
/// mail or text message is queued). Times are relative to the seed's "now".
#include "demo/Roster.h"

#include <cstddef>

namespace kabinet {
class Database;
class Tenant;
} // namespace kabinet

namespace kabinet::demo {

/// Publishes the roster's outages of tenant `t` at `now` unless the tenant has outages already (so a second
/// seed adds none); returns how many were published. Throws std::runtime_error naming the tenant's demo.lua
/// and the outage when the tenant has no outages module or the service refuses one (with its Russian reasons).
std::size_t seedOutages(Database& db, Tenant& t, const Roster& roster, long long now);

} // namespace kabinet::demo
