#include "storage/RowLease.h"

namespace kabinet {

RowLease::RowLease(RowLeaseSpec spec) : spec_(std::move(spec)) {
    sql_ = "UPDATE " + spec_.table + " SET lease_until = :until";
    if (!spec_.stampColumn.empty()) sql_ += ", " + spec_.stampColumn + " = :stamp";
    if (!spec_.assignments.empty()) sql_ += ", " + spec_.assignments;
    sql_ += " WHERE tenant_id = :t AND " + spec_.idColumn + " = :id AND lease_until < :now";
    if (!spec_.condition.empty()) sql_ += " AND (" + spec_.condition + ")";
}

bool RowLease::take(soci::session& s, const std::string& tenantId, const std::string& id, long long now, long long until) const {
    long long stamp = now;
    soci::statement st = spec_.stampColumn.empty()
        ? (s.prepare << sql_, soci::use(until), soci::use(tenantId), soci::use(id), soci::use(now))
        : (s.prepare << sql_, soci::use(until), soci::use(stamp), soci::use(tenantId), soci::use(id), soci::use(now));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

} // namespace kabinet
