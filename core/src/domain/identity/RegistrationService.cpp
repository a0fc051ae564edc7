#include "identity/RegistrationService.h"

#include "identity/IdentityJson.h"
#include "identity/IdentityMessages.h"
#include "identity/IdentitySettings.h"
#include "identity/OneTimeSecrets.h"
#include "identity/PasswordHasher.h"
#include "identity/TokenStore.h"
#include "identity/UserStore.h"
#include "lua/LuaJson.h"
#include "storage/Database.h"
#include "tenants/FormInput.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"

#include <Poco/String.h>

namespace kabinet {

using namespace idjson;
using namespace secrets;

namespace {
using FieldErrors = std::map<std::string, std::string>;

/// Queues the mail with a fresh e-mail confirmation link.
void queueConfirmationMail(soci::session& s, TokenStore& tokens, const Config& config, Tenant& t, const User& u, long long now) {
    JsonObject vars = new Poco::JSON::Object;
    vars->set("link", portalLink(config, t, "confirm/email", newToken(tokens, u.id, "email_confirm", "", kEmailLinkSeconds, now)));
    vars->set("expires_hours", kEmailLinkSeconds / 3600);
    queueMail(s, t, u.email, "confirm_email", vars);
}

/// The user a pending registration's token names; 410 when the token is unknown, of another purpose or expired.
std::optional<User> pendingUser(UserStore& users, TokenStore& tokens, const std::string& pendingToken, long long now) {
    auto ptok = tokens.find(hashToken(pendingToken));
    if (!ptok || ptok->purpose != "pending" || ptok->expiresAt < now) throw gone();
    return users.find(UserKey::Id, ptok->userId);
}
} // namespace

JsonObject RegistrationService::registerUser(Tenant& t, const JsonObject& body, const std::string& client) {
    FormInput in = readForm(t, body);
    std::map<std::string, std::string> tenantErrors;
    auto rec = obj(t.normalizeRegistration(in.kind, in.fields, tenantErrors));
    mergeTenantErrors(t, tenantErrors, in.errors);
    const std::string failed = t.message("registration_failed", "Не удалось зарегистрироваться");
    if (!in.errors.empty()) throw Unprocessable(in.errors, failed);
    const IdentitySettings st(t);
    const JsonObject values = obj(rec->get("values"));
    const JsonObject login = obj(rec->get("login"));
    User u;
    u.id = crypto::randomToken(12);
    u.kind = str(rec, "kind");
    u.role = "consumer";
    u.loginField = str(login, "field");
    u.login = str(login, "value");
    u.email = str(values, st.emailField);
    u.phone = str(values, st.phoneField);
    u.state = st.confirmations.empty() ? "active" : "pending";
    if (u.login.empty())
        throw Unprocessable(FieldErrors{{u.loginField.empty() ? "login" : u.loginField, "Поле обязательно для заполнения"}}, failed);
    if (st.needs("email") && u.email.empty()) throw Unprocessable(FieldErrors{{st.emailField, "Поле обязательно для заполнения"}}, failed);
    if (st.needs("phone") && u.phone.empty()) throw Unprocessable(FieldErrors{{st.phoneField, "Поле обязательно для заполнения"}}, failed);
    const std::string password = str(rec, "password");
    u.passwordHash = ctx_.hasher.hash(password); // outside the transaction: it takes tens of milliseconds
    u.fieldsJson = luajson::stringify(values);
    std::string pending;
    const long long t0 = ctx_.now();
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        if (users.loginTaken(u.login))
            throw Conflict("already_registered", t.message("login_taken", "Пользователь с таким логином уже существует"),
                           FieldErrors{{u.loginField, t.message("login_taken", "Пользователь с таким логином уже существует")}});
        if (!u.email.empty() && users.emailTaken(u.email))
            throw Conflict("already_registered", "Пользователь с таким E-mail уже существует",
                           FieldErrors{{st.emailField, "Пользователь с таким E-mail уже существует"}});
        users.insert(u, t0);
        // Consents (152-ФЗ): which text version, when, from where.
        if (rec->has("consents"))
            for (const auto& c : *rec->getArray("consents")) {
                auto co = obj(c);
                users.recordConsent(u.id, str(co, "id"), str(co, "version"), t0, client);
            }
        if (st.needs("email")) queueConfirmationMail(s, tokens, ctx_.config, t, u, t0);
        if (u.state == "pending") pending = newToken(tokens, u.id, "pending", "", kPendingSeconds, t0);
        if (st.needs("phone")) sendCode(s, tokens, t, u, "phone_code", "phone_code", hashToken(crypto::randomToken(16)), t0);
    });
    log::info("user registered", {{"tenant", t.id()}, {"user_id", u.id}, {"kind", u.kind}, {"state", u.state}});
    JsonObject out = new Poco::JSON::Object;
    JsonObject user = new Poco::JSON::Object;
    user->set("id", u.id);
    user->set("kind", u.kind);
    user->set("state", u.state);
    out->set("user", user);
    out->set("confirmations", toArray(st.remaining(u)));
    if (!pending.empty()) out->set("pending_token", pending);
    std::string message = st.registrationMessage;
    if (st.postRegistration) {
        if (!str(st.postRegistration, u.kind).empty()) message = str(st.postRegistration, u.kind);
        else if (!str(st.postRegistration, "all").empty()) message = str(st.postRegistration, "all");
    }
    out->set("message", message.empty() ? std::string("Регистрация прошла успешно") : message);
    return out;
}

JsonObject RegistrationService::confirmEmail(Tenant& t, const std::string& token) {
    if (token.empty() || token.size() > 200) throw gone();
    const std::string h = hashToken(token);
    const IdentitySettings st(t);
    JsonObject out = new Poco::JSON::Object;
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        auto tok = tokens.find(h);
        if (!tok || tok->used || tok->expiresAt < n || (tok->purpose != "email_confirm" && tok->purpose != "email_change")) throw gone();
        auto u = users.find(UserKey::Id, tok->userId);
        if (!u) throw gone();
        tokens.markUsed(h, n);
        if (tok->purpose == "email_change") {
            if (users.emailTaken(tok->data, u->id)) throw Conflict("already_registered", "Пользователь с таким E-mail уже существует");
            // The e-mail is also a profile field: keep both in step.
            auto fields = luajson::parse(u->fieldsJson.empty() ? "{}" : u->fieldsJson).extract<Poco::JSON::Object::Ptr>();
            fields->set(st.emailField, tok->data);
            if (u->loginField == st.emailField) u->login = tok->data;
            users.replaceEmail(u->id, tok->data, luajson::stringify(fields), u->login, n);
        } else {
            users.markEmailVerified(u->id, n);
        }
        u->emailVerified = true;
        out->set("state", settleState(users, st, *u, n));
        out->set("remaining", toArray(st.remaining(*u)));
    });
    out->set("ok", true);
    return out;
}

void RegistrationService::resendEmail(Tenant& t, const JsonObject& body) {
    const IdentitySettings st(t);
    const std::string pending = str(body, "pending_token"), email = Poco::toLower(str(body, "email"));
    if (pending.empty() && email.empty()) throw Unprocessable(FieldErrors{{"email", "Укажите адрес электронной почты"}});
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        std::optional<User> u = !pending.empty() ? pendingUser(users, tokens, pending, n) : users.find(UserKey::Email, email);
        if (!u || u->emailVerified || u->email.empty() || !st.needs("email")) return;
        const long long since = tokens.secondsSinceNewest(u->id, "email_confirm", n);
        if (since < kResendCooldown) {
            if (!pending.empty()) throw tooSoon(kResendCooldown - since);
            return; // by e-mail: say nothing that tells whether the account exists
        }
        queueConfirmationMail(s, tokens, ctx_.config, t, *u, n);
    });
}

JsonObject RegistrationService::confirmPhone(Tenant& t, const std::string& pendingToken, const std::string& code) {
    const IdentitySettings st(t);
    JsonObject out = new Poco::JSON::Object;
    bool wrong = false;
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        auto u = pendingUser(users, tokens, pendingToken, n);
        if (!u) throw gone();
        auto tok = tokens.newest(u->id, "phone_code");
        if (!tok) throw Error(410, "code_expired", "Код устарел; запросите новый");
        if (!checkCode(tokens, *tok, u->id, code, n)) {
            wrong = true; // commit the counted attempt, then answer
            return;
        }
        tokens.markUsed(tok->hash, n);
        users.markPhoneVerified(u->id, n);
        u->phoneVerified = true;
        out->set("state", settleState(users, st, *u, n));
        out->set("remaining", toArray(st.remaining(*u)));
    });
    if (wrong) throw Unprocessable(FieldErrors{{"code", "Неверный код"}});
    out->set("ok", true);
    return out;
}

void RegistrationService::resendPhone(Tenant& t, const std::string& pendingToken) {
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        auto u = pendingUser(users, tokens, pendingToken, n);
        if (!u || u->phone.empty() || u->phoneVerified) throw gone();
        const long long since = tokens.secondsSinceNewest(u->id, "phone_code", n);
        if (since < kResendCooldown) throw tooSoon(kResendCooldown - since);
        sendCode(s, tokens, t, *u, "phone_code", "phone_code", hashToken(crypto::randomToken(16)), n);
    });
}

} // namespace kabinet
