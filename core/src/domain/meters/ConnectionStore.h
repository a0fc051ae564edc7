#pragma once
/// A new connection to the grid as the utility's reference data records it: a personal account, one metering
/// point at the connected object's address under it, and the applicant's access to the account (so they see
/// the point under «Точки учёта» at once). Works inside the caller's transaction, on one tenant's rows.
#include <optional>
#include <string>

namespace soci {
class session;
}

namespace kabinet {

/// What a connection creates: the account's number and holder, the point's name, address and power limit, and
/// who gets access (the applicant) and who gave it (an operator; empty: the rules).
struct NewConnection {
    std::string userId, accountNumber, holderName, pointName, address, grantedBy;
    double powerKw = 0;
    long long at = 0;
};

/// The ids of what a connection created.
struct Connected {
    std::string accountId, pointId;
};

class ConnectionStore {
public:
    /// Works on the rows of `tenantId` through `s`, which must outlive the store.
    ConnectionStore(soci::session& s, std::string tenantId) : s_(s), tenant_(std::move(tenantId)) {}

    /// True when the tenant has a personal account or a metering point with this number already.
    bool numberTaken(const std::string& number);
    /// Creates the account (its number must not be taken: numberTaken), its point (numbered as the account) and the grant of
    /// the account to `c.userId` (way `operator_grant`); an existing grant is kept.
    Connected connect(const NewConnection& c);

private:
    soci::session& s_;
    std::string tenant_;
};

} // namespace kabinet
