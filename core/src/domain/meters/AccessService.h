#pragma once
/// How a consumer gets access to meter data (SPEC §2.2), by the ways the tenant offers their applicant kind
/// (`access_ways`): a personal account number found in the utility's data, ОГРН (ОГРНИП) confirmed by the
/// number of one of its contracts, the supplier's login (through a connector plugin); and the access page:
/// what is granted, a contract's own title. Operators' grants are GrantService's. Answers are JSON objects
/// (docs/API.md).
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace kabinet {

class Connector;
class Database;
class Tenant;

class AccessService {
public:
    /// The connector plugin instance serving a supplier (a `suppliers` dictionary value) of the tenant, or null.
    using SupplierConnector = std::function<std::shared_ptr<Connector>(Tenant&, const std::string& supplier)>;
    /// `connectors`: finds the connector of a supplier (the ConnectorHub's "consumer" connectors).
    AccessService(Database& db, SupplierConnector connectors) : db_(db), connectors_(std::move(connectors)) {}

    /// The ways the user's applicant kind has, the accounts and contracts granted to them (a supplier with its
    /// name from the `suppliers` dictionary) and how many metering points they see.
    Poco::JSON::Object::Ptr access(Tenant& t, const SessionInfo& s);
    /// Grants the account with this number (spaces and dashes ignored); 404 when the utility has none, 409
    /// when it is granted already. Guesses are throttled per user and per client address and misses audited
    /// (identity/GuessGuard): 429 with Retry-After while they must wait.
    Poco::JSON::Object::Ptr addAccount(Tenant& t, const SessionInfo& s, const std::string& number, const std::string& client);
    /// Takes an account grant of the user away; 404 when there is none.
    void removeAccount(Tenant& t, const SessionInfo& s, const std::string& accountId);
    /// Whether the utility's contracts carry the ОГРН (ОГРНИП) of the user's profile: {"found": true}, else 404.
    Poco::JSON::Object::Ptr checkOgrn(Tenant& t, const SessionInfo& s);
    /// Grants the contracts of the user's ОГРН once a contract number of it is named (422 otherwise); guesses
    /// as addAccount. Answers the contracts granted.
    Poco::JSON::Object::Ptr confirmOgrn(Tenant& t, const SessionInfo& s, const std::string& contractNumber, const std::string& client);
    /// Links the contracts a supplier login gives access to (ОЭС 360): checks the supplier against the tenant's
    /// `suppliers` dictionary, asks the connector, stores the contracts and grants them with the given title.
    /// 503 while the supplier has no connector or does not answer, 422 when it refuses the login.
    Poco::JSON::Object::Ptr linkSupplier(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body);
    /// The user's own title of a contract granted to them (1 to 200 characters); 404 when not granted.
    void renameContract(Tenant& t, const SessionInfo& s, const std::string& contractId, const std::string& title);

private:
    Database& db_;
    SupplierConnector connectors_;
};

} // namespace kabinet
