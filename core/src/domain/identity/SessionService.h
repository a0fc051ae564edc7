#pragma once
/// Logins and sessions: a login by the tenant's login identifier (staff by e-mail) under the shared
/// Throttle, the second factor of a login, the sessions themselves (opaque tokens; only their SHA-256 is
/// stored) and their CSRF values. Each write is one transaction. Methods throw the Error hierarchy
/// (util/Error.h) with Russian messages.
#include "config/Config.h"
#include "identity/IdentityContext.h"
#include "identity/SessionCache.h"
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <memory>
#include <string>

namespace kabinet {

class Tenant;

/// A login that completed: the session token for the cookie, and the answer body.
struct LoginResult {
    int status = 200;     ///< HTTP status of the answer (403 for an account still to be confirmed)
    std::string token;    ///< raw session token (cookie value); empty when a second factor is pending
    bool remember = false;
    long long maxAgeSeconds = 0;
    Poco::JSON::Object::Ptr body;
};

class SessionService {
public:
    /// Works with the database, password hasher, configuration and outbox wake-up of `ctx`.
    explicit SessionService(IdentityContext ctx)
        : ctx_(std::move(ctx)), cache_(std::chrono::milliseconds(ctx_.config.sessionCacheMs)) {}

    /// Logs in by the tenant's login identifier (`kind` optional) or, for staff, by e-mail in every tenant
    /// (`kind` "staff" finds staff only). The attempt is reserved in the Throttle before the password is
    /// checked (429 while the account or address must wait); a wrong password or unknown account is 401
    /// `invalid_credentials` either way, at the same cost. An account still waiting for confirmations gets
    /// status 403 `not_confirmed` with `remaining` and a fresh `pending_token` to finish them with; an
    /// account with a second factor gets a `challenge` instead of a session.
    LoginResult login(Tenant& t, const Poco::JSON::Object::Ptr& body, const std::string& client);
    /// Completes a login waiting for its second factor: an SMS code, a TOTP code (a used time step is never
    /// accepted again) or a recovery code (single use). 401 `invalid_code` (counted; 410 after 5 or once the
    /// challenge expired).
    LoginResult secondFactor(Tenant& t, const std::string& challenge, const std::string& code, const std::string& client);
    /// Ends the caller's session.
    void logout(Tenant& t, const SessionInfo& s);
    /// The session for a cookie token at this tenant, or nullptr (unknown, expired, other tenant, disabled user).
    std::shared_ptr<SessionInfo> resolveSession(Tenant& t, const std::string& token);

    /// The CSRF value that belongs to a session token hash.
    static std::string csrfFor(const std::string& tokenHash);

private:
    IdentityContext ctx_;
    SessionCache cache_; ///< live sessions looked up a moment ago (--session-cache-ms)
};

} // namespace kabinet
