#include "identity/IdentityService.h"

#include "tenants/FormInput.h"
#include "config/Config.h"
#include "identity/PasswordHasher.h"
#include "identity/Throttle.h"
#include "identity/Totp.h"
#include "lua/LuaJson.h"
#include "lua/LuaState.h"
#include "notify/Outbox.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"
#include "util/QrSvg.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <ctime>
#include <optional>
#include <set>

namespace kabinet {

namespace {

using FieldErrors = std::map<std::string, std::string>;
using JsonObject = Poco::JSON::Object::Ptr;

constexpr long long kEmailLinkSeconds = 48 * 3600;
constexpr long long kResetLinkSeconds = 3600;
constexpr long long kPendingSeconds = 24 * 3600;
constexpr long long kCodeSeconds = 600;
constexpr long long kChallengeSeconds = 300;
constexpr long long kResendCooldown = 60;
constexpr int kMaxCodeAttempts = 5;
/// The login kind of staff (kabinet.tenant.STAFF_KIND): by e-mail in every tenant.
constexpr const char* kStaffKind = "staff";

long long now() { return static_cast<long long>(std::time(nullptr)); }

std::string hashToken(const std::string& token) { return crypto::sha256Hex(token); }
/// Codes are short: bind their hash to the user so equal codes of two users differ.
std::string hashCode(const std::string& userId, const std::string& code) { return crypto::sha256Hex(userId + ":" + code); }

std::string str(const JsonObject& o, const std::string& key) {
    if (!o || !o->has(key)) return {};
    auto v = o->get(key);
    return v.isEmpty() || !(v.isString() || v.isNumeric()) ? std::string() : v.convert<std::string>();
}

bool flag(const JsonObject& o, const std::string& key) {
    if (!o || !o->has(key)) return false;
    auto v = o->get(key);
    return v.isBoolean() ? v.convert<bool>() : false;
}

JsonObject obj(const Poco::Dynamic::Var& v) {
    return v.type() == typeid(Poco::JSON::Object::Ptr) ? v.extract<Poco::JSON::Object::Ptr>() : JsonObject(new Poco::JSON::Object);
}

std::vector<std::string> strings(const JsonObject& o, const std::string& key) {
    std::vector<std::string> out;
    if (o && o->has(key) && o->get(key).type() == typeid(Poco::JSON::Array::Ptr))
        for (const auto& v : *o->getArray(key))
            if (v.isString()) out.push_back(v.convert<std::string>());
    return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

int number(const JsonObject& o, const std::string& key, int fallback) {
    if (!o || !o->has(key) || !o->get(key).isNumeric()) return fallback;
    return o->get(key).convert<int>();
}

Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& v) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& s : v) a->add(s);
    return a;
}

/// The identity settings of a tenant (kabinet.tenant.identity), with the core's defaults.
struct Settings {
    std::vector<std::string> confirmations;
    std::vector<std::string> offered;
    std::vector<std::string> forcedRoles;
    std::string emailField = "email", phoneField = "phone";
    int maxFailures = 0, windowMinutes = 0, lockMinutes = 0;
    int sessionHours = 0, rememberDays = 0; ///< rememberDays 0: «remember me» is off
    std::string registrationMessage;
    JsonObject postRegistration;
    bool phoneByCode = false; ///< a new phone counts only once a code sent to it is entered

    explicit Settings(const Tenant& t) {
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
    bool needs(const std::string& what) const { return contains(confirmations, what); }
};

/// A user row.
struct User {
    std::string id, kind, role, state, loginField, login, email, phone, passwordHash, fieldsJson, notificationsJson;
    std::string secondFactor, totpSecret, pendingFactor, pendingSecret;
    bool emailVerified = false, phoneVerified = false;
    long long totpLastStep = 0;
};

std::optional<User> loadUser(soci::session& s, const std::string& tenant, const std::string& column, const std::string& value) {
    // `column` is one of a fixed set chosen by the caller, never input.
    soci::row row;
    s << "SELECT user_id, kind, role, state, login_field, login, email, email_verified, phone, phone_verified, password_hash, "
         "fields_json, notifications_json, second_factor, totp_secret, totp_last_step, pending_factor, pending_secret "
         "FROM users WHERE tenant_id = :t AND " + column + " = :v",
        soci::use(tenant), soci::use(value), soci::into(row);
    if (!s.got_data()) return std::nullopt;
    auto text = [&](std::size_t i) { return columnText(row, i); };
    auto integer = [&](std::size_t i) { return columnInteger(row, i); };
    User u;
    u.id = text(0);
    u.kind = text(1);
    u.role = text(2);
    u.state = text(3);
    u.loginField = text(4);
    u.login = text(5);
    u.email = text(6);
    u.emailVerified = integer(7) != 0;
    u.phone = text(8);
    u.phoneVerified = integer(9) != 0;
    u.passwordHash = text(10);
    u.fieldsJson = text(11);
    u.notificationsJson = text(12);
    u.secondFactor = text(13);
    u.totpSecret = text(14);
    u.totpLastStep = integer(15);
    u.pendingFactor = text(16);
    u.pendingSecret = text(17);
    return u;
}

/// A one-time token row.
struct Token {
    std::string userId, purpose, data;
    int attempts = 0;
    long long createdAt = 0, expiresAt = 0;
    bool used = false;
};

std::optional<Token> loadToken(soci::session& s, const std::string& tenant, const std::string& hash) {
    Token t;
    soci::indicator usedInd;
    long long usedAt = 0;
    s << "SELECT user_id, purpose, data, attempts, created_at, expires_at, used_at FROM tokens WHERE tenant_id = :t AND token_hash = :h",
        soci::use(tenant), soci::use(hash), soci::into(t.userId), soci::into(t.purpose), soci::into(t.data),
        soci::into(t.attempts), soci::into(t.createdAt), soci::into(t.expiresAt), soci::into(usedAt, usedInd);
    if (!s.got_data()) return std::nullopt;
    t.used = usedInd != soci::i_null;
    return t;
}

void insertToken(soci::session& s, const std::string& tenant, const std::string& hash, const std::string& userId,
                 const std::string& purpose, const std::string& data, long long ttl) {
    const long long t = now(), exp = t + ttl;
    s << "INSERT INTO tokens (tenant_id, token_hash, user_id, purpose, data, attempts, created_at, expires_at) "
         "VALUES (:t, :h, :u, :p, :d, 0, :c, :e)",
        soci::use(tenant), soci::use(hash), soci::use(userId), soci::use(purpose), soci::use(data), soci::use(t), soci::use(exp);
}

/// Creates a random token of a purpose and returns the raw value (only its hash is stored).
std::string newToken(soci::session& s, const std::string& tenant, const std::string& userId, const std::string& purpose,
                     const std::string& data, long long ttl) {
    const std::string raw = crypto::randomToken(32);
    insertToken(s, tenant, hashToken(raw), userId, purpose, data, ttl);
    return raw;
}

void markUsed(soci::session& s, const std::string& tenant, const std::string& hash) {
    const long long t = now();
    s << "UPDATE tokens SET used_at = :n WHERE tenant_id = :t AND token_hash = :h", soci::use(t), soci::use(tenant), soci::use(hash);
}

/// Ends every outstanding password-reset link of the user (marks it used).
void endResetLinks(soci::session& s, const std::string& tenant, const std::string& userId) {
    const long long t = now();
    s << "UPDATE tokens SET used_at = :n WHERE tenant_id = :t AND user_id = :u AND purpose = 'password_reset' AND used_at IS NULL",
        soci::use(t), soci::use(tenant), soci::use(userId);
}

/// Seconds since the newest token of a purpose for the user was made (large when none).
long long sinceLast(soci::session& s, const std::string& tenant, const std::string& userId, const std::string& purpose) {
    long long newest = 0;
    soci::indicator ind;
    s << "SELECT MAX(created_at) FROM tokens WHERE tenant_id = :t AND user_id = :u AND purpose = :p", soci::use(tenant),
        soci::use(userId), soci::use(purpose), soci::into(newest, ind);
    return ind == soci::i_null ? 1LL << 40 : now() - newest;
}

bool allDigits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

Error gone() { return Error(410, "link_invalid", "Ссылка недействительна или устарела"); }

Error tooSoon(long long wait) {
    Error e(429, "too_many_requests", "Повторная отправка будет доступна через " + std::to_string(wait) + " с");
    e.retryAfter(wait);
    return e;
}

std::string link(const Config& c, const Tenant& t, const std::string& page, const std::string& token) {
    std::string enc;
    Poco::URI::encode(token, "&=?#+/", enc);
    return c.publicBaseUrl() + "/t/" + t.id() + "/" + page + "?token=" + enc;
}

/// Queues a mail from the tenant's template.
void queueMail(soci::session& s, Tenant& t, const std::string& to, const std::string& templ, JsonObject vars) {
    auto m = obj(t.mail(templ, vars));
    OutgoingMessage out{"email", to, str(m, "subject"), str(m, "text"), str(m, "html")};
    enqueueMessage(s, t.id(), out);
}

void queueSms(soci::session& s, Tenant& t, const std::string& to, const std::string& templ, JsonObject vars) {
    enqueueMessage(s, t.id(), OutgoingMessage{"sms", to, "", t.sms(templ, vars), ""});
}

std::vector<std::string> remaining(const Settings& st, const User& u) {
    std::vector<std::string> r;
    if (st.needs("email") && !u.emailVerified) r.push_back("email");
    if (st.needs("phone") && !u.phoneVerified) r.push_back("phone");
    return r;
}

/// Activates a pending user whose confirmations are all done; returns the state after.
std::string settleState(soci::session& s, const std::string& tenant, const Settings& st, User& u) {
    if (u.state == "pending" && remaining(st, u).empty()) {
        const long long t = now();
        s << "UPDATE users SET state = 'active', updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(t),
            soci::use(tenant), soci::use(u.id);
        u.state = "active";
    }
    return u.state;
}

/// Sends a fresh phone code (purpose "phone_code" or "factor_code" …) and returns nothing; the code's hash
/// is stored in the token's data.
void sendCode(soci::session& s, Tenant& t, const User& u, const std::string& purpose, const std::string& templ,
              const std::string& tokenHash) {
    const std::string code = crypto::randomDigits(6);
    insertToken(s, t.id(), tokenHash, u.id, purpose, hashCode(u.id, code), kCodeSeconds);
    JsonObject vars = new Poco::JSON::Object;
    vars->set("code", code);
    vars->set("minutes", kCodeSeconds / 60);
    queueSms(s, t, u.phone, templ, vars);
}

/// Checks a code against a token row; counts a wrong one. Returns true when right. Throws 410 when the
/// token is used, expired or out of attempts.
bool checkCode(soci::session& s, const std::string& tenant, const std::string& hash, const Token& tok,
               const std::string& userId, const std::string& code) {
    if (tok.used || tok.expiresAt < now() || tok.attempts >= kMaxCodeAttempts)
        throw Error(410, "code_expired", "Код устарел или исчерпаны попытки; запросите новый");
    if (crypto::constantTimeEquals(tok.data, hashCode(userId, code))) return true;
    s << "UPDATE tokens SET attempts = attempts + 1 WHERE tenant_id = :t AND token_hash = :h", soci::use(tenant), soci::use(hash);
    return false;
}

// ---- throttling (identity/Throttle) ------------------------------------------------------------------

Error throttled(long long wait) {
    Error e(429, "too_many_attempts", "Слишком много неудачных попыток входа. Повторите через " + std::to_string(wait) + " с");
    e.retryAfter(wait);
    return e;
}

/// The JSON of a user as `me` shows it; `display_name` is the tenant's name of the person from the profile
/// (ФИО, organisation), else the e-mail, else null.
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

/// The notification switches of a user, one per switch the tenant offers: what the user set, else the
/// tenant's default (an unset switch is never "off" by accident).
JsonObject notificationsOf(const Tenant& t, const User& u) {
    auto own = obj(luajson::parse(u.notificationsJson.empty() ? "{}" : u.notificationsJson));
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

/// The newest token of a purpose for the user, with its hash, or nothing.
std::optional<Token> newestToken(soci::session& s, const std::string& tenant, const std::string& userId, const std::string& purpose,
                                 std::string& hash) {
    s << "SELECT token_hash FROM tokens WHERE tenant_id = :t AND user_id = :u AND purpose = :p ORDER BY created_at DESC LIMIT 1",
        soci::use(tenant), soci::use(userId), soci::use(purpose), soci::into(hash);
    if (!s.got_data()) return std::nullopt;
    return loadToken(s, tenant, hash);
}

bool live(const Token& tok) { return !tok.used && tok.expiresAt >= now() && tok.attempts < kMaxCodeAttempts; }

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

/// A change of the phone waiting for its code (token purpose "phone_change"): the new number and the
/// code's hash, as the token's data.
struct PhoneChange {
    std::string phone, codeHash;
};

std::optional<PhoneChange> phoneChangeOf(const Token& tok) {
    auto d = obj(luajson::parse(tok.data.empty() ? "{}" : tok.data));
    PhoneChange c{str(d, "phone"), str(d, "code")};
    if (c.phone.empty() || c.codeHash.empty()) return std::nullopt;
    return c;
}

/// The new phone waiting for its code, or empty.
std::string pendingPhone(soci::session& s, const std::string& tenant, const std::string& userId) {
    std::string h;
    auto tok = newestToken(s, tenant, userId, "phone_change", h);
    if (!tok || !live(*tok)) return {};
    auto c = phoneChangeOf(*tok);
    return c ? c->phone : std::string();
}

/// Sends a code to a new phone of the user; the old phone stays until the code is entered. Earlier
/// changes still waiting end.
void startPhoneChange(soci::session& s, Tenant& t, const User& u, const std::string& phone) {
    const long long n = now();
    s << "UPDATE tokens SET used_at = :n WHERE tenant_id = :t AND user_id = :u AND purpose = 'phone_change' AND used_at IS NULL",
        soci::use(n), soci::use(t.id()), soci::use(u.id);
    const std::string code = crypto::randomDigits(6);
    JsonObject data = new Poco::JSON::Object;
    data->set("phone", phone);
    data->set("code", hashCode(u.id, code));
    insertToken(s, t.id(), hashToken(crypto::randomToken(16)), u.id, "phone_change", luajson::stringify(data), kCodeSeconds);
    JsonObject vars = new Poco::JSON::Object;
    vars->set("code", code);
    vars->set("minutes", kCodeSeconds / 60);
    queueSms(s, t, phone, "phone_code", vars);
}

} // namespace

IdentityService::IdentityService(Database& db, PasswordHasher& hasher, const Config& config, std::function<void()> poke)
    : db_(db), hasher_(hasher), config_(config), poke_(std::move(poke)) {}

std::string IdentityService::csrfFor(const std::string& tokenHash) {
    return crypto::base64url(crypto::hmacSha256(tokenHash, "kabinet-csrf")).substr(0, 32);
}

// ---- registration and confirmation ---------------------------------------------------------------------

JsonObject IdentityService::registerUser(Tenant& t, const JsonObject& body, const std::string& client) {
    FormInput in = readForm(t, body);
    std::map<std::string, std::string> tenantErrors;
    auto rec = obj(t.normalizeRegistration(in.kind, in.fields, tenantErrors));
    mergeTenantErrors(t, tenantErrors, in.errors);
    const std::string failed = t.message("registration_failed", "Не удалось зарегистрироваться");
    if (!in.errors.empty()) throw Unprocessable(in.errors, failed);
    const Settings st(t);
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
    const std::string hash = hasher_.hash(password); // outside the transaction: it takes tens of milliseconds
    std::string pending, fieldsJson = luajson::stringify(values);
    const long long t0 = now();
    db_.transaction([&](soci::session& s) {
        int taken = 0;
        s << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND login = :l", soci::use(t.id()), soci::use(u.login), soci::into(taken);
        if (taken)
            throw Conflict("already_registered", t.message("login_taken", "Пользователь с таким логином уже существует"),
                           FieldErrors{{u.loginField, t.message("login_taken", "Пользователь с таким логином уже существует")}});
        if (!u.email.empty()) {
            s << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND email = :e", soci::use(t.id()), soci::use(u.email), soci::into(taken);
            if (taken)
                throw Conflict("already_registered", "Пользователь с таким E-mail уже существует",
                               FieldErrors{{st.emailField, "Пользователь с таким E-mail уже существует"}});
        }
        soci::indicator emailInd = u.email.empty() ? soci::i_null : soci::i_ok, phoneInd = u.phone.empty() ? soci::i_null : soci::i_ok;
        s << "INSERT INTO users (tenant_id, user_id, kind, role, state, login_field, login, email, email_verified, phone, phone_verified, "
             "password_hash, fields_json, notifications_json, created_at, updated_at) VALUES (:t, :id, :k, :r, :st, :lf, :l, :e, 0, :p, 0, "
             ":h, :f, '{}', :c, :u)",
            soci::use(t.id()), soci::use(u.id), soci::use(u.kind), soci::use(u.role), soci::use(u.state), soci::use(u.loginField),
            soci::use(u.login), soci::use(u.email, emailInd), soci::use(u.phone, phoneInd), soci::use(hash), soci::use(fieldsJson),
            soci::use(t0), soci::use(t0);
        // Consents (152-ФЗ): which text version, when, from where.
        if (rec->has("consents"))
            for (const auto& c : *rec->getArray("consents")) {
                auto co = obj(c);
                const std::string cid = str(co, "id"), version = str(co, "version");
                s << "INSERT INTO consents (tenant_id, user_id, consent_id, version, given_at, client_address) VALUES (:t, :u, :c, :v, :g, :a)",
                    soci::use(t.id()), soci::use(u.id), soci::use(cid), soci::use(version), soci::use(t0), soci::use(client);
            }
        if (st.needs("email")) {
            JsonObject vars = new Poco::JSON::Object;
            vars->set("link", link(config_, t, "confirm/email", newToken(s, t.id(), u.id, "email_confirm", "", kEmailLinkSeconds)));
            vars->set("expires_hours", kEmailLinkSeconds / 3600);
            queueMail(s, t, u.email, "confirm_email", vars);
        }
        if (u.state == "pending") pending = newToken(s, t.id(), u.id, "pending", "", kPendingSeconds);
        if (st.needs("phone")) sendCode(s, t, u, "phone_code", "phone_code", hashToken(crypto::randomToken(16)));
    });
    poke_();
    log::info("user registered", {{"tenant", t.id()}, {"user_id", u.id}, {"kind", u.kind}, {"state", u.state}});
    JsonObject out = new Poco::JSON::Object;
    JsonObject user = new Poco::JSON::Object;
    user->set("id", u.id);
    user->set("kind", u.kind);
    user->set("state", u.state);
    out->set("user", user);
    out->set("confirmations", toArray(remaining(st, u)));
    if (!pending.empty()) out->set("pending_token", pending);
    std::string message = st.registrationMessage;
    if (st.postRegistration) {
        if (!str(st.postRegistration, u.kind).empty()) message = str(st.postRegistration, u.kind);
        else if (!str(st.postRegistration, "all").empty()) message = str(st.postRegistration, "all");
    }
    out->set("message", message.empty() ? std::string("Регистрация прошла успешно") : message);
    return out;
}

JsonObject IdentityService::confirmEmail(Tenant& t, const std::string& token) {
    if (token.empty() || token.size() > 200) throw gone();
    const std::string h = hashToken(token);
    const Settings st(t);
    JsonObject out = new Poco::JSON::Object;
    db_.transaction([&](soci::session& s) {
        auto tok = loadToken(s, t.id(), h);
        if (!tok || tok->used || tok->expiresAt < now() || (tok->purpose != "email_confirm" && tok->purpose != "email_change"))
            throw gone();
        auto u = loadUser(s, t.id(), "user_id", tok->userId);
        if (!u) throw gone();
        markUsed(s, t.id(), h);
        const long long n = now();
        if (tok->purpose == "email_change") {
            int taken = 0;
            s << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND email = :e AND user_id <> :u", soci::use(t.id()),
                soci::use(tok->data), soci::use(u->id), soci::into(taken);
            if (taken) throw Conflict("already_registered", "Пользователь с таким E-mail уже существует");
            // The e-mail is also a profile field: keep both in step.
            auto fields = luajson::parse(u->fieldsJson.empty() ? "{}" : u->fieldsJson).extract<Poco::JSON::Object::Ptr>();
            fields->set(st.emailField, tok->data);
            if (u->loginField == st.emailField) u->login = tok->data;
            const std::string fj = luajson::stringify(fields);
            s << "UPDATE users SET email = :e, email_verified = 1, fields_json = :f, login = :l, updated_at = :n WHERE tenant_id = :t AND user_id = :u",
                soci::use(tok->data), soci::use(fj), soci::use(u->login), soci::use(n), soci::use(t.id()), soci::use(u->id);
        } else {
            s << "UPDATE users SET email_verified = 1, updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(n),
                soci::use(t.id()), soci::use(u->id);
        }
        u->emailVerified = true;
        out->set("state", settleState(s, t.id(), st, *u));
        out->set("remaining", toArray(remaining(st, *u)));
    });
    out->set("ok", true);
    return out;
}

void IdentityService::resendEmail(Tenant& t, const JsonObject& body) {
    const Settings st(t);
    const std::string pending = str(body, "pending_token"), email = Poco::toLower(str(body, "email"));
    if (pending.empty() && email.empty())
        throw Unprocessable(FieldErrors{{"email", "Укажите адрес электронной почты"}});
    bool queued = false;
    db_.transaction([&](soci::session& s) {
        std::optional<User> u;
        if (!pending.empty()) {
            auto tok = loadToken(s, t.id(), hashToken(pending));
            if (!tok || tok->purpose != "pending" || tok->expiresAt < now()) throw gone();
            u = loadUser(s, t.id(), "user_id", tok->userId);
        } else {
            u = loadUser(s, t.id(), "email", email);
        }
        if (!u || u->emailVerified || u->email.empty() || !st.needs("email")) return;
        const long long since = sinceLast(s, t.id(), u->id, "email_confirm");
        if (since < kResendCooldown) {
            if (!pending.empty()) throw tooSoon(kResendCooldown - since);
            return; // by e-mail: say nothing that tells whether the account exists
        }
        JsonObject vars = new Poco::JSON::Object;
        vars->set("link", link(config_, t, "confirm/email", newToken(s, t.id(), u->id, "email_confirm", "", kEmailLinkSeconds)));
        vars->set("expires_hours", kEmailLinkSeconds / 3600);
        queueMail(s, t, u->email, "confirm_email", vars);
        queued = true;
    });
    if (queued) poke_();
}

JsonObject IdentityService::confirmPhone(Tenant& t, const std::string& pendingToken, const std::string& code) {
    const Settings st(t);
    JsonObject out = new Poco::JSON::Object;
    bool wrong = false;
    db_.transaction([&](soci::session& s) {
        auto ptok = loadToken(s, t.id(), hashToken(pendingToken));
        if (!ptok || ptok->purpose != "pending" || ptok->expiresAt < now()) throw gone();
        auto u = loadUser(s, t.id(), "user_id", ptok->userId);
        if (!u) throw gone();
        std::string codeHash;
        s << "SELECT token_hash FROM tokens WHERE tenant_id = :t AND user_id = :u AND purpose = 'phone_code' ORDER BY created_at DESC LIMIT 1",
            soci::use(t.id()), soci::use(u->id), soci::into(codeHash);
        if (!s.got_data()) throw Error(410, "code_expired", "Код устарел; запросите новый");
        auto tok = loadToken(s, t.id(), codeHash);
        if (!checkCode(s, t.id(), codeHash, *tok, u->id, code)) {
            wrong = true; // commit the counted attempt, then answer
            return;
        }
        markUsed(s, t.id(), codeHash);
        const long long n = now();
        s << "UPDATE users SET phone_verified = 1, updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(n),
            soci::use(t.id()), soci::use(u->id);
        u->phoneVerified = true;
        out->set("state", settleState(s, t.id(), st, *u));
        out->set("remaining", toArray(remaining(st, *u)));
    });
    if (wrong) throw Unprocessable(FieldErrors{{"code", "Неверный код"}});
    out->set("ok", true);
    return out;
}

void IdentityService::resendPhone(Tenant& t, const std::string& pendingToken) {
    db_.transaction([&](soci::session& s) {
        auto ptok = loadToken(s, t.id(), hashToken(pendingToken));
        if (!ptok || ptok->purpose != "pending" || ptok->expiresAt < now()) throw gone();
        auto u = loadUser(s, t.id(), "user_id", ptok->userId);
        if (!u || u->phone.empty() || u->phoneVerified) throw gone();
        const long long since = sinceLast(s, t.id(), u->id, "phone_code");
        if (since < kResendCooldown) throw tooSoon(kResendCooldown - since);
        sendCode(s, t, *u, "phone_code", "phone_code", hashToken(crypto::randomToken(16)));
    });
    poke_();
}

// ---- login and sessions ---------------------------------------------------------------------------------

namespace {
LoginResult newSession(Database& db, Tenant& t, const Settings& st, const User& u, bool remember, const std::string& client) {
    LoginResult r;
    r.token = crypto::randomToken(32);
    r.remember = remember && st.rememberDays > 0; // remember_days 0 switches «remember me» off
    r.maxAgeSeconds = r.remember ? st.rememberDays * 86400LL : st.sessionHours * 3600LL;
    const std::string h = hashToken(r.token);
    const long long n = now(), exp = n + r.maxAgeSeconds;
    const int rem = r.remember ? 1 : 0;
    db.transaction([&](soci::session& s) {
        s << "INSERT INTO sessions (tenant_id, token_hash, user_id, remember, created_at, expires_at, client_address) "
             "VALUES (:t, :h, :u, :r, :c, :e, :a)",
            soci::use(t.id()), soci::use(h), soci::use(u.id), soci::use(rem), soci::use(n), soci::use(exp), soci::use(client);
    });
    r.body = new Poco::JSON::Object;
    auto user = userJson(t, u);
    user->set("notifications", notificationsOf(t, u));
    user->set("second_factor_required", u.secondFactor.empty() && contains(st.forcedRoles, u.role));
    r.body->set("user", user);
    r.body->set("csrf", IdentityService::csrfFor(h));
    return r;
}

/// The account a login names. Staff (operators, tenant admins) log in by their e-mail in every tenant,
/// whatever its consumers' login identifiers are; with kind "staff" only staff are found. A consumer is
/// found only by the identifier as the tenant normalised it (`byTenant`, empty when it could not), and
/// only for the kind chosen, when one was.
std::optional<User> accountForLogin(soci::session& s, const std::string& tenant, const std::string& kind, const std::string& byTenant,
                                    const std::string& email) {
    std::optional<User> u;
    if (!byTenant.empty() && kind != kStaffKind) {
        u = loadUser(s, tenant, "login", byTenant);
        if (u && u->role == "consumer" && !kind.empty() && u->kind != kind) u.reset();
    }
    if (!u) {
        u = loadUser(s, tenant, "login", email);
        if (u && u->role == "consumer") u.reset();
    }
    return u;
}

/// The answer to a login of an account still waiting for its confirmations: 403 `not_confirmed` with what
/// is `remaining` and a fresh `pending_token`, so that the person finishes on the spot (resends the mail
/// link, enters the code, asks for a new one). When no phone code can still be entered, a new one is
/// sent (at most one a minute). `queued` tells whether a message was queued.
LoginResult notConfirmed(Database& db, Tenant& t, const Settings& st, const User& u, bool& queued) {
    const auto left = remaining(st, u);
    std::string pending;
    bool codeSent = false;
    db.transaction([&](soci::session& s) {
        pending = newToken(s, t.id(), u.id, "pending", "", kPendingSeconds);
        if (contains(left, "phone") && !u.phone.empty()) {
            std::string h;
            auto tok = newestToken(s, t.id(), u.id, "phone_code", h);
            if ((!tok || !live(*tok)) && sinceLast(s, t.id(), u.id, "phone_code") >= kResendCooldown) {
                sendCode(s, t, u, "phone_code", "phone_code", hashToken(crypto::randomToken(16)));
                codeSent = true;
            }
        }
    });
    queued = codeSent;
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

LoginResult IdentityService::login(Tenant& t, const JsonObject& body, const std::string& client) {
    const std::string rawLogin = str(body, "login"), password = str(body, "password"), kind = str(body, "kind");
    const bool remember = flag(body, "remember");
    FieldErrors missing;
    if (rawLogin.empty()) missing["login"] = "Введите логин";
    if (password.empty()) missing["password"] = "Введите пароль";
    if (rawLogin.size() > 256) missing["login"] = "Слишком длинный логин";
    if (!missing.empty()) throw Unprocessable(missing);
    const Settings st(t);
    // Normalised once (the tenant library folds the case of text logins): the throttle and the lookup use
    // the same value, so no spelling of a login escapes its lock.
    std::string normalized = t.normalizeLogin(kind, rawLogin);
    const std::string byTenant = normalized, email = Poco::toLower(Poco::trim(rawLogin));
    if (normalized.empty()) normalized = email;
    const std::string accountKey = "account:" + crypto::sha256Hex(normalized).substr(0, 32);
    const std::string addressKey = "address:" + client;
    // The attempt is reserved (checked and counted) before the password is verified: concurrent attempts
    // cannot get past the policy. Accounts are locked; an address (maybe a whole NAT) is only slowed down.
    Throttle throttle(db_, t.id());
    const auto reservation = throttle.reserve({{accountKey, ThrottlePolicy::lockable(st.maxFailures, st.windowMinutes, st.lockMinutes)},
                                               {addressKey, ThrottlePolicy::slowOnly(st.maxFailures, st.windowMinutes)}});
    if (reservation.waitSeconds) throw throttled(reservation.waitSeconds);
    std::optional<User> u;
    bool ok = false;
    try {
        db_.read([&](soci::session& s) { u = accountForLogin(s, t.id(), kind, byTenant, email); });
        ok = u ? hasher_.verify(password, u->passwordHash) : (hasher_.verifyDummy(password), false);
    } catch (...) { // not a wrong password: the attempt does not count
        throttle.release(accountKey);
        throttle.release(addressKey);
        throw;
    }
    if (!ok) { // the reserved attempt stays counted as a failure
        log::info("login failed", {{"tenant", t.id()}, {"reason", u ? "password" : "unknown account"}});
        throw Error(401, "invalid_credentials", "Неверный логин или пароль");
    }
    throttle.clear(accountKey);
    throttle.release(addressKey);
    if (u->state == "disabled") throw Error(403, "account_disabled", "Учётная запись заблокирована; обратитесь в организацию");
    if (u->state == "pending") {
        bool queued = false;
        auto r = notConfirmed(db_, t, st, *u, queued);
        if (queued) poke_();
        return r;
    }
    if (hasher_.needsRehash(u->passwordHash)) {
        const std::string upgraded = hasher_.hash(password);
        db_.transaction([&](soci::session& s) {
            s << "UPDATE users SET password_hash = :h WHERE tenant_id = :t AND user_id = :u", soci::use(upgraded), soci::use(t.id()),
                soci::use(u->id);
        });
        log::info("password hash upgraded", {{"tenant", t.id()}, {"user_id", u->id}});
    }
    if (!u->secondFactor.empty()) {
        LoginResult r;
        const std::string challenge = crypto::randomToken(32), h = hashToken(challenge);
        db_.transaction([&](soci::session& s) {
            if (u->secondFactor == "sms") {
                sendCode(s, t, *u, remember ? "challenge_remember" : "challenge", "login_code", h);
            } else {
                insertToken(s, t.id(), h, u->id, remember ? "challenge_remember" : "challenge", "", kChallengeSeconds);
            }
        });
        if (u->secondFactor == "sms") poke_();
        r.body = new Poco::JSON::Object;
        r.body->set("second_factor", u->secondFactor);
        r.body->set("challenge", challenge);
        return r;
    }
    log::info("login", {{"tenant", t.id()}, {"user_id", u->id}});
    return newSession(db_, t, st, *u, remember, client);
}

LoginResult IdentityService::secondFactor(Tenant& t, const std::string& challenge, const std::string& rawCode, const std::string& client) {
    const Settings st(t);
    const std::string h = hashToken(challenge);
    const std::string code = Poco::trim(rawCode);
    if (code.empty()) throw Unprocessable(FieldErrors{{"code", "Введите код"}});
    std::optional<User> u;
    bool remember = false, accepted = false;
    db_.transaction([&](soci::session& s) {
        auto tok = loadToken(s, t.id(), h);
        if (!tok || (tok->purpose != "challenge" && tok->purpose != "challenge_remember")) throw gone();
        if (tok->used || tok->expiresAt < now() || tok->attempts >= kMaxCodeAttempts)
            throw Error(410, "code_expired", "Время на ввод кода истекло; войдите снова");
        remember = tok->purpose == "challenge_remember";
        u = loadUser(s, t.id(), "user_id", tok->userId);
        if (!u || u->state != "active") throw gone();
        if (u->secondFactor == "sms" && code.size() == 6 && allDigits(code)) {
            accepted = checkCode(s, t.id(), h, *tok, u->id, code);
        } else if (u->secondFactor == "totp" && code.size() == 6 && allDigits(code)) {
            uint64_t step = 0;
            auto key = totp::base32Decode(u->totpSecret);
            accepted = key && totp::verify(*key, code, std::time(nullptr), 1, &step) && static_cast<long long>(step) > u->totpLastStep;
            if (accepted) {
                const long long st64 = static_cast<long long>(step);
                s << "UPDATE users SET totp_last_step = :s WHERE tenant_id = :t AND user_id = :u", soci::use(st64), soci::use(t.id()),
                    soci::use(u->id);
            }
        }
        if (!accepted) {
            // A recovery code, single use.
            const std::string rc = crypto::sha256Hex(u->id + ":" + totp::normalizeRecoveryCode(code));
            const long long usedAt = now();
            soci::statement upd = (s.prepare << "UPDATE recovery_codes SET used_at = :n WHERE tenant_id = :t AND user_id = :u "
                                                "AND code_hash = :c AND used_at IS NULL",
                                   soci::use(usedAt), soci::use(t.id()), soci::use(u->id), soci::use(rc));
            upd.execute(true);
            accepted = upd.get_affected_rows() == 1;
        }
        if (accepted) markUsed(s, t.id(), h);
        else s << "UPDATE tokens SET attempts = attempts + 1 WHERE tenant_id = :t AND token_hash = :h", soci::use(t.id()), soci::use(h);
    });
    if (!accepted) throw Error(401, "invalid_code", "Неверный код");
    log::info("login", {{"tenant", t.id()}, {"user_id", u->id}, {"second_factor", u->secondFactor}});
    return newSession(db_, t, st, *u, remember, client);
}

void IdentityService::logout(Tenant& t, const SessionInfo& si) {
    db_.transaction([&](soci::session& s) {
        s << "DELETE FROM sessions WHERE tenant_id = :t AND token_hash = :h", soci::use(t.id()), soci::use(si.tokenHash);
    });
}

std::shared_ptr<SessionInfo> IdentityService::resolveSession(Tenant& t, const std::string& token) {
    if (token.empty() || token.size() > 100) return nullptr;
    auto si = std::make_shared<SessionInfo>();
    si->tokenHash = hashToken(token);
    const long long n = now();
    bool found = false;
    std::string factor;
    soci::indicator factorInd = soci::i_null;
    db_.read([&](soci::session& s) {
        s << "SELECT u.user_id, u.role, u.kind, u.second_factor FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id "
             "AND u.user_id = s.user_id WHERE s.tenant_id = :t AND s.token_hash = :h AND s.expires_at > :n AND u.state = 'active'",
            soci::use(t.id()), soci::use(si->tokenHash), soci::use(n), soci::into(si->userId), soci::into(si->role), soci::into(si->kind),
            soci::into(factor, factorInd);
        found = s.got_data();
    });
    if (!found) return nullptr;
    si->secondFactorRequired = (factorInd == soci::i_null || factor.empty()) && contains(Settings(t).forcedRoles, si->role);
    si->csrf = csrfFor(si->tokenHash);
    return si;
}

// ---- profile and passwords --------------------------------------------------------------------------------

JsonObject IdentityService::me(Tenant& t, const SessionInfo& si) {
    std::optional<User> u;
    std::string phoneChange;
    db_.read([&](soci::session& s) {
        u = loadUser(s, t.id(), "user_id", si.userId);
        if (u) phoneChange = pendingPhone(s, t.id(), u->id);
    });
    if (!u) throw Error(401, "not_authenticated", "Требуется вход в личный кабинет");
    JsonObject out = new Poco::JSON::Object;
    auto user = userJson(t, *u);
    user->set("notifications", notificationsOf(t, *u));
    user->set("phone_change_pending", phoneChange.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(phoneChange));
    user->set("second_factor_required", si.secondFactorRequired);
    out->set("user", user);
    out->set("csrf", si.csrf);
    return out;
}

JsonObject IdentityService::patchMe(Tenant& t, const SessionInfo& si, const JsonObject& body) {
    const Settings st(t);
    auto fieldsVar = body->get("fields");
    auto notifVar = body->get("notifications");
    if (!fieldsVar.isEmpty() && fieldsVar.type() != typeid(Poco::JSON::Object::Ptr))
        throw Unprocessable(FieldErrors{{"fields", "Поле fields должно быть объектом"}});
    if (!notifVar.isEmpty() && notifVar.type() != typeid(Poco::JSON::Object::Ptr))
        throw Unprocessable(FieldErrors{{"notifications", "Поле notifications должно быть объектом"}});
    std::optional<User> u;
    db_.read([&](soci::session& s) { u = loadUser(s, t.id(), "user_id", si.userId); });
    if (!u) throw Error(401, "not_authenticated", "Требуется вход в личный кабинет");
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
    auto notifications = obj(luajson::parse(u->notificationsJson.empty() ? "{}" : u->notificationsJson));
    if (!notifVar.isEmpty()) {
        FieldErrors errors;
        for (const auto& [k, v] : *notifVar.extract<Poco::JSON::Object::Ptr>()) {
            if (!switchIds.count(k)) errors["notifications." + k.substr(0, 64)] = "Неизвестный вид уведомлений";
            else if (!v.isBoolean()) errors["notifications." + k] = "Ожидается да или нет";
            else notifications->set(k, v.convert<bool>());
        }
        if (!errors.empty()) throw Unprocessable(errors);
    }
    auto fields = obj(luajson::parse(u->fieldsJson.empty() ? "{}" : u->fieldsJson));
    std::string phone = str(values, st.phoneField);
    const std::string newPhone = phone;
    // Where phones are proven by a code, a new one counts only once the code sent to it is entered.
    const bool phoneByCode = values->has(st.phoneField) && phone != u->phone && !phone.empty() && st.phoneByCode;
    const bool phoneChanged = values->has(st.phoneField) && phone != u->phone && !phoneByCode;
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
    const long long n = now();
    db_.transaction([&](soci::session& s) {
        if (!newEmail.empty()) {
            int taken = 0;
            s << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND email = :e", soci::use(t.id()), soci::use(newEmail), soci::into(taken);
            if (taken)
                throw Conflict("already_registered", "Пользователь с таким E-mail уже существует",
                               FieldErrors{{st.emailField, "Пользователь с таким E-mail уже существует"}});
        }
        int verified = phoneChanged ? 0 : (u->phoneVerified ? 1 : 0);
        soci::indicator phoneInd = phone.empty() ? soci::i_null : soci::i_ok;
        if (!phoneChanged) phone = u->phone, phoneInd = u->phone.empty() ? soci::i_null : soci::i_ok;
        s << "UPDATE users SET fields_json = :f, notifications_json = :nj, phone = :p, phone_verified = :pv, updated_at = :n "
             "WHERE tenant_id = :t AND user_id = :u",
            soci::use(fj), soci::use(nj), soci::use(phone, phoneInd), soci::use(verified), soci::use(n), soci::use(t.id()), soci::use(u->id);
        if (!newEmail.empty()) {
            JsonObject vars = new Poco::JSON::Object;
            vars->set("link", link(config_, t, "confirm/email", newToken(s, t.id(), u->id, "email_change", newEmail, kEmailLinkSeconds)));
            vars->set("expires_hours", kEmailLinkSeconds / 3600);
            queueMail(s, t, newEmail, "email_change", vars);
        }
        if (phoneByCode) {
            const long long since = sinceLast(s, t.id(), u->id, "phone_change");
            if (since < kResendCooldown) throw tooSoon(kResendCooldown - since);
            startPhoneChange(s, t, *u, newPhone);
        }
    });
    if (!newEmail.empty() || phoneByCode) poke_();
    auto out = me(t, si);
    if (!newEmail.empty()) out->set("email_change_pending", true);
    return out;
}

JsonObject IdentityService::confirmPhoneChange(Tenant& t, const SessionInfo& si, const std::string& rawCode) {
    const std::string code = Poco::trim(rawCode);
    if (code.size() != 6 || !allDigits(code)) throw Unprocessable(FieldErrors{{"code", "Введите 6 цифр кода"}});
    const Settings st(t);
    bool wrong = false;
    db_.transaction([&](soci::session& s) {
        auto u = loadUser(s, t.id(), "user_id", si.userId);
        if (!u) throw Error(401, "not_authenticated", "Требуется вход в личный кабинет");
        std::string h;
        auto tok = newestToken(s, t.id(), u->id, "phone_change", h);
        auto change = tok ? phoneChangeOf(*tok) : std::nullopt;
        if (!tok || !change) throw Error(410, "code_expired", "Смена номера не начата или код устарел; укажите номер ещё раз");
        Token check = *tok;
        check.data = change->codeHash;
        if (!checkCode(s, t.id(), h, check, u->id, code)) {
            wrong = true; // commit the counted attempt, then answer
            return;
        }
        markUsed(s, t.id(), h);
        auto fields = obj(luajson::parse(u->fieldsJson.empty() ? "{}" : u->fieldsJson));
        fields->set(st.phoneField, change->phone);
        const std::string fj = luajson::stringify(fields);
        const long long n = now();
        s << "UPDATE users SET phone = :p, phone_verified = 1, fields_json = :f, updated_at = :n WHERE tenant_id = :t AND user_id = :u",
            soci::use(change->phone), soci::use(fj), soci::use(n), soci::use(t.id()), soci::use(u->id);
    });
    if (wrong) throw Unprocessable(FieldErrors{{"code", "Неверный код"}});
    log::info("phone changed", {{"tenant", t.id()}, {"user_id", si.userId}});
    return me(t, si);
}

void IdentityService::resendPhoneChange(Tenant& t, const SessionInfo& si) {
    const Settings st(t);
    db_.transaction([&](soci::session& s) {
        auto u = loadUser(s, t.id(), "user_id", si.userId);
        if (!u) throw Error(401, "not_authenticated", "Требуется вход в личный кабинет");
        std::string phone = pendingPhone(s, t.id(), u->id);
        // No change waiting: the phone in use, when the tenant proves phones and this one is not proven yet.
        if (phone.empty() && st.phoneByCode && !u->phoneVerified) phone = u->phone;
        if (phone.empty()) throw Error(410, "code_expired", "Смена номера не начата или код устарел; укажите номер ещё раз");
        const long long since = sinceLast(s, t.id(), u->id, "phone_change");
        if (since < kResendCooldown) throw tooSoon(kResendCooldown - since);
        startPhoneChange(s, t, *u, phone);
    });
    poke_();
}

void IdentityService::changePassword(Tenant& t, const SessionInfo& si, const JsonObject& body) {
    const std::string oldPw = str(body, "old"), newPw = str(body, "new"), confirm = str(body, "confirm");
    FieldErrors errors;
    if (oldPw.empty()) errors["old"] = "Введите текущий пароль";
    if (newPw.empty()) errors["new"] = "Введите новый пароль";
    if (!errors.empty()) throw Unprocessable(errors);
    std::optional<User> u;
    db_.read([&](soci::session& s) { u = loadUser(s, t.id(), "user_id", si.userId); });
    if (!u) throw Error(401, "not_authenticated", "Требуется вход в личный кабинет");
    if (!hasher_.verify(oldPw, u->passwordHash)) throw Unprocessable(FieldErrors{{"old", "Неверный текущий пароль"}});
    if (auto reason = t.validatePassword(u->kind, newPw); !reason.empty()) throw Unprocessable(FieldErrors{{"new", reason}});
    if (newPw != confirm) throw Unprocessable(FieldErrors{{"confirm", "Пароли не совпадают"}});
    const std::string hash = hasher_.hash(newPw);
    const long long n = now();
    db_.transaction([&](soci::session& s) {
        s << "UPDATE users SET password_hash = :h, updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(hash), soci::use(n),
            soci::use(t.id()), soci::use(u->id);
        // Every other session ends; this one goes on.
        s << "DELETE FROM sessions WHERE tenant_id = :t AND user_id = :u AND token_hash <> :h", soci::use(t.id()), soci::use(u->id),
            soci::use(si.tokenHash);
        if (!u->email.empty()) queueMail(s, t, u->email, "password_changed", new Poco::JSON::Object);
    });
    poke_();
}

void IdentityService::requestPasswordReset(Tenant& t, const JsonObject& body) {
    const std::string email = Poco::toLower(Poco::trim(str(body, "email"))), rawLogin = str(body, "login");
    if (email.empty() && rawLogin.empty()) throw Unprocessable(FieldErrors{{"email", "Укажите адрес электронной почты"}});
    if (email.size() > 256 || rawLogin.size() > 256) throw Unprocessable(FieldErrors{{"email", "Слишком длинное значение"}});
    std::string login;
    if (!rawLogin.empty()) login = t.normalizeLogin("", rawLogin);
    bool queued = false;
    db_.transaction([&](soci::session& s) {
        std::optional<User> u = !email.empty() ? loadUser(s, t.id(), "email", email) : loadUser(s, t.id(), "login", login);
        if (!u || u->email.empty() || u->state == "disabled") return;
        if (sinceLast(s, t.id(), u->id, "password_reset") < kResendCooldown) return; // silently: no enumeration
        endResetLinks(s, t.id(), u->id); // only the newest link works
        JsonObject vars = new Poco::JSON::Object;
        vars->set("link", link(config_, t, "password/reset", newToken(s, t.id(), u->id, "password_reset", "", kResetLinkSeconds)));
        vars->set("expires_minutes", kResetLinkSeconds / 60);
        queueMail(s, t, u->email, "password_reset", vars);
        queued = true;
    });
    if (queued) poke_();
}

void IdentityService::confirmPasswordReset(Tenant& t, const JsonObject& body) {
    const std::string token = str(body, "token"), password = str(body, "password"), confirm = str(body, "confirm");
    if (token.empty() || token.size() > 200) throw gone();
    const std::string h = hashToken(token);
    std::optional<User> u;
    db_.read([&](soci::session& s) {
        auto tok = loadToken(s, t.id(), h);
        if (!tok || tok->used || tok->expiresAt < now() || tok->purpose != "password_reset") throw gone();
        u = loadUser(s, t.id(), "user_id", tok->userId);
    });
    if (!u) throw gone();
    if (password.empty()) throw Unprocessable(FieldErrors{{"password", "Введите новый пароль"}});
    if (auto reason = t.validatePassword(u->kind, password); !reason.empty()) throw Unprocessable(FieldErrors{{"password", reason}});
    if (password != confirm) throw Unprocessable(FieldErrors{{"confirm", "Пароли не совпадают"}});
    const std::string hash = hasher_.hash(password);
    const Settings st(t);
    db_.transaction([&](soci::session& s) {
        auto tok = loadToken(s, t.id(), h); // again, inside the transaction: a link works once
        if (!tok || tok->used) throw gone();
        markUsed(s, t.id(), h);
        endResetLinks(s, t.id(), u->id); // and every other link of the user
        const long long n = now();
        s << "UPDATE users SET password_hash = :h, email_verified = 1, updated_at = :n WHERE tenant_id = :t AND user_id = :u",
            soci::use(hash), soci::use(n), soci::use(t.id()), soci::use(u->id);
        s << "DELETE FROM sessions WHERE tenant_id = :t AND user_id = :u", soci::use(t.id()), soci::use(u->id);
        u->emailVerified = true; // the link proved the mailbox
        settleState(s, t.id(), st, *u);
        queueMail(s, t, u->email, "password_changed", new Poco::JSON::Object);
    });
    poke_();
    log::info("password reset", {{"tenant", t.id()}, {"user_id", u->id}});
}

// ---- second factor ------------------------------------------------------------------------------------------

JsonObject IdentityService::startSecondFactor(Tenant& t, const SessionInfo& si, const std::string& method) {
    const Settings st(t);
    if (method != "totp" && method != "sms") throw Unprocessable(FieldErrors{{"method", "Выберите способ: sms или totp"}});
    if (!contains(st.offered, method)) throw Unprocessable(FieldErrors{{"method", "Этот способ подтверждения входа недоступен"}});
    JsonObject out = new Poco::JSON::Object;
    db_.transaction([&](soci::session& s) {
        auto u = loadUser(s, t.id(), "user_id", si.userId);
        if (!u) throw Error(401, "not_authenticated", "Требуется вход в личный кабинет");
        if (method == "totp") {
            const std::string secret = totp::base32Encode(totp::newSecret());
            s << "UPDATE users SET pending_factor = 'totp', pending_secret = :s WHERE tenant_id = :t AND user_id = :u", soci::use(secret),
                soci::use(t.id()), soci::use(u->id);
            out->set("secret", secret);
            const std::string uri = totp::otpauthUri(t.shortName(), u->login, *totp::base32Decode(secret));
            out->set("otpauth_uri", uri);
            out->set("otpauth_qr", qr::svgDataUri(uri));
        } else {
            if (u->phone.empty()) throw Unprocessable(FieldErrors{{"method", "Укажите номер телефона в профиле"}});
            if (sinceLast(s, t.id(), u->id, "factor_code") < kResendCooldown)
                throw tooSoon(kResendCooldown - sinceLast(s, t.id(), u->id, "factor_code"));
            s << "UPDATE users SET pending_factor = 'sms', pending_secret = NULL WHERE tenant_id = :t AND user_id = :u", soci::use(t.id()),
                soci::use(u->id);
            sendCode(s, t, *u, "factor_code", "phone_code", hashToken(crypto::randomToken(16)));
            out->set("sent", true);
        }
    });
    if (method == "sms") poke_();
    out->set("method", method);
    return out;
}

JsonObject IdentityService::confirmSecondFactor(Tenant& t, const SessionInfo& si, const std::string& rawCode) {
    const std::string code = Poco::trim(rawCode);
    if (code.size() != 6 || !allDigits(code))
        throw Unprocessable(FieldErrors{{"code", "Введите 6 цифр кода"}});
    std::vector<std::string> codes;
    bool wrong = false;
    db_.transaction([&](soci::session& s) {
        auto u = loadUser(s, t.id(), "user_id", si.userId);
        if (!u) throw Error(401, "not_authenticated", "Требуется вход в личный кабинет");
        if (u->pendingFactor == "totp") {
            auto key = totp::base32Decode(u->pendingSecret);
            uint64_t step = 0;
            if (!key || !totp::verify(*key, code, std::time(nullptr), 1, &step)) {
                wrong = true;
                return;
            }
            const long long st64 = static_cast<long long>(step);
            s << "UPDATE users SET second_factor = 'totp', totp_secret = pending_secret, totp_last_step = :s, pending_factor = NULL, "
                 "pending_secret = NULL WHERE tenant_id = :t AND user_id = :u",
                soci::use(st64), soci::use(t.id()), soci::use(u->id);
        } else if (u->pendingFactor == "sms") {
            std::string h;
            s << "SELECT token_hash FROM tokens WHERE tenant_id = :t AND user_id = :u AND purpose = 'factor_code' ORDER BY created_at DESC LIMIT 1",
                soci::use(t.id()), soci::use(u->id), soci::into(h);
            if (!s.got_data()) throw Error(410, "code_expired", "Код устарел; запросите новый");
            auto tok = loadToken(s, t.id(), h);
            if (!checkCode(s, t.id(), h, *tok, u->id, code)) {
                wrong = true;
                return;
            }
            markUsed(s, t.id(), h);
            s << "UPDATE users SET second_factor = 'sms', totp_secret = NULL, pending_factor = NULL WHERE tenant_id = :t AND user_id = :u",
                soci::use(t.id()), soci::use(u->id);
        } else {
            throw Unprocessable(FieldErrors{{"code", "Сначала выберите способ подтверждения входа"}});
        }
        s << "DELETE FROM recovery_codes WHERE tenant_id = :t AND user_id = :u", soci::use(t.id()), soci::use(u->id);
        for (const auto& c : totp::newRecoveryCodes(10)) {
            const std::string h = crypto::sha256Hex(u->id + ":" + totp::normalizeRecoveryCode(c));
            s << "INSERT INTO recovery_codes (tenant_id, user_id, code_hash) VALUES (:t, :u, :h)", soci::use(t.id()), soci::use(u->id),
                soci::use(h);
            codes.push_back(c);
        }
    });
    if (wrong) throw Unprocessable(FieldErrors{{"code", "Неверный код"}});
    JsonObject out = new Poco::JSON::Object;
    out->set("recovery_codes", toArray(codes));
    return out;
}

void IdentityService::disableSecondFactor(Tenant& t, const SessionInfo& si, const std::string& password) {
    const Settings st(t);
    std::optional<User> u;
    db_.read([&](soci::session& s) { u = loadUser(s, t.id(), "user_id", si.userId); });
    if (!u) throw Error(401, "not_authenticated", "Требуется вход в личный кабинет");
    if (!hasher_.verify(password, u->passwordHash)) throw Unprocessable(FieldErrors{{"password", "Неверный пароль"}});
    if (contains(st.forcedRoles, u->role))
        throw Error(403, "second_factor_required", "Для вашей роли подтверждение входа обязательно");
    db_.transaction([&](soci::session& s) {
        s << "UPDATE users SET second_factor = NULL, totp_secret = NULL, pending_factor = NULL, pending_secret = NULL "
             "WHERE tenant_id = :t AND user_id = :u",
            soci::use(t.id()), soci::use(u->id);
        s << "DELETE FROM recovery_codes WHERE tenant_id = :t AND user_id = :u", soci::use(t.id()), soci::use(u->id);
    });
}

// ---- staff ------------------------------------------------------------------------------------------------------

std::string IdentityService::createStaff(Tenant& t, const std::string& role, const std::string& rawEmail, const std::string& fullName,
                                         const std::string& password) {
    const std::string email = Poco::toLower(Poco::trim(rawEmail));
    FieldErrors errors;
    const auto at = email.find('@');
    if (email.empty() || at == std::string::npos || at == 0 || email.find('.', at) == std::string::npos || email.size() > 254 ||
        email.find_first_of(" \t\r\n<>") != std::string::npos)
        errors["email"] = "Неверный адрес электронной почты";
    if (Poco::trim(fullName).empty() || fullName.size() > 300) errors["full_name"] = "Укажите ФИО";
    if (password.size() < 10) errors["password"] = "Пароль сотрудника — не короче 10 символов";
    if (role != "operator" && role != "tenant-admin") errors["role"] = "Роль должна быть operator или tenant-admin";
    if (!errors.empty()) throw Unprocessable(errors);
    const std::string hash = hasher_.hash(password), id = crypto::randomToken(12);
    JsonObject fields = new Poco::JSON::Object;
    fields->set("full_name", Poco::trim(fullName));
    fields->set("email", email);
    const std::string fj = luajson::stringify(fields);
    const long long n = now();
    db_.transaction([&](soci::session& s) {
        int taken = 0;
        s << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND (login = :l OR email = :e)", soci::use(t.id()), soci::use(email),
            soci::use(email), soci::into(taken);
        if (taken) throw Conflict("already_registered", "Пользователь с таким E-mail уже существует",
                                  FieldErrors{{"email", "Пользователь с таким E-mail уже существует"}});
        s << "INSERT INTO users (tenant_id, user_id, kind, role, state, login_field, login, email, email_verified, phone_verified, "
             "password_hash, fields_json, notifications_json, created_at, updated_at) VALUES (:t, :id, 'staff', :r, 'active', 'email', "
             ":l, :e, 1, 0, :h, :f, '{}', :c, :u)",
            soci::use(t.id()), soci::use(id), soci::use(role), soci::use(email), soci::use(email), soci::use(hash), soci::use(fj),
            soci::use(n), soci::use(n);
    });
    log::info("staff account created", {{"tenant", t.id()}, {"user_id", id}, {"role", role}});
    return id;
}

Poco::JSON::Array::Ptr IdentityService::listStaff(Tenant& t) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    db_.read([&](soci::session& s) {
        soci::rowset<soci::row> rs = (s.prepare << "SELECT user_id, role, email, fields_json FROM users WHERE tenant_id = :t "
                                                   "AND role IN ('operator', 'tenant-admin') ORDER BY email",
                                      soci::use(t.id()));
        for (const auto& row : rs) {
            JsonObject o = new Poco::JSON::Object;
            o->set("id", row.get<std::string>(0));
            o->set("role", row.get<std::string>(1));
            o->set("email", row.get<std::string>(2));
            o->set("full_name", str(obj(luajson::parse(row.get<std::string>(3))), "full_name"));
            out->add(o);
        }
    });
    return out;
}

} // namespace kabinet
