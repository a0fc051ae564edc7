#include "identity/UserJson.h"

#include "identity/IdentityJson.h"
#include "lua/LuaJson.h"
#include "tenants/Tenant.h"

namespace kabinet {

using namespace idjson;

JsonObject userJson(Tenant& t, const User& u) {
    JsonObject o = new Poco::JSON::Object;
    o->set("id", u.id);
    o->set("kind", u.kind);
    o->set("role", u.role);
    o->set("state", u.state);
    JsonObject login = new Poco::JSON::Object;
    login->set("field", u.loginField);
    login->set("value", u.login);
    o->set("login", login);
    auto fields = luajson::parse(u.fieldsJson.empty() ? "{}" : u.fieldsJson);
    o->set("fields", fields);
    std::string display = t.displayName(u.kind, fields);
    if (display.empty()) display = u.email;
    o->set("display_name", display.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(display));
    o->set("email", u.email.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(u.email));
    o->set("email_verified", u.emailVerified);
    o->set("phone", u.phone.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(u.phone));
    o->set("phone_verified", u.phoneVerified);
    o->set("second_factor", u.secondFactor.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(u.secondFactor));
    o->set("notifications", luajson::parse(u.notificationsJson.empty() ? "{}" : u.notificationsJson));
    return o;
}

JsonObject notificationsOf(const Tenant& t, const User& u) {
    auto own = parsed(u.notificationsJson);
    auto form = obj(luajson::parse(t.profileFormJson()));
    JsonObject out = new Poco::JSON::Object;
    if (form->has("notifications") && form->get("notifications").type() == typeid(Poco::JSON::Array::Ptr))
        for (const auto& n : *form->getArray("notifications")) {
            const auto sw = obj(n);
            const std::string id = str(sw, "id");
            if (id.empty()) continue;
            out->set(id, own->has(id) && own->get(id).isBoolean() ? own->get(id).convert<bool>() : flag(sw, "default"));
        }
    return out;
}

} // namespace kabinet
