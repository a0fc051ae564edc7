#include "identity/SecondFactorService.h"

#include "identity/IdentityJson.h"
#include "identity/IdentitySettings.h"
#include "identity/OneTimeSecrets.h"
#include "identity/PasswordHasher.h"
#include "identity/RecoveryCodeStore.h"
#include "identity/TokenStore.h"
#include "identity/Totp.h"
#include "identity/UserStore.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/QrSvg.h"

#include <Poco/String.h>

namespace kabinet {

using namespace idjson;
using namespace secrets;

namespace {
using FieldErrors = std::map<std::string, std::string>;
} // namespace

JsonObject SecondFactorService::startSecondFactor(Tenant& t, const SessionInfo& si, const std::string& method) {
    const IdentitySettings st(t);
    if (method != "totp" && method != "sms") throw Unprocessable(FieldErrors{{"method", "Выберите способ: sms или totp"}});
    if (!contains(st.offered, method)) throw Unprocessable(FieldErrors{{"method", "Этот способ подтверждения входа недоступен"}});
    JsonObject out = new Poco::JSON::Object;
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        const long long n = ctx_.now();
        auto u = users.find(UserKey::Id, si.userId);
        if (!u) throw notAuthenticated();
        if (method == "totp") {
            const std::string secret = totp::base32Encode(totp::newSecret());
            users.beginTotp(u->id, secret);
            out->set("secret", secret);
            const std::string uri = totp::otpauthUri(t.shortName(), u->login, *totp::base32Decode(secret));
            out->set("otpauth_uri", uri);
            out->set("otpauth_qr", qr::svgDataUri(uri));
        } else {
            if (u->phone.empty()) throw Unprocessable(FieldErrors{{"method", "Укажите номер телефона в профиле"}});
            TokenStore tokens(s, t.id());
            const long long since = tokens.secondsSinceNewest(u->id, "factor_code", n);
            if (since < kResendCooldown) throw tooSoon(kResendCooldown - since);
            users.beginSms(u->id);
            sendCode(s, tokens, t, *u, "factor_code", "phone_code", hashToken(crypto::randomToken(16)), n);
            out->set("sent", true);
        }
    });
    out->set("method", method);
    return out;
}

JsonObject SecondFactorService::confirmSecondFactor(Tenant& t, const SessionInfo& si, const std::string& rawCode) {
    const std::string code = sixDigitCode(rawCode);
    std::vector<std::string> codes;
    bool wrong = false;
    ctx_.db.transaction([&](soci::session& s) {
        UserStore users(s, t.id());
        TokenStore tokens(s, t.id());
        const long long n = ctx_.now();
        auto u = users.find(UserKey::Id, si.userId);
        if (!u) throw notAuthenticated();
        if (u->pendingFactor == "totp") {
            auto key = totp::base32Decode(u->pendingSecret);
            uint64_t step = 0;
            if (!key || !totp::verify(*key, code, std::time(nullptr), 1, &step)) {
                wrong = true;
                return;
            }
            users.enableTotp(u->id, static_cast<long long>(step));
        } else if (u->pendingFactor == "sms") {
            auto tok = tokens.newest(u->id, "factor_code");
            if (!tok) throw Error(410, "code_expired", "Код устарел; запросите новый");
            if (!checkCode(tokens, *tok, u->id, code, n)) {
                wrong = true;
                return;
            }
            tokens.markUsed(tok->hash, n);
            users.enableSms(u->id);
        } else {
            throw Unprocessable(FieldErrors{{"code", "Сначала выберите способ подтверждения входа"}});
        }
        std::vector<std::string> hashes;
        for (const auto& c : totp::newRecoveryCodes(10)) {
            hashes.push_back(hashCode(u->id, totp::normalizeRecoveryCode(c)));
            codes.push_back(c);
        }
        RecoveryCodeStore(s, t.id()).replace(u->id, hashes);
    });
    if (wrong) throw Unprocessable(FieldErrors{{"code", "Неверный код"}});
    JsonObject out = new Poco::JSON::Object;
    out->set("recovery_codes", toArray(codes));
    return out;
}

void SecondFactorService::disableSecondFactor(Tenant& t, const SessionInfo& si, const std::string& password) {
    const IdentitySettings st(t);
    std::optional<User> u;
    ctx_.db.read([&](soci::session& s) { u = UserStore(s, t.id()).find(UserKey::Id, si.userId); });
    if (!u) throw notAuthenticated();
    if (!ctx_.hasher.verify(password, u->passwordHash)) throw Unprocessable(FieldErrors{{"password", "Неверный пароль"}});
    if (contains(st.forcedRoles, u->role)) throw Error(403, "second_factor_required", "Для вашей роли подтверждение входа обязательно");
    ctx_.db.transaction([&](soci::session& s) {
        UserStore(s, t.id()).clearSecondFactor(u->id);
        RecoveryCodeStore(s, t.id()).clear(u->id);
    });
}

} // namespace kabinet
