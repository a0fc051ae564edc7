#include "identity/IdentityService.h"

namespace kabinet {

using JsonObject = Poco::JSON::Object::Ptr;

namespace {
IdentityContext context(Database& db, PasswordHasher& hasher, const Config& config) {
    return IdentityContext{db, hasher, config};
}
} // namespace

IdentityService::IdentityService(Database& db, PasswordHasher& hasher, const Config& config)
    : registration_(context(db, hasher, config)), sessions_(context(db, hasher, config)), profile_(context(db, hasher, config)),
      passwords_(context(db, hasher, config)), secondFactor_(context(db, hasher, config)), staff_(context(db, hasher, config)) {}

JsonObject IdentityService::registerUser(Tenant& t, const JsonObject& body, const std::string& client) {
    return registration_.registerUser(t, body, client);
}
JsonObject IdentityService::confirmEmail(Tenant& t, const std::string& token) { return registration_.confirmEmail(t, token); }
void IdentityService::resendEmail(Tenant& t, const JsonObject& body) { registration_.resendEmail(t, body); }
JsonObject IdentityService::confirmPhone(Tenant& t, const std::string& pendingToken, const std::string& code) {
    return registration_.confirmPhone(t, pendingToken, code);
}
void IdentityService::resendPhone(Tenant& t, const std::string& pendingToken) { registration_.resendPhone(t, pendingToken); }

LoginResult IdentityService::login(Tenant& t, const JsonObject& body, const std::string& client) { return sessions_.login(t, body, client); }
LoginResult IdentityService::secondFactor(Tenant& t, const std::string& challenge, const std::string& code, const std::string& client) {
    return sessions_.secondFactor(t, challenge, code, client);
}
void IdentityService::logout(Tenant& t, const SessionInfo& s) { sessions_.logout(t, s); }
std::shared_ptr<SessionInfo> IdentityService::resolveSession(Tenant& t, const std::string& token) {
    return sessions_.resolveSession(t, token);
}

JsonObject IdentityService::me(Tenant& t, const SessionInfo& s) { return profile_.me(t, s); }
JsonObject IdentityService::patchMe(Tenant& t, const SessionInfo& s, const JsonObject& body) { return profile_.patchMe(t, s, body); }
JsonObject IdentityService::confirmPhoneChange(Tenant& t, const SessionInfo& s, const std::string& code) {
    return profile_.confirmPhoneChange(t, s, code);
}
void IdentityService::resendPhoneChange(Tenant& t, const SessionInfo& s) { profile_.resendPhoneChange(t, s); }
void IdentityService::changePassword(Tenant& t, const SessionInfo& s, const JsonObject& body) { passwords_.changePassword(t, s, body); }
void IdentityService::requestPasswordReset(Tenant& t, const JsonObject& body) { passwords_.requestPasswordReset(t, body); }
void IdentityService::confirmPasswordReset(Tenant& t, const JsonObject& body) { passwords_.confirmPasswordReset(t, body); }

JsonObject IdentityService::startSecondFactor(Tenant& t, const SessionInfo& s, const std::string& method) {
    return secondFactor_.startSecondFactor(t, s, method);
}
JsonObject IdentityService::confirmSecondFactor(Tenant& t, const SessionInfo& s, const std::string& code) {
    return secondFactor_.confirmSecondFactor(t, s, code);
}
void IdentityService::disableSecondFactor(Tenant& t, const SessionInfo& s, const std::string& password) {
    secondFactor_.disableSecondFactor(t, s, password);
}

std::string IdentityService::createStaff(Tenant& t, const std::string& role, const std::string& email, const std::string& fullName,
                                         const std::string& password, const StaffActor& by) {
    return staff_.createStaff(t, role, email, fullName, password, by);
}
Poco::JSON::Array::Ptr IdentityService::listStaff(Tenant& t) { return staff_.listStaff(t); }
Poco::JSON::Object::Ptr IdentityService::setStaffActive(Tenant& t, const std::string& staffId, bool active, const StaffActor& by) {
    return staff_.setStaffActive(t, staffId, active, by);
}
Poco::JSON::Object::Ptr IdentityService::resetStaffSecondFactor(Tenant& t, const std::string& staffId, const StaffActor& by) {
    return staff_.resetSecondFactor(t, staffId, by);
}

} // namespace kabinet
