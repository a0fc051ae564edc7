#pragma once
/// «Добавить договор» (seed 004 §2.2, §3.2): a consumer links the contracts of their supplier account by the
/// login and password the supplier issued. The supplier is a value of the tenant's `suppliers` dictionary;
/// its connector is the tenant's connector with accounts = "consumer" and that `supplier`. The connector's
/// "link" call checks the credentials and answers a token and the contracts; the password is used for that
/// call only and never stored or logged. The consumer's connector account keeps the token sealed by the
/// SecretBox; the contracts, points and meters are stored and granted in one transaction; then the account's
/// sync tasks are scheduled.
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace kabinet {

class ConnectorHub;
class Database;
class Tenant;

/// The tenant's connector serving a supplier (accounts = "consumer"), if it declares one and it is ready (its
/// plugin loaded and configured).
std::optional<std::string> supplierConnector(ConnectorHub& hub, const Tenant& t, const std::string& supplier);

class SupplierLink {
public:
    SupplierLink(Database& db, ConnectorHub& hub) : db_(db), hub_(hub) {}

    /// POST access/supplier {supplier, title, login, password}: 422 naming the field (Russian) for a missing
    /// value, an unknown supplier or credentials the supplier refuses; 503 (Retry-After) while the supplier has
    /// no configured connector or does not answer; 502 for an answer that makes no sense. Answers
    /// {contracts:[{id, number, title}], message}.
    Poco::JSON::Object::Ptr link(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body, long long now);
    /// Whether the supplier's connector is a plugin of ABI 1.0 (only `link_contracts`: no token, no syncs); such a
    /// link is AccessService::linkSupplier's.
    bool legacy(const Tenant& t, const Poco::JSON::Object::Ptr& body);

private:
    Database& db_;
    ConnectorHub& hub_;
};

} // namespace kabinet
