#pragma once
/// What operators do about consumers' access (КЭС, СИГМА: the `operator_grant` way): find a consumer, grant
/// them an account, a contract or a metering point by its number, and take a grant away.
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Database;
class Tenant;

class GrantService {
public:
    explicit GrantService(Database& db) : db_(db) {}

    /// The tenant's consumers whose login or e-mail contains q (at most 50; a q of digits, spaces, dashes,
    /// brackets and «+» — a СНИЛС as shown — also by its digits): login with its `login_field`, e-mail,
    /// phone, profile fields and grants (each with the number people know it by).
    Poco::JSON::Object::Ptr consumers(Tenant& t, const std::string& q);
    /// Grants (or, with `revoke`, takes away) {user_id, scope: account|contract|point, ref: its number (a
    /// point also by id)}; 422 naming the field when the consumer or the reference is not found. Granting
    /// twice keeps the first grant.
    void grant(Tenant& t, const SessionInfo& op, const Poco::JSON::Object::Ptr& body, bool revoke, const std::string& client = {});

private:
    Database& db_;
};

} // namespace kabinet
