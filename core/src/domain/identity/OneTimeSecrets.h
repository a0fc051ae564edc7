#pragma once
/// The rules of one-time secrets, shared by the identity services: how long links and codes live, how they
/// are hashed before they are stored (`TokenStore`), how a code is sent and checked, and the errors that
/// say a secret is spent or asked for again too soon.
#include "identity/TokenStore.h"
#include "util/Error.h"

#include <string>

namespace soci {
class session;
}

namespace kabinet {

class Tenant;
struct User;

namespace secrets {

constexpr long long kEmailLinkSeconds = 48 * 3600; ///< e-mail confirmation and change links
constexpr long long kResetLinkSeconds = 3600;      ///< password-reset links
constexpr long long kPendingSeconds = 24 * 3600;   ///< a pending registration's token (finishing confirmations)
constexpr long long kCodeSeconds = 600;            ///< 6-digit codes sent by text message
constexpr long long kChallengeSeconds = 300;       ///< a login waiting for its second factor
constexpr long long kResendCooldown = 60;          ///< at most one new link or code a minute
constexpr int kMaxCodeAttempts = 5;                ///< wrong codes before a code is spent

/// The stored form of a random token: its SHA-256 (hex).
std::string hashToken(const std::string& token);
/// The stored form of a short code: its SHA-256 bound to the user, so that equal codes of two users differ.
std::string hashCode(const std::string& userId, const std::string& code);
/// Whether `s` is one or more ASCII digits.
bool allDigits(const std::string& s);
/// The 6-digit code a person typed, trimmed; anything else throws 422 naming the field `code`.
std::string sixDigitCode(const std::string& typed);

/// Makes a random token of a purpose for the user, stores its hash and returns the raw value.
std::string newToken(TokenStore& tokens, const std::string& userId, const std::string& purpose, const std::string& data,
                     long long ttlSeconds, long long now);
/// Sends a fresh 6-digit code to the user's phone by the tenant's text-message template `templ`; the code's
/// hash is the data of a token of `purpose` stored under `tokenHash`. Both in the caller's transaction.
void sendCode(soci::session& s, TokenStore& tokens, Tenant& t, const User& u, const std::string& purpose, const std::string& templ,
              const std::string& tokenHash, long long now);
/// Checks `code` against a code token (its data is the code's hash): true when right; a wrong code is counted.
/// Throws 410 `code_expired` when the token is spent, expired or out of attempts.
bool checkCode(TokenStore& tokens, const Token& tok, const std::string& userId, const std::string& code, long long now);
/// Whether a code token can still be entered: unspent, unexpired, attempts left.
bool live(const Token& tok, long long now);

/// 410 `link_invalid`: the link or token is unknown, spent or expired.
Error gone();
/// 429 `too_many_requests` with Retry-After: a new link or code only after `wait` seconds.
Error tooSoon(long long wait);
/// 401 `not_authenticated`: the session's user is gone.
Error notAuthenticated();

} // namespace secrets
} // namespace kabinet
