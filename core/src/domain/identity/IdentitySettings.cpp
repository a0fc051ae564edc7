#include "identity/IdentitySettings.h"

#include "identity/IdentityJson.h"
#include "identity/Throttle.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

namespace kabinet {

using namespace idjson;

IdentitySettings::IdentitySettings(const Tenant& t) {
    auto id = obj(t.identity());
    confirmations = strings(id, "confirmations");
    auto sf = id->has("second_factor") ? obj(id->get("second_factor")) : JsonObject(new Poco::JSON::Object);
    offered = strings(sf, "offered");
    forcedRoles = strings(sf, "forced_roles");
    if (!str(id, "email_field").empty()) emailField = str(id, "email_field");
    if (!str(id, "phone_field").empty()) phoneField = str(id, "phone_field");
    // The tenant library checked these against its bounds and filled in its defaults: taken as they are.
    const auto lockout = ThrottleLimits::of(t, "lockout");
    maxFailures = lockout.maxFailures;
    windowMinutes = lockout.windowMinutes;
    lockMinutes = lockout.lockMinutes;
    auto sess = id->has("session") ? obj(id->get("session")) : JsonObject();
    sessionHours = number(sess, "hours", -1);
    rememberDays = number(sess, "remember_days", -1);
    if (sessionHours < 0 || rememberDays < 0) throw LuaError("tenant '" + t.id() + "': identity().session is incomplete");
    registrationMessage = str(id, "registration_message");
    postRegistration = id->has("post_registration") ? obj(id->get("post_registration")) : JsonObject();
    phoneByCode = flag(id, "phone_by_code");
}

bool IdentitySettings::needs(const std::string& what) const { return contains(confirmations, what); }

std::vector<std::string> IdentitySettings::remaining(const User& u) const {
    std::vector<std::string> r;
    if (needs("email") && !u.emailVerified) r.push_back("email");
    if (needs("phone") && !u.phoneVerified) r.push_back("phone");
    return r;
}

std::string settleState(UserStore& users, const IdentitySettings& st, User& u, long long now) {
    if (u.state == "pending" && st.remaining(u).empty()) {
        users.activate(u.id, now);
        u.state = "active";
    }
    return u.state;
}

} // namespace kabinet
