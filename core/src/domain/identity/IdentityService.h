#pragma once
/// Identity of consumers and staff, per tenant: the module's one entry point for the routes, the CLI and the
/// demo. Each method forwards to the service that holds its rules — RegistrationService (registration,
/// e-mail and phone confirmation), SessionService (login with throttling and an optional second factor,
/// sessions), ProfileService (profile, contact changes), PasswordService (change and reset),
/// SecondFactorService (TOTP or SMS with recovery codes), StaffService (staff accounts) — which keep their
/// SQL in the stores (UserStore, TokenStore, SessionStore, RecoveryCodeStore; Throttle for attempts). Every
/// write is one transaction; mails and text messages go through the outbox in the same transaction.
/// Methods throw the Error hierarchy (util/Error.h) with Russian messages.
#include "identity/PasswordService.h"
#include "identity/ProfileService.h"
#include "identity/RegistrationService.h"
#include "identity/SecondFactorService.h"
#include "identity/SessionInfo.h"
#include "identity/SessionService.h"
#include "identity/StaffService.h"

#include <Poco/JSON/Object.h>

#include <memory>
#include <string>

namespace kabinet {

class Database;
class PasswordHasher;
class Tenant;
struct Config;

class IdentityService {
public:
    /// The services over this database, hasher and configuration.
    IdentityService(Database& db, PasswordHasher& hasher, const Config& config);

    /// RegistrationService::registerUser.
    Poco::JSON::Object::Ptr registerUser(Tenant& t, const Poco::JSON::Object::Ptr& body, const std::string& client);
    /// RegistrationService::confirmEmail.
    Poco::JSON::Object::Ptr confirmEmail(Tenant& t, const std::string& token);
    /// RegistrationService::resendEmail.
    void resendEmail(Tenant& t, const Poco::JSON::Object::Ptr& body);
    /// RegistrationService::confirmPhone.
    Poco::JSON::Object::Ptr confirmPhone(Tenant& t, const std::string& pendingToken, const std::string& code);
    /// RegistrationService::resendPhone.
    void resendPhone(Tenant& t, const std::string& pendingToken);

    /// SessionService::login: by the tenant's login identifier (`kind` optional) or, for staff, by e-mail in
    /// every tenant (`kind` "staff" finds staff only). An account still waiting for confirmations gets status
    /// 403 `not_confirmed` with `remaining` and a fresh `pending_token` to finish them with.
    LoginResult login(Tenant& t, const Poco::JSON::Object::Ptr& body, const std::string& client);
    /// SessionService::secondFactor.
    LoginResult secondFactor(Tenant& t, const std::string& challenge, const std::string& code, const std::string& client);
    /// SessionService::logout.
    void logout(Tenant& t, const SessionInfo& s);
    /// The session for a cookie token at this tenant, or nullptr (unknown, expired, other tenant, disabled user).
    std::shared_ptr<SessionInfo> resolveSession(Tenant& t, const std::string& token);

    /// ProfileService::me: notification switches with the tenant's defaults for those never set, e-mail and
    /// phone with whether they are confirmed, a phone change waiting for its code.
    Poco::JSON::Object::Ptr me(Tenant& t, const SessionInfo& s);
    /// ProfileService::patchMe (PATCH semantics; a new e-mail waits for its link, a new phone where the
    /// tenant proves phones for its code).
    Poco::JSON::Object::Ptr patchMe(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body);
    /// ProfileService::confirmPhoneChange.
    Poco::JSON::Object::Ptr confirmPhoneChange(Tenant& t, const SessionInfo& s, const std::string& code);
    /// ProfileService::resendPhoneChange.
    void resendPhoneChange(Tenant& t, const SessionInfo& s);
    /// PasswordService::changePassword.
    void changePassword(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body);
    /// PasswordService::requestPasswordReset.
    void requestPasswordReset(Tenant& t, const Poco::JSON::Object::Ptr& body);
    /// PasswordService::confirmPasswordReset.
    void confirmPasswordReset(Tenant& t, const Poco::JSON::Object::Ptr& body);

    /// SecondFactorService::startSecondFactor.
    Poco::JSON::Object::Ptr startSecondFactor(Tenant& t, const SessionInfo& s, const std::string& method);
    /// SecondFactorService::confirmSecondFactor.
    Poco::JSON::Object::Ptr confirmSecondFactor(Tenant& t, const SessionInfo& s, const std::string& code);
    /// SecondFactorService::disableSecondFactor.
    void disableSecondFactor(Tenant& t, const SessionInfo& s, const std::string& password);

    /// StaffService::createStaff: a staff account (operator or tenant-admin), active at once. Throws
    /// Conflict when taken.
    std::string createStaff(Tenant& t, const std::string& role, const std::string& email, const std::string& fullName,
                            const std::string& password, const StaffActor& by = {});
    /// StaffService::listStaff.
    Poco::JSON::Array::Ptr listStaff(Tenant& t);
    /// StaffService::setStaffActive.
    Poco::JSON::Object::Ptr setStaffActive(Tenant& t, const std::string& staffId, bool active, const StaffActor& by);
    /// StaffService::resetSecondFactor.
    Poco::JSON::Object::Ptr resetStaffSecondFactor(Tenant& t, const std::string& staffId, const StaffActor& by);

    /// The CSRF value that belongs to a session token hash.
    static std::string csrfFor(const std::string& tokenHash) { return SessionService::csrfFor(tokenHash); }

private:
    RegistrationService registration_;
    SessionService sessions_;
    ProfileService profile_;
    PasswordService passwords_;
    SecondFactorService secondFactor_;
    StaffService staff_;
};

} // namespace kabinet
