#pragma once
/// Staff accounts of a tenant (operators and tenant admins): made by a tenant admin or the CLI, active at
/// once, logging in by e-mail. Methods throw the Error hierarchy (util/Error.h) with Russian messages.
#include "identity/IdentityContext.h"

#include <Poco/JSON/Array.h>

#include <string>

namespace kabinet {

class Tenant;

class StaffService {
public:
    /// Works with the database, password hasher, configuration and outbox wake-up of `ctx`.
    explicit StaffService(IdentityContext ctx) : ctx_(std::move(ctx)) {}

    /// Creates a staff account (`role` operator or tenant-admin), active at once, its e-mail confirmed and
    /// its login. 422 naming each bad field (a staff password has at least 10 characters); 409 when the
    /// e-mail is taken as anyone's login or e-mail. Returns the new user's id.
    std::string createStaff(Tenant& t, const std::string& role, const std::string& email, const std::string& fullName,
                            const std::string& password);
    /// The tenant's operators and admins, by e-mail: [{id, role, email, full_name}].
    Poco::JSON::Array::Ptr listStaff(Tenant& t);

private:
    IdentityContext ctx_;
};

} // namespace kabinet
