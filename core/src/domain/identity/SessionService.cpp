#include "identity/SessionService.h"

#include "identity/AuditLog.h"
#include "identity/IdentityJson.h"
#include "identity/IdentitySettings.h"
#include "identity/OneTimeSecrets.h"
#include "identity/PasswordHasher.h"
#include "identity/RecoveryCodeStore.h"
#include "identity/SessionStore.h"
#include "identity/Throttle.h"
#include "identity/TokenStore.h"
#include "identity/Totp.h"
#include "identity/UserJson.h"
#include "identity/UserStore.h"
#include "storage/Database.h"
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

/// The login kind of staff (kabinet.tenant.STAFF_KIND): by e-mail in every tenant.
constexpr const char* kStaffKind = "staff";

Error throttled(long long wait) {
    Error e(429, "too_many_attempts", "Слишком много неудачных попыток входа. Повторите через " + std::to_string(wait) + " с");
    e.retryAfter(wait);
    return e;
}

/// What a login of a half-confirmed account says: exactly what is left to confirm.
std::string notConfirmedMessage(const std::vector<std::string>& left) {
    const bool email = contains(left, "email"), phone = contains(left, "phone");
    if (email && phone)
        return "Учётная запись ещё не подтверждена: подтвердите адрес электронной почты (по ссылке из письма) "
               "и номер телефона (кодом из SMS)";
    if (phone) return "Учётная запись ещё не подтверждена: подтвердите номер телефона кодом из SMS";
    if (email) return "Учётная запись ещё не подтверждена: перейдите по ссылке из письма, отправленного на адрес электронной почты";
    return "Учётная запись ещё не подтверждена";
}

/// A login written to the audit log (kind `login`): `action` password or second_factor; `userId` empty when
/// the login named nobody, `tried` then the login as typed (stored masked).
AuditEntry loginEntry(const std::string& userId, const std::string& action, const std::string& outcome, const std::string& client,
                      const std::string& tried = {}) {
    AuditEntry e;
    e.kind = "login";
    e.userId = userId;
    e.action = action;
    e.outcome = outcome;
    e.client = client;
    e.tried = tried;
    return e;
}

/// A new session of the user, in its own transaction together with its audit entry (`action` how the login
/// ended: password or second_factor), and the login answer that carries it.
LoginResult newSession(IdentityContext& ctx, Tenant& t, const IdentitySettings& st, const User& u, bool remember,
                       const std::string& client, const std::string& action) {
    LoginResult r;
    r.token = crypto::randomToken(32);
    r.remember = remember && st.rememberDays > 0; // remember_days 0 switches «remember me» off
    r.maxAgeSeconds = r.remember ? st.rememberDays * 86400LL : st.sessionHours * 3600LL;
    const std::string h = hashToken(r.token);
    const long long n = ctx.now();
    ctx.db.transaction([&](soci::session& s) {
        SessionStore(s, t.id()).insert(h, u.id, r.remember, n, n + r.maxAgeSeconds, client);
        AuditLog::recordIn(s, t.id(), loginEntry(u.id, action, "success", client));
    });
    r.body = new Poco::JSON::Object;
    auto user = userJson(t, u);
    user->set("notifications", notificationsOf(t, u));
    user->set("second_factor_required", u.secondFactor.empty() && contains(st.forcedRoles, u.role));
    r.body->set("user", user);
    r.body->set("csrf", SessionService::csrfFor(h));
    return r;
}

/// The account a login names. Staff (operators, tenant admins) log in by their e-mail in every tenant,
/// whatever its consumers' login identifiers are; with kind "staff" only staff are found. A consumer is
/// found only by the identifier as the tenant normalised it (`byTenant`, empty when it could not), and
/// only for the kind chosen, when one was.
std::optional<User> accountForLogin(UserStore& users, const std::string& kind, const std::string& byTenant, const std::string& email) {
    std::optional<User> u;
    if (!byTenant.empty() && kind != kStaffKind) {
        u = users.find(UserKey::Login, byTenant);
        if (u && u->role == "consumer" && !kind.empty() && u->kind != kind) u.reset();
    }
    if (!u) {
        u = users.find(UserKey::Login, email);
        if (u && u->role == "consumer") u.reset();
    }
    return u;
}

/// The answer to a login of an account still waiting for its confirmations: 403 `not_confirmed` with what
/// is `remaining` and a fresh `pending_token`, so that the person finishes on the spot (resends the mail
/// link, enters the code, asks for a new one). When no phone code can still be entered, a new one is
/// sent (at most one a minute).
LoginResult notConfirmed(IdentityContext& ctx, Tenant& t, const IdentitySettings& st, const User& u) {
    const auto left = st.remaining(u);
    std::string pending;
    bool codeSent = false;
    ctx.db.transaction([&](soci::session& s) {
        TokenStore tokens(s, t.id());
        const long long n = ctx.now();
        pending = newToken(tokens, u.id, "pending", "", kPendingSeconds, n);
        if (contains(left, "phone") && !u.phone.empty()) {
            auto tok = tokens.newest(u.id, "phone_code");
            if ((!tok || !live(*tok, n)) && tokens.secondsSinceNewest(u.id, "phone_code", n) >= kResendCooldown) {
                sendCode(s, tokens, t, u, "phone_code", "phone_code", hashToken(crypto::randomToken(16)), n);
                codeSent = true;
            }
        }
    });
    LoginResult r;
    r.status = 403;
    r.body = new Poco::JSON::Object;
    r.body->set("error", "not_confirmed");
    r.body->set("message", notConfirmedMessage(left));
    r.body->set("fields", JsonObject(new Poco::JSON::Object));
    r.body->set("remaining", toArray(left));
    r.body->set("pending_token", pending);
    r.body->set("code_sent", codeSent);
    if (contains(left, "email")) r.body->set("email", u.email);
    if (contains(left, "phone")) r.body->set("phone", u.phone);
    return r;
}
} // namespace

std::string SessionService::csrfFor(const std::string& tokenHash) {
    return crypto::base64url(crypto::hmacSha256(tokenHash, "kabinet-csrf")).substr(0, 32);
}

LoginResult SessionService::login(Tenant& t, const JsonObject& body, const std::string& client) {
    const std::string rawLogin = str(body, "login"), password = str(body, "password"), kind = str(body, "kind");
    const bool remember = flag(body, "remember");
    FieldErrors missing;
    if (rawLogin.empty()) missing["login"] = "Введите логин";
    if (password.empty()) missing["password"] = "Введите пароль";
    if (rawLogin.size() > 256) missing["login"] = "Слишком длинный логин";
    if (!missing.empty()) throw Unprocessable(missing);
    const IdentitySettings st(t);
    // Normalised once (the tenant library folds the case of text logins): the throttle and the lookup use
    // the same value, so no spelling of a login escapes its lock.
    std::string normalized = t.normalizeLogin(kind, rawLogin);
    const std::string byTenant = normalized, email = Poco::toLower(Poco::trim(rawLogin));
    if (normalized.empty()) normalized = email;
    const std::string accountKey = "account:" + crypto::sha256Hex(normalized).substr(0, 32);
    const std::string addressKey = "address:" + client;
    // The attempt is reserved (checked and counted) before the password is verified: concurrent attempts
    // cannot get past the policy. Accounts are locked; an address (maybe a whole NAT) is only slowed down.
    Throttle throttle(ctx_.db, t.id());
    const auto reservation = throttle.reserve({{accountKey, ThrottlePolicy::lockable(st.maxFailures, st.windowMinutes, st.lockMinutes)},
                                               {addressKey, ThrottlePolicy::slowOnly(st.maxFailures, st.windowMinutes)}});
    if (reservation.waitSeconds) {
        AuditLog(ctx_.db).record(t.id(), loginEntry("", "password", "refused", client, rawLogin));
        throw throttled(reservation.waitSeconds);
    }
    std::optional<User> u;
    bool ok = false;
    try {
        ctx_.db.read([&](soci::session& s) {
            UserStore users(s, t.id());
            u = accountForLogin(users, kind, byTenant, email);
        });
        ok = u ? ctx_.hasher.verify(password, u->passwordHash) : (ctx_.hasher.verifyDummy(password), false);
    } catch (...) { // not a wrong password: the attempt does not count
        throttle.release(accountKey);
        throttle.release(addressKey);
        throw;
    }
    if (!ok) { // the reserved attempt stays counted as a failure
        log::info("login failed", {{"tenant", t.id()}, {"reason", u ? "password" : "unknown account"}});
        AuditLog(ctx_.db).record(t.id(), u ? loginEntry(u->id, "password", "failure", client) : loginEntry("", "password", "failure", client, rawLogin));
        throw Error(401, "invalid_credentials", "Неверный логин или пароль");
    }
    throttle.clear(accountKey);
    throttle.release(addressKey);
    if (u->state == "disabled") {
        AuditLog(ctx_.db).record(t.id(), loginEntry(u->id, "password", "disabled", client));
        throw Error(403, "account_disabled", "Учётная запись заблокирована; обратитесь в организацию");
    }
    if (u->state == "pending") {
        return notConfirmed(ctx_, t, st, *u);
    }
    if (ctx_.hasher.needsRehash(u->passwordHash)) {
        const std::string upgraded = ctx_.hasher.hash(password);
        ctx_.db.transaction([&](soci::session& s) { UserStore(s, t.id()).upgradePasswordHash(u->id, upgraded); });
        log::info("password hash upgraded", {{"tenant", t.id()}, {"user_id", u->id}});
    }
    if (!u->secondFactor.empty()) {
        LoginResult r;
        const std::string challenge = crypto::randomToken(32), h = hashToken(challenge);
        const std::string purpose = remember ? "challenge_remember" : "challenge";
        ctx_.db.transaction([&](soci::session& s) {
            TokenStore tokens(s, t.id());
            const long long n = ctx_.now();
            if (u->secondFactor == "sms") sendCode(s, tokens, t, *u, purpose, "login_code", h, n);
            else tokens.insert(h, u->id, purpose, "", n, kChallengeSeconds);
        });
        r.body = new Poco::JSON::Object;
        r.body->set("second_factor", u->secondFactor);
        r.body->set("challenge", challenge);
        return r;
    }
    log::info("login", {{"tenant", t.id()}, {"user_id", u->id}});
    return newSession(ctx_, t, st, *u, remember, client, "password");
}

LoginResult SessionService::secondFactor(Tenant& t, const std::string& challenge, const std::string& rawCode, const std::string& client) {
    const IdentitySettings st(t);
    const std::string h = hashToken(challenge);
    const std::string code = Poco::trim(rawCode);
    if (code.empty()) throw Unprocessable(FieldErrors{{"code", "Введите код"}});
    std::optional<User> u;
    bool remember = false, accepted = false;
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        auto tok = tokens.find(h);
        if (!tok || (tok->purpose != "challenge" && tok->purpose != "challenge_remember")) throw gone();
        if (tok->used || tok->expiresAt < n || tok->attempts >= kMaxCodeAttempts)
            throw Error(410, "code_expired", "Время на ввод кода истекло; войдите снова");
        remember = tok->purpose == "challenge_remember";
        u = users.find(UserKey::Id, tok->userId);
        if (!u || u->state != "active") throw gone();
        if (u->secondFactor == "sms" && code.size() == 6 && allDigits(code)) {
            accepted = checkCode(tokens, *tok, u->id, code, n);
        } else if (u->secondFactor == "totp" && code.size() == 6 && allDigits(code)) {
            uint64_t step = 0;
            auto key = totp::base32Decode(u->totpSecret);
            accepted = key && totp::verify(*key, code, std::time(nullptr), 1, &step) && static_cast<long long>(step) > u->totpLastStep;
            if (accepted) users.useTotpStep(u->id, static_cast<long long>(step));
        }
        if (!accepted) // a recovery code, single use
            accepted = RecoveryCodeStore(s, t.id()).use(u->id, hashCode(u->id, totp::normalizeRecoveryCode(code)), n);
        if (accepted) tokens.markUsed(h, n);
        else tokens.countAttempt(h);
    });
    if (!accepted) {
        AuditLog(ctx_.db).record(t.id(), loginEntry(u->id, "second_factor", "failure", client));
        throw Error(401, "invalid_code", "Неверный код");
    }
    log::info("login", {{"tenant", t.id()}, {"user_id", u->id}, {"second_factor", u->secondFactor}});
    return newSession(ctx_, t, st, *u, remember, client, "second_factor");
}

void SessionService::logout(Tenant& t, const SessionInfo& si) {
    ctx_.db.transaction([&](soci::session& s) { SessionStore(s, t.id()).remove(si.tokenHash); });
}

std::shared_ptr<SessionInfo> SessionService::resolveSession(Tenant& t, const std::string& token) {
    if (token.empty() || token.size() > 100) return nullptr;
    auto si = std::make_shared<SessionInfo>();
    si->tokenHash = hashToken(token);
    const long long n = ctx_.now();
    std::optional<SessionOwner> owner = cache_.find(t.id(), si->tokenHash, n);
    if (!owner) {
        const auto generation = cache_.generation();
        ctx_.db.read([&](soci::session& s) { owner = SessionStore(s, t.id()).live(si->tokenHash, n); });
        if (!owner) return nullptr;
        cache_.keep(t.id(), si->tokenHash, *owner, generation);
    }
    si->userId = owner->userId;
    si->role = owner->role;
    si->kind = owner->kind;
    si->secondFactorRequired = owner->secondFactor.empty() && contains(IdentitySettings(t).forcedRoles, si->role);
    si->csrf = csrfFor(si->tokenHash);
    return si;
}

} // namespace kabinet
