#include "identity/PasswordService.h"

#include "identity/IdentityJson.h"
#include "identity/IdentityMessages.h"
#include "identity/IdentitySettings.h"
#include "identity/OneTimeSecrets.h"
#include "identity/PasswordHasher.h"
#include "identity/SessionStore.h"
#include "identity/TokenStore.h"
#include "identity/UserStore.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Error.h"
#include "util/Log.h"

#include <Poco/String.h>

namespace kabinet {

using namespace idjson;
using namespace secrets;

namespace {
using FieldErrors = std::map<std::string, std::string>;
} // namespace

void PasswordService::changePassword(Tenant& t, const SessionInfo& si, const JsonObject& body) {
    const std::string oldPw = str(body, "old"), newPw = str(body, "new"), confirm = str(body, "confirm");
    FieldErrors errors;
    if (oldPw.empty()) errors["old"] = "Введите текущий пароль";
    if (newPw.empty()) errors["new"] = "Введите новый пароль";
    if (!errors.empty()) throw Unprocessable(errors);
    std::optional<User> u;
    ctx_.db.read([&](soci::session& s) { u = UserStore(s, t.id()).find(UserKey::Id, si.userId); });
    if (!u) throw notAuthenticated();
    if (!ctx_.hasher.verify(oldPw, u->passwordHash)) throw Unprocessable(FieldErrors{{"old", "Неверный текущий пароль"}});
    if (auto reason = t.validatePassword(u->kind, newPw); !reason.empty()) throw Unprocessable(FieldErrors{{"new", reason}});
    if (newPw != confirm) throw Unprocessable(FieldErrors{{"confirm", "Пароли не совпадают"}});
    const std::string hash = ctx_.hasher.hash(newPw);
    const long long n = ctx_.now();
    ctx_.db.transaction([&](soci::session& s) {
        UserStore(s, t.id()).setPassword(u->id, hash, n);
        SessionStore(s, t.id()).removeOthers(u->id, si.tokenHash); // every other session ends; this one goes on
        if (!u->email.empty()) queueMail(s, t, u->email, "password_changed", new Poco::JSON::Object);
    });
}

void PasswordService::requestPasswordReset(Tenant& t, const JsonObject& body) {
    const std::string email = Poco::toLower(Poco::trim(str(body, "email"))), rawLogin = str(body, "login");
    if (email.empty() && rawLogin.empty()) throw Unprocessable(FieldErrors{{"email", "Укажите адрес электронной почты"}});
    if (email.size() > 256 || rawLogin.size() > 256) throw Unprocessable(FieldErrors{{"email", "Слишком длинное значение"}});
    std::string login;
    if (!rawLogin.empty()) login = t.normalizeLogin("", rawLogin);
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        std::optional<User> u = !email.empty() ? users.find(UserKey::Email, email) : users.find(UserKey::Login, login);
        if (!u || u->email.empty() || u->state == "disabled") return;
        if (tokens.secondsSinceNewest(u->id, "password_reset", n) < kResendCooldown) return; // silently: no enumeration
        tokens.spendAll(u->id, "password_reset", n); // only the newest link works
        JsonObject vars = new Poco::JSON::Object;
        vars->set("link", portalLink(ctx_.config, t, "password/reset", newToken(tokens, u->id, "password_reset", "", kResetLinkSeconds, n)));
        vars->set("expires_minutes", kResetLinkSeconds / 60);
        queueMail(s, t, u->email, "password_reset", vars);
    });
}

void PasswordService::confirmPasswordReset(Tenant& t, const JsonObject& body) {
    const std::string token = str(body, "token"), password = str(body, "password"), confirm = str(body, "confirm");
    if (token.empty() || token.size() > 200) throw gone();
    const std::string h = hashToken(token);
    std::optional<User> u;
    ctx_.db.read([&](soci::session& s) {
        auto tok = TokenStore(s, t.id()).find(h);
        if (!tok || tok->used || tok->expiresAt < ctx_.now() || tok->purpose != "password_reset") throw gone();
        u = UserStore(s, t.id()).find(UserKey::Id, tok->userId);
    });
    if (!u) throw gone();
    if (password.empty()) throw Unprocessable(FieldErrors{{"password", "Введите новый пароль"}});
    if (auto reason = t.validatePassword(u->kind, password); !reason.empty()) throw Unprocessable(FieldErrors{{"password", reason}});
    if (password != confirm) throw Unprocessable(FieldErrors{{"confirm", "Пароли не совпадают"}});
    const std::string hash = ctx_.hasher.hash(password);
    const IdentitySettings st(t);
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        auto tok = tokens.find(h); // again, inside the transaction: a link works once
        if (!tok || tok->used) throw gone();
        tokens.markUsed(h, n);
        tokens.spendAll(u->id, "password_reset", n); // and every other link of the user
        users.resetPassword(u->id, hash, n);
        SessionStore(s, t.id()).removeAll(u->id);
        u->emailVerified = true; // the link proved the mailbox
        settleState(users, st, *u, n);
        queueMail(s, t, u->email, "password_changed", new Poco::JSON::Object);
    });
    log::info("password reset", {{"tenant", t.id()}, {"user_id", u->id}});
}

} // namespace kabinet
