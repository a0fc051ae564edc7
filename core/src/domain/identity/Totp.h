#pragma once
/// One-time passwords for the second factor: HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1, 6 digits
/// and a 30-second step, as authenticator apps expect; base32 secrets (RFC 4648), otpauth:// URIs for QR
/// codes, and recovery codes.
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace kabinet::totp {

constexpr int kDigits = 6;
    /// Digits of a TOTP code.
constexpr int kStepSeconds = 30;
    /// Length of a TOTP time step.
constexpr int kSecretBytes = 20;
    /// Length of a new secret (160 bits, the HMAC-SHA1 block recommendation of RFC 4226).
constexpr int kMaxWindow = 10;
    /// Largest window verify() accepts.

std::string hotp(const std::string& key, uint64_t counter, int digits = kDigits);
    /// The HOTP value of `counter` under the raw `key`: HMAC-SHA1, dynamic truncation, `digits` decimal digits
    /// with leading zeros. Throws std::invalid_argument unless 6 <= digits <= 9.

std::string code(const std::string& key, std::time_t t);
    /// The 6-digit TOTP code at Unix time `t` (step floor(t / 30)). Throws std::invalid_argument for t < 0.

bool verify(const std::string& key, const std::string& code, std::time_t now, int window = 1,
            uint64_t* matchedStep = nullptr);
    /// True when `code` is the TOTP code of a step within ±window of now's step. Every step of the window is
    /// computed and compared in constant time. False for an empty key, a code that is not exactly 6 ASCII
    /// digits, or now < 0. On success stores the matched step (the latest one if several match) in
    /// *matchedStep: the caller keeps it and refuses any later code whose step is not greater (replays).
    /// Throws std::invalid_argument unless 0 <= window <= kMaxWindow.

std::string newSecret();
    /// A new random secret of 20 bytes (raw; base32Encode it for people and apps).

std::string base32Encode(const std::string& bytes);
    /// RFC 4648 base32, upper case, without padding.

std::optional<std::string> base32Decode(const std::string& text);
    /// Decodes RFC 4648 base32, case-insensitive, with or without trailing '=' padding; nullopt for any other
    /// character, '=' before the end, or a length no encoding can have.

std::string otpauthUri(const std::string& issuer, const std::string& account, const std::string& secret);
    /// `otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30`
    /// for the raw `secret`, issuer and account percent-encoded as UTF-8 (everything but A-Z a-z 0-9 - . _ ~).
    /// Without an issuer, the label is the account alone and there is no issuer parameter.

std::vector<std::string> newRecoveryCodes(int n = 10);
    /// `n` distinct random codes `xxxx-xxxx` from the 32 unambiguous characters `23456789abcdefghijkmnpqrstuvwxyz`
    /// (40 bits each). Throws std::invalid_argument unless 1 <= n <= 100.

std::string normalizeRecoveryCode(const std::string& text);
    /// What a person typed, as stored: ASCII lower case, without spaces, tabs and dashes.

} // namespace kabinet::totp
