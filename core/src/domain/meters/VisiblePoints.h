#pragma once
/// Which metering points a consumer sees, as one SQL text shared by the point views and the access page.

namespace kabinet {

/// The ids of the metering points a user sees: a point granted directly, the points of a granted account, and
/// the points of a granted contract (directly or through its accounts). A subquery binding :vt (the tenant)
/// and :vu (the user), in that order.
inline constexpr const char* kVisiblePoints =
    "SELECT p.point_id FROM metering_points p WHERE p.tenant_id = :vt AND EXISTS (SELECT 1 FROM access_grants g WHERE "
    "g.tenant_id = p.tenant_id AND g.user_id = :vu AND ((g.scope = 'point' AND g.ref_id = p.point_id) OR (g.scope = 'account' AND "
    "g.ref_id = p.account_id) OR (g.scope = 'contract' AND (g.ref_id = p.contract_id OR g.ref_id = (SELECT a.contract_id FROM accounts a "
    "WHERE a.tenant_id = p.tenant_id AND a.account_id = p.account_id)))))";

/// The same points found from the user's grants (a few index lookups, whatever the tenant's size), for lists of
/// them: a subquery binding the tenant and the user four times, in that order, as `?` placeholders.
inline constexpr const char* kVisiblePointsByGrant =
    "SELECT g.ref_id FROM access_grants g WHERE g.tenant_id = ? AND g.user_id = ? AND g.scope = 'point' "
    "UNION SELECT x.point_id FROM access_grants g JOIN metering_points x ON x.tenant_id = g.tenant_id AND x.account_id = g.ref_id "
    "WHERE g.tenant_id = ? AND g.user_id = ? AND g.scope = 'account' "
    "UNION SELECT x.point_id FROM access_grants g JOIN metering_points x ON x.tenant_id = g.tenant_id AND x.contract_id = g.ref_id "
    "WHERE g.tenant_id = ? AND g.user_id = ? AND g.scope = 'contract' "
    "UNION SELECT x.point_id FROM access_grants g JOIN accounts a ON a.tenant_id = g.tenant_id AND a.contract_id = g.ref_id "
    "JOIN metering_points x ON x.tenant_id = a.tenant_id AND x.account_id = a.account_id WHERE g.tenant_id = ? AND g.user_id = ? AND "
    "g.scope = 'contract'";

} // namespace kabinet
