#include "identity/StaffService.h"

#include "identity/AuditLog.h"
#include "identity/IdentityJson.h"
#include "identity/PasswordHasher.h"
#include "identity/RecoveryCodeStore.h"
#include "identity/SessionStore.h"
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

namespace {
/// A staff member as the admin's list shows it.
JsonObject staffJson(const StaffRow& row) {
    JsonObject o = new Poco::JSON::Object;
    o->set("id", row.id);
    o->set("role", row.role);
    o->set("email", row.email);
    o->set("full_name", str(obj(luajson::parse(row.fieldsJson)), "full_name"));
    o->set("state", row.state);
    o->set("second_factor", row.secondFactor.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(row.secondFactor));
    o->set("created_at", row.createdAt);
    return o;
}

/// A staff action for the audit log.
AuditEntry staffEntry(const StaffActor& by, const std::string& target, const std::string& action) {
    return AuditEntry::done("staff", by.userId, action, by.client, target);
}

/// The staff member `id` of the tenant, or 404.
StaffRow memberOr404(UserStore& users, const std::string& id) {
    auto row = id.empty() || id.size() > 64 ? std::nullopt : users.staffMember(id);
    if (!row) throw NotFound("staff_not_found", "Сотрудник не найден");
    return *row;
}
} // namespace

std::string StaffService::createStaff(Tenant& t, const std::string& role, const std::string& rawEmail, const std::string& fullName,
                                      const std::string& password, const StaffActor& by) {
    const std::string email = Poco::toLower(Poco::trim(rawEmail));
    std::map<std::string, std::string> errors;
    const auto at = email.find('@');
    if (email.empty() || at == std::string::npos || at == 0 || email.find('.', at) == std::string::npos || email.size() > 254 ||
        email.find_first_of(" \t\r\n<>") != std::string::npos)
        errors["email"] = "Неверный адрес электронной почты";
    if (Poco::trim(fullName).empty() || fullName.size() > 300) errors["full_name"] = "Укажите ФИО";
    if (password.size() < 10) errors["password"] = "Пароль сотрудника — не короче 10 символов";
    if (role != "operator" && role != "tenant-admin") errors["role"] = "Выберите роль: оператор или администратор";
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
        AuditEntry e = staffEntry(by, u.id, "create");
        e.details->set("role", role);
        AuditLog::recordIn(s, t.id(), e);
    });
    log::info("staff account created", {{"tenant", t.id()}, {"user_id", u.id}, {"role", role}});
    return u.id;
}

Poco::JSON::Array::Ptr StaffService::listStaff(Tenant& t) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    std::vector<StaffRow> rows;
    ctx_.db.read([&](soci::session& s) { rows = UserStore(s, t.id()).staff(); });
    for (const auto& row : rows) out->add(staffJson(row));
    return out;
}

Poco::JSON::Object::Ptr StaffService::setStaffActive(Tenant& t, const std::string& staffId, bool active, const StaffActor& by) {
    StaffRow after;
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        after = memberOr404(users, staffId);
        if (staffId == by.userId)
            throw Conflict("own_account", active ? "Собственная учётная запись уже включена" : "Нельзя отключить собственную учётную запись");
        const std::string state = active ? "active" : "disabled";
        if (after.state == state) return;
        users.setState(staffId, state, ctx_.now());
        if (!active) SessionStore(s, t.id()).removeAll(staffId);
        AuditLog::recordIn(s, t.id(), staffEntry(by, staffId, active ? "enable" : "disable"));
        after.state = state;
    });
    log::info(active ? "staff account enabled" : "staff account disabled", {{"tenant", t.id()}, {"user_id", staffId}, {"by", by.userId}});
    return staffJson(after);
}

Poco::JSON::Object::Ptr StaffService::resetSecondFactor(Tenant& t, const std::string& staffId, const StaffActor& by) {
    StaffRow after;
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        after = memberOr404(users, staffId);
        if (staffId == by.userId)
            throw Conflict("own_account", "Своё подтверждение входа меняйте в профиле");
        if (after.secondFactor.empty())
            throw Conflict("no_second_factor", "У сотрудника не включено подтверждение входа");
        users.clearSecondFactor(staffId);
        RecoveryCodeStore(s, t.id()).clear(staffId);
        SessionStore(s, t.id()).removeAll(staffId);
        AuditEntry e = staffEntry(by, staffId, "reset_second_factor");
        e.details->set("second_factor", after.secondFactor);
        AuditLog::recordIn(s, t.id(), e);
        after.secondFactor.clear();
    });
    log::info("staff second factor reset", {{"tenant", t.id()}, {"user_id", staffId}, {"by", by.userId}});
    return staffJson(after);
}

} // namespace kabinet
