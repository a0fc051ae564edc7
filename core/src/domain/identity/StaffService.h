#pragma once
/// Staff accounts of a tenant (operators and tenant admins): made by a tenant admin or the CLI, active at
/// once, logging in by e-mail; disabled and enabled again, their second factor reset by a tenant admin.
/// Every change is one transaction together with its audit entry (kind `staff`, identity/AuditLog.h).
/// Methods throw the Error hierarchy (util/Error.h) with Russian messages.
#include "identity/IdentityContext.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Tenant;

/// Who makes a staff change and from where, for the audit log; an empty user id is the server's CLI.
struct StaffActor {
    std::string userId;
    std::string client;
};

class StaffService {
public:
    /// Works with the database, password hasher, configuration and outbox wake-up of `ctx`.
    explicit StaffService(IdentityContext ctx) : ctx_(std::move(ctx)) {}

    /// Creates a staff account (`role` operator or tenant-admin), active at once, its e-mail confirmed and
    /// its login. 422 naming each bad field (a staff password has at least 10 characters); 409 when the
    /// e-mail is taken as anyone's login or e-mail. Returns the new user's id.
    std::string createStaff(Tenant& t, const std::string& role, const std::string& email, const std::string& fullName,
                            const std::string& password, const StaffActor& by = {});
    /// The tenant's operators and admins, by e-mail: [{id, role, email, full_name, state, second_factor, created_at}].
    Poco::JSON::Array::Ptr listStaff(Tenant& t);
    /// Disables (`active` false) or enables a staff member; a disabled one cannot log in and every session of
    /// theirs ends at once. 404 when `staffId` is not staff of the tenant, 409 `own_account` for the admin's own
    /// account. Doing it twice changes nothing (and is not audited again). Answers the member as listStaff does.
    Poco::JSON::Object::Ptr setStaffActive(Tenant& t, const std::string& staffId, bool active, const StaffActor& by);
    /// Resets a staff member's second factor (a lost phone or authenticator): no factor, no recovery codes, no
    /// set-up waiting, and their sessions end; where the tenant demands a factor for the role, the next login
    /// asks them to set one up. 404 as above, 409 `own_account` (one's own factor is changed in the profile),
    /// 409 `no_second_factor` when none is set. Answers the member as listStaff does.
    Poco::JSON::Object::Ptr resetSecondFactor(Tenant& t, const std::string& staffId, const StaffActor& by);

private:
    IdentityContext ctx_;
};

} // namespace kabinet
