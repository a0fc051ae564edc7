#include "identity/StaffService.h"

#include "identity/IdentityJson.h"
#include "identity/PasswordHasher.h"
#include "identity/UserStore.h"
#include "lua/LuaJson.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"

#include <Poco/String.h>

namespace kabinet {

using namespace idjson;

std::string StaffService::createStaff(Tenant& t, const std::string& role, const std::string& rawEmail, const std::string& fullName,
                                      const std::string& password) {
    const std::string email = Poco::toLower(Poco::trim(rawEmail));
    std::map<std::string, std::string> errors;
    const auto at = email.find('@');
    if (email.empty() || at == std::string::npos || at == 0 || email.find('.', at) == std::string::npos || email.size() > 254 ||
        email.find_first_of(" \t\r\n<>") != std::string::npos)
        errors["email"] = "Неверный адрес электронной почты";
    if (Poco::trim(fullName).empty() || fullName.size() > 300) errors["full_name"] = "Укажите ФИО";
    if (password.size() < 10) errors["password"] = "Пароль сотрудника — не короче 10 символов";
    if (role != "operator" && role != "tenant-admin") errors["role"] = "Роль должна быть operator или tenant-admin";
    if (!errors.empty()) throw Unprocessable(errors);
    User u;
    u.id = crypto::randomToken(12);
    u.kind = "staff";
    u.role = role;
    u.state = "active";
    u.loginField = "email";
    u.login = email;
    u.email = email;
    u.emailVerified = true;
    u.passwordHash = ctx_.hasher.hash(password);
    JsonObject fields = new Poco::JSON::Object;
    fields->set("full_name", Poco::trim(fullName));
    fields->set("email", email);
    u.fieldsJson = luajson::stringify(fields);
    const long long n = ctx_.now();
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        if (users.loginOrEmailTaken(email))
            throw Conflict("already_registered", "Пользователь с таким E-mail уже существует",
                           {{"email", "Пользователь с таким E-mail уже существует"}});
        users.insert(u, n);
    });
    log::info("staff account created", {{"tenant", t.id()}, {"user_id", u.id}, {"role", role}});
    return u.id;
}

Poco::JSON::Array::Ptr StaffService::listStaff(Tenant& t) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    std::vector<StaffRow> rows;
    ctx_.db.read([&](soci::session& s) { rows = UserStore(s, t.id()).staff(); });
    for (const auto& row : rows) {
        JsonObject o = new Poco::JSON::Object;
        o->set("id", row.id);
        o->set("role", row.role);
        o->set("email", row.email);
        o->set("full_name", str(obj(luajson::parse(row.fieldsJson)), "full_name"));
        out->add(o);
    }
    return out;
}

} // namespace kabinet
