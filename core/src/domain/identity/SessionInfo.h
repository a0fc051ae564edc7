#pragma once
/// Who is calling: the session a request carries, as the domain sees it. Services take it to decide what
/// the caller may see and do; the HTTP layer fills it from the session cookie.
#include <string>

namespace kabinet {

/// A valid session of a tenant's user.
struct SessionInfo {
    std::string userId;
    std::string role; ///< consumer, operator, tenant-admin, platform-admin
    std::string kind;
    std::string tokenHash;
    std::string csrf; ///< the value writes must carry in X-CSRF-Token
    bool secondFactorRequired = false; ///< the tenant forces a second factor for the role and none is set yet
};

} // namespace kabinet
