#pragma once
/// A supplier's contract record (plugin.h "contract": number, title, consumer_name, address, valid_from,
/// points with meters and their submission windows) stored in the meters domain: the contract with the
/// tenant's supplier value, its metering points and meters, where it lives at the supplier
/// (supplier_contracts, supplier_meters), and — when `userId` is given — the user's grant (way
/// supplier_login) titled `title`. Runs in the caller's transaction; returns the contract's id.
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace soci {
class session;
}

namespace kabinet {

struct SupplierContractSource {
    std::string tenantId, supplier, connectorId, accountId;
    std::optional<std::string> userId; ///< grants the contract to this user (keeps an existing title)
    std::string title;                 ///< the user's title of the contract ("" = the supplier's title)
    long long now = 0;
};

/// Stores one contract record; throws std::invalid_argument for a record without a number.
std::string storeSupplierContract(soci::session& se, const SupplierContractSource& src, const Poco::JSON::Object::Ptr& record);

} // namespace kabinet
