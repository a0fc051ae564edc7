#include "api/TenantSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;

namespace {
/// The members of a form field; the tenant library may add keys, so the object is open.
std::vector<Member> fieldMembers() {
    return {{"name", string()},
            {"label", string()},
            {"type", string()},
            {"required", boolean()},
            {"login", boolean()},
            {"dictionary?", string()},
            {"options?", arrayOf(open(object({{"value", string()}, {"label", string()}})))},
            {"visible_if?", object({{"field", string()}, {"equals", any()}})},
            {"hint?", string()},
            {"placeholder?", string()},
            {"min_length?", integer()},
            {"max_length?", integer()},
            {"same_as?", string()},
            {"default?", any()}};
}

Shape formField() {
    static const Shape s = named("FormField", open(object(fieldMembers())));
    return s;
}

Shape profileField() {
    auto members = fieldMembers();
    members.push_back({"editable", boolean()});
    members.push_back({"profile_only", boolean()});
    static const Shape s = named("ProfileField", open(object(members)));
    return s;
}

Shape formKinds(const Shape& field) {
    return arrayOf(object({{"id", string()}, {"label", string()}, {"fields", arrayOf(field)}}));
}
} // namespace

Shape registrationBody() {
    static const Shape s = named("RegistrationInput", open(object({{"kind?", string()},
                                                                   {"fields", shapes::formValues()},
                                                                   {"consents?", arrayOf(string())}})));
    return s;
}

RouteSpec tenantProfile() {
    const Shape kind = named("ApplicantKind", object({{"id", string()},
                                                      {"label", string()},
                                                      {"login", object({{"name", string()}, {"label", string()}, {"type", string()}})},
                                                      {"access_ways", arrayOf(string())}}));
    const Shape profile = named(
        "TenantProfile",
        open(object({{"id", string()},
                     {"name", string()},
                     {"short_name", string()},
                     {"timezone", string()},
                     {"branding", open(object({{"primary", string()}, {"accent", string()}, {"logo?", string()}, {"monogram", string()}}))},
                     {"modules", arrayOf(string())},
                     {"applicant_kinds", arrayOf(kind)},
                     {"case_groups", arrayOf(open(object({{"id", string()}, {"label", string()}, {"file_label", string()}, {"list_label", string()}, {"kind_label", string()}, {"kind_placeholder", string()}, {"list", string()}})))},
                     {"hosts", arrayOf(string())},
                     {"confirmations", arrayOf(oneOf({"email", "phone"}))},
                     {"second_factor?", string()},
                     {"access_ways", arrayOf(string())},
                     {"settings?", described(mapOf(mapOf(any())), "settings.<module> of the modules the tenant switches on")}})));
    return RouteSpec("The utility's public profile: names, branding, modules, applicant kinds").group("tenant").answer(200, profile);
}

RouteSpec registrationForm() {
    const Shape consent = named("Consent", open(object({{"id", string()},
                                                        {"label", string()},
                                                        {"title?", string()},
                                                        {"version", string()},
                                                        {"text", string()},
                                                        {"required", boolean()},
                                                        {"implicit", boolean()}})));
    const Shape form = object({{"kinds", formKinds(formField())},
                               {"consents", arrayOf(consent)},
                               {"password_policy", open(object({{"min_length", integer()},
                                                                {"max_length", integer()},
                                                                {"latin_only?", boolean()},
                                                                {"require_digit?", boolean()},
                                                                {"require_letter?", boolean()},
                                                                {"require_upper?", boolean()}}))},
                               {"messages", mapOf(string())}});
    return RouteSpec("The registration form of every applicant kind, its consents and password policy")
        .group("tenant")
        .answer(200, form);
}

RouteSpec dictionary() {
    return RouteSpec("A dictionary of the utility (e.g. streets)")
        .group("tenant")
        .answer(200, object({{"name", string()}, {"items", arrayOf(open(object({{"value", string()}, {"label", string()}})))}}))
        .errors({404});
}

RouteSpec validateRegistration() {
    return RouteSpec("Checks a registration without storing it")
        .group("tenant")
        .body(registrationBody())
        .answer(200, shapes::ok())
        .errors({400, 415, 422});
}

RouteSpec profileForm() {
    const Shape form = object({{"kinds", formKinds(profileField())},
                               {"messages", mapOf(string())},
                               {"notifications?", arrayOf(open(object({{"id", string()}, {"label", string()}, {"default", boolean()}})))},
                               {"confirmed", object({{"email?", string()}, {"phone?", string()}})}});
    return RouteSpec("The profile form of every applicant kind, its notification switches and confirmed contacts")
        .group("tenant")
        .answer(200, form);
}

RouteSpec plugins() {
    const Shape plugin = named("Plugin", object({{"name", string()},
                                                 {"kind", string()},
                                                 {"version", string()},
                                                 {"abi", string()},
                                                 {"status", string()}}));
    return RouteSpec("The plugins the server loaded and the ones that failed")
        .group("tenant")
        .answer(200, object({{"plugins", arrayOf(plugin)}, {"failed", arrayOf(object({{"folder", string()}, {"error", string()}}))}}))
        .errors({401, 403});
}

} // namespace kabinet::spec
