#include "identity/OneTimeSecrets.h"

#include "identity/IdentityMessages.h"
#include "identity/UserStore.h"
#include "util/Crypto.h"
#include "util/Error.h"

#include <Poco/JSON/Object.h>
#include <Poco/String.h>

#include <algorithm>

namespace kabinet::secrets {

std::string hashToken(const std::string& token) { return crypto::sha256Hex(token); }

std::string hashCode(const std::string& userId, const std::string& code) { return crypto::sha256Hex(userId + ":" + code); }

bool allDigits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

std::string sixDigitCode(const std::string& typed) {
    std::string code = Poco::trim(typed);
    if (code.size() != 6 || !allDigits(code)) throw Unprocessable({{"code", "Введите 6 цифр кода"}});
    return code;
}

std::string newToken(TokenStore& tokens, const std::string& userId, const std::string& purpose, const std::string& data,
                     long long ttlSeconds, long long now) {
    const std::string raw = crypto::randomToken(32);
    tokens.insert(hashToken(raw), userId, purpose, data, now, ttlSeconds);
    return raw;
}

void sendCode(soci::session& s, TokenStore& tokens, Tenant& t, const User& u, const std::string& purpose, const std::string& templ,
              const std::string& tokenHash, long long now) {
    const std::string code = crypto::randomDigits(6);
    tokens.insert(tokenHash, u.id, purpose, hashCode(u.id, code), now, kCodeSeconds);
    Poco::JSON::Object::Ptr vars = new Poco::JSON::Object;
    vars->set("code", code);
    vars->set("minutes", kCodeSeconds / 60);
    queueSms(s, t, u.phone, templ, vars);
}

bool checkCode(TokenStore& tokens, const Token& tok, const std::string& userId, const std::string& code, long long now) {
    if (tok.used || tok.expiresAt < now || tok.attempts >= kMaxCodeAttempts)
        throw Error(410, "code_expired", "Код устарел или исчерпаны попытки; запросите новый");
    if (crypto::constantTimeEquals(tok.data, hashCode(userId, code))) return true;
    tokens.countAttempt(tok.hash);
    return false;
}

bool live(const Token& tok, long long now) { return !tok.used && tok.expiresAt >= now && tok.attempts < kMaxCodeAttempts; }

Error gone() { return Error(410, "link_invalid", "Ссылка недействительна или устарела"); }

Error tooSoon(long long wait) {
    Error e(429, "too_many_requests", "Повторная отправка будет доступна через " + std::to_string(wait) + " с");
    e.retryAfter(wait);
    return e;
}

Error notAuthenticated() { return Error(401, "not_authenticated", "Требуется вход в личный кабинет"); }

} // namespace kabinet::secrets
