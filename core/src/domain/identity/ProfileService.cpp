#include "identity/ProfileService.h"

#include "identity/IdentityJson.h"
#include "identity/IdentityMessages.h"
#include "identity/IdentitySettings.h"
#include "identity/OneTimeSecrets.h"
#include "identity/TokenStore.h"
#include "identity/UserJson.h"
#include "identity/UserStore.h"
#include "lua/LuaJson.h"
#include "storage/Database.h"
#include "tenants/FormInput.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"

#include <Poco/String.h>

#include <set>

namespace kabinet {

using namespace idjson;
using namespace secrets;

namespace {
using FieldErrors = std::map<std::string, std::string>;

Error noPhoneChange() { return Error(410, "code_expired", "Смена номера не начата или код устарел; укажите номер ещё раз"); }

/// A change of the phone waiting for its code (token purpose "phone_change"): the new number and the
/// code's hash, as the token's data.
struct PhoneChange {
    std::string phone, codeHash;
};

std::optional<PhoneChange> phoneChangeOf(const Token& tok) {
    auto d = parsed(tok.data);
    PhoneChange c{str(d, "phone"), str(d, "code")};
    if (c.phone.empty() || c.codeHash.empty()) return std::nullopt;
    return c;
}

/// The new phone waiting for its code, or empty.
std::string pendingPhone(TokenStore& tokens, const std::string& userId, long long now) {
    auto tok = tokens.newest(userId, "phone_change");
    if (!tok || !live(*tok, now)) return {};
    auto c = phoneChangeOf(*tok);
    return c ? c->phone : std::string();
}

/// Sends a code to a new phone of the user; the old phone stays until the code is entered. Earlier
/// changes still waiting end.
void startPhoneChange(soci::session& s, TokenStore& tokens, Tenant& t, const User& u, const std::string& phone, long long now) {
    tokens.spendAll(u.id, "phone_change", now);
    const std::string code = crypto::randomDigits(6);
    JsonObject data = new Poco::JSON::Object;
    data->set("phone", phone);
    data->set("code", hashCode(u.id, code));
    tokens.insert(hashToken(crypto::randomToken(16)), u.id, "phone_change", luajson::stringify(data), now, kCodeSeconds);
    JsonObject vars = new Poco::JSON::Object;
    vars->set("code", code);
    vars->set("minutes", kCodeSeconds / 60);
    queueSms(s, t, phone, "phone_code", vars);
}
} // namespace

JsonObject ProfileService::me(Tenant& t, const SessionInfo& si) {
    std::optional<User> u;
    std::string phoneChange;
    ctx_.db.read([&](soci::session& s) {
        u = UserStore(s, t.id()).find(UserKey::Id, si.userId);
        TokenStore tokens(s, t.id());
        if (u) phoneChange = pendingPhone(tokens, u->id, ctx_.now());
    });
    if (!u) throw notAuthenticated();
    JsonObject out = new Poco::JSON::Object;
    auto user = userJson(t, *u);
    user->set("notifications", notificationsOf(t, *u));
    user->set("phone_change_pending", phoneChange.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(phoneChange));
    user->set("second_factor_required", si.secondFactorRequired);
    out->set("user", user);
    out->set("csrf", si.csrf);
    return out;
}

JsonObject ProfileService::patchMe(Tenant& t, const SessionInfo& si, const JsonObject& body) {
    const IdentitySettings st(t);
    auto fieldsVar = body->get("fields");
    auto notifVar = body->get("notifications");
    if (!fieldsVar.isEmpty() && fieldsVar.type() != typeid(Poco::JSON::Object::Ptr))
        throw Unprocessable(FieldErrors{{"fields", "Поле fields должно быть объектом"}});
    if (!notifVar.isEmpty() && notifVar.type() != typeid(Poco::JSON::Object::Ptr))
        throw Unprocessable(FieldErrors{{"notifications", "Поле notifications должно быть объектом"}});
    std::optional<User> u;
    ctx_.db.read([&](soci::session& s) { u = UserStore(s, t.id()).find(UserKey::Id, si.userId); });
    if (!u) throw notAuthenticated();
    JsonObject values = new Poco::JSON::Object;
    if (!fieldsVar.isEmpty() && u->role == "consumer") {
        std::map<std::string, std::string> errors;
        auto screened = scalarFields(fieldsVar.extract<Poco::JSON::Object::Ptr>(), errors);
        if (!errors.empty()) throw Unprocessable(errors);
        values = obj(t.normalizeProfile(u->kind, screened, errors));
        if (!errors.empty()) throw Unprocessable(errors);
    }
    // Notification switches: only the ids the tenant's profile form offers, booleans only.
    std::set<std::string> switchIds;
    auto form = obj(luajson::parse(t.profileFormJson()));
    if (form->has("notifications"))
        for (const auto& n : *form->getArray("notifications")) switchIds.insert(str(obj(n), "id"));
    auto notifications = parsed(u->notificationsJson);
    if (!notifVar.isEmpty()) {
        FieldErrors errors;
        for (const auto& [k, v] : *notifVar.extract<Poco::JSON::Object::Ptr>()) {
            if (!switchIds.count(k)) errors["notifications." + k.substr(0, 64)] = "Неизвестный вид уведомлений";
            else if (!v.isBoolean()) errors["notifications." + k] = "Ожидается да или нет";
            else notifications->set(k, v.convert<bool>());
        }
        if (!errors.empty()) throw Unprocessable(errors);
    }
    auto fields = parsed(u->fieldsJson);
    const std::string newPhone = str(values, st.phoneField);
    // Where phones are proven by a code, a new one counts only once the code sent to it is entered.
    const bool phoneByCode = values->has(st.phoneField) && newPhone != u->phone && !newPhone.empty() && st.phoneByCode;
    const bool phoneChanged = values->has(st.phoneField) && newPhone != u->phone && !phoneByCode;
    std::string newEmail;
    for (const auto& [k, v] : *values) {
        if (k == st.emailField && u->role == "consumer") {
            const std::string e = v.isEmpty() ? "" : v.convert<std::string>();
            if (!e.empty() && e != u->email) newEmail = e; // confirmed by a link to the new address first
            continue;
        }
        if (k == st.phoneField && phoneByCode) continue; // the old number stays until the new one is confirmed
        fields->set(k, v);
    }
    const std::string fj = luajson::stringify(fields), nj = luajson::stringify(notifications);
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        if (!newEmail.empty() && users.emailTaken(newEmail))
            throw Conflict("already_registered", "Пользователь с таким E-mail уже существует",
                           FieldErrors{{st.emailField, "Пользователь с таким E-mail уже существует"}});
        // A phone changed at once is unproven; otherwise the phone in use stays as it is.
        if (phoneChanged) users.updateProfile(u->id, fj, nj, newPhone, false, n);
        else users.updateProfile(u->id, fj, nj, u->phone, u->phoneVerified, n);
        if (!newEmail.empty()) {
            JsonObject vars = new Poco::JSON::Object;
            vars->set("link",
                      portalLink(ctx_.config, t, "confirm/email", newToken(tokens, u->id, "email_change", newEmail, kEmailLinkSeconds, n)));
            vars->set("expires_hours", kEmailLinkSeconds / 3600);
            queueMail(s, t, newEmail, "email_change", vars);
        }
        if (phoneByCode) {
            const long long since = tokens.secondsSinceNewest(u->id, "phone_change", n);
            if (since < kResendCooldown) throw tooSoon(kResendCooldown - since);
            startPhoneChange(s, tokens, t, *u, newPhone, n);
        }
    });
    auto out = me(t, si);
    if (!newEmail.empty()) out->set("email_change_pending", true);
    return out;
}

JsonObject ProfileService::confirmPhoneChange(Tenant& t, const SessionInfo& si, const std::string& rawCode) {
    const std::string code = sixDigitCode(rawCode);
    const IdentitySettings st(t);
    bool wrong = false;
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        auto u = users.find(UserKey::Id, si.userId);
        if (!u) throw notAuthenticated();
        auto tok = tokens.newest(u->id, "phone_change");
        auto change = tok ? phoneChangeOf(*tok) : std::nullopt;
        if (!tok || !change) throw noPhoneChange();
        Token check = *tok;
        check.data = change->codeHash;
        if (!checkCode(tokens, check, u->id, code, n)) {
            wrong = true; // commit the counted attempt, then answer
            return;
        }
        tokens.markUsed(tok->hash, n);
        auto fields = parsed(u->fieldsJson);
        fields->set(st.phoneField, change->phone);
        users.replacePhone(u->id, change->phone, luajson::stringify(fields), n);
    });
    if (wrong) throw Unprocessable(FieldErrors{{"code", "Неверный код"}});
    log::info("phone changed", {{"tenant", t.id()}, {"user_id", si.userId}});
    return me(t, si);
}

void ProfileService::resendPhoneChange(Tenant& t, const SessionInfo& si) {
    const IdentitySettings st(t);
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        auto u = users.find(UserKey::Id, si.userId);
        if (!u) throw notAuthenticated();
        std::string phone = pendingPhone(tokens, u->id, n);
        // No change waiting: the phone in use, when the tenant proves phones and this one is not proven yet.
        if (phone.empty() && st.phoneByCode && !u->phoneVerified) phone = u->phone;
        if (phone.empty()) throw noPhoneChange();
        const long long since = tokens.secondsSinceNewest(u->id, "phone_change", n);
        if (since < kResendCooldown) throw tooSoon(kResendCooldown - since);
        startPhoneChange(s, tokens, t, *u, phone, n);
    });
}

} // namespace kabinet
