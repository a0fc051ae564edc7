#include "cases/CaseNumbering.h"

#include <soci/soci.h>

namespace kabinet::cases {

long long CaseNumbering::next(soci::session& s, const std::string& tenant, const std::string& registerId, long long start) {
    const long long before = start - 1;
    // The register row appears with the first filing; a concurrent first filing waits for the other's insert.
    s << "INSERT INTO case_registers (tenant_id, register_id, last_number) VALUES (:t, :r, :n) "
         "ON CONFLICT (tenant_id, register_id) DO NOTHING",
        soci::use(tenant), soci::use(registerId), soci::use(before);
    // The UPDATE takes the row (and on SQLite the transaction already holds the writer lock): the read below
    // sees this transaction's own increment and nobody else's until commit.
    s << "UPDATE case_registers SET last_number = last_number + 1 WHERE tenant_id = :t AND register_id = :r", soci::use(tenant),
        soci::use(registerId);
    long long number = 0;
    s << "SELECT last_number FROM case_registers WHERE tenant_id = :t AND register_id = :r", soci::use(tenant), soci::use(registerId),
        soci::into(number);
    return number;
}

} // namespace kabinet::cases
