#pragma once
/// A tenant's identity settings (`kabinet.tenant.identity`) as the services apply them. The tenant library
/// checked every value against its bounds and filled in its defaults; C++ adds no bounds of its own.
#include "identity/UserStore.h"

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace kabinet {

class Tenant;

struct IdentitySettings {
    std::vector<std::string> confirmations; ///< what a new account proves before it is active: "email", "phone"
    std::vector<std::string> offered;       ///< second factors a user may switch on: "sms", "totp"
    std::vector<std::string> forcedRoles;   ///< roles that must have a second factor
    std::string emailField = "email", phoneField = "phone";
    int maxFailures = 0, windowMinutes = 0, lockMinutes = 0; ///< login lockout (identity.lockout)
    int sessionHours = 0, rememberDays = 0;                   ///< rememberDays 0: «remember me» is off
    std::string registrationMessage;
    Poco::JSON::Object::Ptr postRegistration; ///< messages after registration by applicant kind or "all"; may be null
    bool phoneByCode = false; ///< a new phone counts only once a code sent to it is entered

    /// Reads the tenant's settings; throws LuaError when the library left the session lengths or limits out.
    explicit IdentitySettings(const Tenant& t);
    /// Whether new accounts must confirm `what` ("email", "phone").
    bool needs(const std::string& what) const;
    /// What the user has still to confirm, in the order "email", "phone".
    std::vector<std::string> remaining(const User& u) const;
};

/// Activates a pending user whose confirmations are all done (in the caller's transaction); returns the
/// state after.
std::string settleState(UserStore& users, const IdentitySettings& st, User& u, long long now);

} // namespace kabinet
