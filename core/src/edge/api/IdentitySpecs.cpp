#include "api/IdentitySpecs.h"

#include "api/CommonShapes.h"
#include "api/TenantSpecs.h"

namespace kabinet::spec {

using namespace shape;

namespace {
Shape text(std::initializer_list<const char*> names) {
    std::vector<Member> members;
    for (const char* n : names) members.push_back({n, string()});
    return object(members);
}

Shape user() {
    static const Shape s = named(
        "User", object({{"id", shapes::id()},
                        {"kind", string()},
                        {"role", oneOf({"consumer", "operator", "tenant-admin", "platform-admin"})},
                        {"state", oneOf({"pending", "active", "disabled"})},
                        {"login", object({{"field", string()}, {"value", string()}})},
                        {"fields", shapes::formValues()},
                        {"display_name", nullable(string())},
                        {"email", nullable(string())},
                        {"email_verified", boolean()},
                        {"phone", nullable(string())},
                        {"phone_verified", boolean()},
                        {"phone_change_pending?", described(nullable(string()), "a new phone waiting for its code")},
                        {"second_factor", nullable(oneOf({"sms", "totp"}))},
                        {"second_factor_required", boolean()},
                        {"notifications", described(mapOf(boolean()), "switch id → on")}}));
    return s;
}

/// A completed login and GET me: the user and the CSRF value writes carry.
Shape session() {
    static const Shape s = named("Session", object({{"user", user()}, {"csrf", string()}, {"email_change_pending?", boolean()}}));
    return s;
}

Shape confirmation() {
    static const Shape s = named("Confirmation", object({{"ok", boolean()},
                                                         {"state?", oneOf({"pending", "active"})},
                                                         {"remaining?", arrayOf(oneOf({"email", "phone"}))}}));
    return s;
}
} // namespace

RouteSpec registration() {
    const Shape created = object({{"user", object({{"id", shapes::id()}, {"kind", string()}, {"state", oneOf({"pending", "active"})}})},
                                  {"confirmations", arrayOf(oneOf({"email", "phone"}))},
                                  {"pending_token?", string()},
                                  {"message", string()}});
    return RouteSpec("Registers a consumer")
        .group("identity")
        .body(registrationBody())
        .answer(201, created)
        .errors({409, 422, 429});
}

RouteSpec confirmEmail() {
    return RouteSpec("Confirms an e-mail address by the token of the mailed link")
        .group("identity")
        .body(text({"token"}))
        .answer(200, confirmation())
        .errors({410});
}

RouteSpec resendEmail() {
    return RouteSpec("Sends the e-mail confirmation link again (the same answer whether or not an account waits)")
        .group("identity")
        .body(object({{"pending_token?", string()}, {"email?", string()}}))
        .answer(202, shapes::okMessage())
        .errors({429});
}

RouteSpec confirmPhone() {
    return RouteSpec("Confirms the phone of a registration by its SMS code")
        .group("identity")
        .body(text({"pending_token", "code"}))
        .answer(200, confirmation())
        .errors({410, 422});
}

RouteSpec resendPhone() {
    return RouteSpec("Sends the registration's SMS code again")
        .group("identity")
        .body(text({"pending_token"}))
        .answer(202, shapes::ok())
        .errors({410, 429});
}

RouteSpec login() {
    const Shape step = named("SecondFactorStep", object({{"second_factor", oneOf({"sms", "totp"})}, {"challenge", string()}}));
    return RouteSpec("Logs in: sets the session cookie, or asks for the second factor")
        .group("identity")
        .body(object({{"login", string()}, {"password", string()}, {"remember?", boolean()}, {"kind?", string()}}))
        .answer(200, either({session(), step}))
        .errors({401, 403, 429});
}

RouteSpec loginSecondFactor() {
    return RouteSpec("Completes a login with a TOTP, SMS or recovery code")
        .group("identity")
        .body(text({"challenge", "code"}))
        .answer(200, session())
        .errors({401, 410, 429});
}

RouteSpec logout() { return RouteSpec("Ends the session and clears its cookie").group("identity").answer(204, nullptr); }

RouteSpec me() { return RouteSpec("The logged-in user and the CSRF value").group("identity").answer(200, session()); }

RouteSpec patchMe() {
    return RouteSpec("Changes profile fields and notification switches (only the ones sent)")
        .group("identity")
        .body(object({{"fields?", shapes::formValues()}, {"notifications?", mapOf(boolean())}}))
        .answer(200, session())
        .errors({409, 422, 429});
}

RouteSpec confirmPhoneChange() {
    return RouteSpec("Confirms a new phone by the code sent to it")
        .group("identity")
        .body(text({"code"}))
        .answer(200, session())
        .errors({410, 422});
}

RouteSpec resendPhoneChange() {
    return RouteSpec("Sends the code for the phone waiting again").group("identity").answer(202, shapes::ok()).errors({410, 429});
}

RouteSpec changePassword() {
    return RouteSpec("Changes the password; other sessions of the user end")
        .group("identity")
        .body(text({"old", "new", "confirm"}))
        .answer(200, shapes::ok())
        .errors({422});
}

RouteSpec requestPasswordReset() {
    return RouteSpec("Mails a password reset link (the same answer whether or not the account exists)")
        .group("identity")
        .body(object({{"email?", string()}, {"login?", string()}}))
        .answer(202, shapes::okMessage())
        .errors({422, 429});
}

RouteSpec confirmPasswordReset() {
    return RouteSpec("Sets a new password by the token of the mailed link; every session of the user ends")
        .group("identity")
        .body(text({"token", "password", "confirm"}))
        .answer(200, shapes::ok())
        .errors({410, 422});
}

RouteSpec startSecondFactor() {
    return RouteSpec("Starts setting up a second factor: a TOTP secret, or a code sent by SMS")
        .group("identity")
        .body(object({{"method", oneOf({"totp", "sms"})}}))
        .answer(200, object({{"method", oneOf({"totp", "sms"})},
                             {"secret?", string()},
                             {"otpauth_uri?", string()},
                             {"otpauth_qr?", described(string(), "an SVG data URI of the otpauth URI's QR code")},
                             {"sent?", boolean()}}))
        .errors({409, 422, 429});
}

RouteSpec confirmSecondFactor() {
    return RouteSpec("Switches the second factor on with a first code; answers the recovery codes")
        .group("identity")
        .body(text({"code"}))
        .answer(200, object({{"recovery_codes", arrayOf(string())}}))
        .errors({410, 422});
}

RouteSpec disableSecondFactor() {
    return RouteSpec("Switches the second factor off (refused where the tenant forces it for the role)")
        .group("identity")
        .body(text({"password"}))
        .answer(204, nullptr)
        .errors({403, 422});
}

namespace {
Shape staffMember() {
    return named("Staff", object({{"id", shapes::id()},
                                  {"role", oneOf({"operator", "tenant-admin"})},
                                  {"email", string()},
                                  {"full_name", string()},
                                  {"state", oneOf({"active", "disabled"})},
                                  {"second_factor", nullable(oneOf({"sms", "totp"}))},
                                  {"created_at", shapes::unixTime()}}));
}
} // namespace

RouteSpec listOperators() {
    return RouteSpec("The utility's staff (operators and tenant administrators)")
        .group("identity")
        .answer(200, object({{"operators", arrayOf(staffMember())}}))
        .errors({401, 403});
}

RouteSpec createOperator() {
    return RouteSpec("Creates a staff account, active at once (role operator unless tenant-admin is asked for)")
        .group("identity")
        .body(object({{"email", string()}, {"full_name", string()}, {"password", string()}, {"role?", oneOf({"operator", "tenant-admin"})}}))
        .answer(201, object({{"id", shapes::id()}, {"role", oneOf({"operator", "tenant-admin"})}}))
        .errors({401, 403, 409, 422});
}

RouteSpec setOperatorActive(bool active) {
    return RouteSpec(active ? "Enables a disabled staff account" : "Disables a staff account: no logins, its sessions end at once")
        .group("identity")
        .answer(200, object({{"operator", staffMember()}}))
        .errors({401, 403, 404, 409});
}

RouteSpec resetOperatorSecondFactor() {
    return RouteSpec("Resets a staff member's second factor (and recovery codes); their sessions end")
        .group("identity")
        .answer(200, object({{"operator", staffMember()}}))
        .errors({401, 403, 404, 409});
}

} // namespace kabinet::spec
