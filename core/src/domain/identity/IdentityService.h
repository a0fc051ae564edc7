#pragma once
/// Identity of consumers and staff, per tenant: registration by the tenant's Lua rules, e-mail and phone
/// confirmation, login with throttling and an optional second factor (SMS code or TOTP with recovery
/// codes), sessions (opaque tokens; only their SHA-256 is stored), profile, password change and reset,
/// staff accounts. Every write is one transaction; mails and text messages go through the outbox in the
/// same transaction. Methods throw the Error hierarchy (util/Error.h) with Russian messages.
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <functional>
#include <memory>
#include <string>

namespace kabinet {

class Database;
class PasswordHasher;
class Tenant;
struct Config;

/// A login that completed: the session token for the cookie, and the answer body.
struct LoginResult {
    int status = 200;     ///< HTTP status of the answer (403 for an account still to be confirmed)
    std::string token;    ///< raw session token (cookie value); empty when a second factor is pending
    bool remember = false;
    long long maxAgeSeconds = 0;
    Poco::JSON::Object::Ptr body;
};

class IdentityService {
public:
    /// `poke` wakes the outbox after a commit that queued messages.
    IdentityService(Database& db, PasswordHasher& hasher, const Config& config, std::function<void()> poke);

    Poco::JSON::Object::Ptr registerUser(Tenant& t, const Poco::JSON::Object::Ptr& body, const std::string& client);
    Poco::JSON::Object::Ptr confirmEmail(Tenant& t, const std::string& token);
    void resendEmail(Tenant& t, const Poco::JSON::Object::Ptr& body);
    Poco::JSON::Object::Ptr confirmPhone(Tenant& t, const std::string& pendingToken, const std::string& code);
    void resendPhone(Tenant& t, const std::string& pendingToken);

    /// Logs in by the tenant's login identifier (`kind` optional) or, for staff, by e-mail in every tenant
    /// (`kind` "staff" finds staff only). An account still waiting for confirmations gets status 403
    /// `not_confirmed` with `remaining` and a fresh `pending_token` to finish them with.
    LoginResult login(Tenant& t, const Poco::JSON::Object::Ptr& body, const std::string& client);
    LoginResult secondFactor(Tenant& t, const std::string& challenge, const std::string& code, const std::string& client);
    void logout(Tenant& t, const SessionInfo& s);
    /// The session for a cookie token at this tenant, or nullptr (unknown, expired, other tenant, disabled user).
    std::shared_ptr<SessionInfo> resolveSession(Tenant& t, const std::string& token);

    /// The user as the profile shows it: notification switches with the tenant's defaults for those never
    /// set, e-mail and phone with whether they are confirmed, a phone change waiting for its code.
    Poco::JSON::Object::Ptr me(Tenant& t, const SessionInfo& s);
    /// Changes profile fields and notification switches (PATCH semantics). A new e-mail waits for its link;
    /// where the tenant proves phones by a code, a new phone waits for the code sent to it
    /// (`phone_change_pending`) and the old one stays until then.
    Poco::JSON::Object::Ptr patchMe(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body);
    /// Enters the code sent to the new phone: the new phone replaces the old one, confirmed. 422 wrong
    /// code (attempts counted), 410 no change waiting or the code used up.
    Poco::JSON::Object::Ptr confirmPhoneChange(Tenant& t, const SessionInfo& s, const std::string& code);
    /// Sends a new code to the phone waiting for confirmation — the new one, or else the phone in use when
    /// the tenant proves phones and it is not proven yet (429 within a minute of the last code; 410 none).
    void resendPhoneChange(Tenant& t, const SessionInfo& s);
    void changePassword(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body);
    void requestPasswordReset(Tenant& t, const Poco::JSON::Object::Ptr& body);
    void confirmPasswordReset(Tenant& t, const Poco::JSON::Object::Ptr& body);

    Poco::JSON::Object::Ptr startSecondFactor(Tenant& t, const SessionInfo& s, const std::string& method);
    Poco::JSON::Object::Ptr confirmSecondFactor(Tenant& t, const SessionInfo& s, const std::string& code);
    void disableSecondFactor(Tenant& t, const SessionInfo& s, const std::string& password);

    /// Creates a staff account (operator or tenant-admin), active at once. Throws Conflict when taken.
    std::string createStaff(Tenant& t, const std::string& role, const std::string& email, const std::string& fullName,
                            const std::string& password);
    Poco::JSON::Array::Ptr listStaff(Tenant& t);

    /// The CSRF value that belongs to a session token hash.
    static std::string csrfFor(const std::string& tokenHash);

private:
    struct Impl;
    Database& db_;
    PasswordHasher& hasher_;
    const Config& config_;
    std::function<void()> poke_;
};

} // namespace kabinet
