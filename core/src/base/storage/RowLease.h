#pragma once
/// Leases on single rows of a work table (queued messages, stored jobs): a row is taken for a while by one
/// conditional UPDATE, so that of several instances (or passes) exactly one gets a free row, and nobody takes
/// a held row before its lease has expired — a holder that died is replaced after the lease. The holder gives
/// the lease back in the same statement that records the row's outcome (`lease_until = 0`), so the outcome
/// and the release are one write.
#include <soci/soci.h>

#include <string>

namespace kabinet {

/// Which rows a RowLease takes and what taking one also writes. Every text is SQL fixed by the caller's code,
/// never input.
struct RowLeaseSpec {
    std::string table;       ///< a tenant table keyed (tenant_id, idColumn) with `lease_until BIGINT NOT NULL`
    std::string idColumn;    ///< the second key column
    std::string condition;   ///< what else a row must meet to be taken, e.g. "state = 'queued'" ("" = nothing)
    std::string assignments; ///< what else taking it writes, e.g. "attempts = attempts + 1" ("" = nothing)
    std::string stampColumn; ///< a column set to the moment of the taking, e.g. "updated_at" ("" = none)
};

/// Takes leases on rows of one table as its spec says. Stateless after construction; thread-safe.
class RowLease {
public:
    /// Prepares the statement of the spec.
    explicit RowLease(RowLeaseSpec spec);
    /// Takes the row (tenant, id) until `until` when, at `now`, its lease has expired (lease_until < now) and
    /// the spec's condition holds, making the spec's assignments in the same UPDATE. True when this call took
    /// it; false when the row is held, does not meet the condition or does not exist. Run it inside a
    /// transaction when the caller reads the row after taking it.
    bool take(soci::session& s, const std::string& tenantId, const std::string& id, long long now, long long until) const;
    /// The SQL of take(), for logs and tests.
    const std::string& statement() const { return sql_; }

private:
    RowLeaseSpec spec_;
    std::string sql_;
};

} // namespace kabinet
