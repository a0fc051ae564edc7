#pragma once
/// Cryptographic primitives the core uses, on OpenSSL: random bytes, hashes, HMAC, encodings and a
/// constant-time comparison.
#include <cstddef>
#include <string>

namespace kabinet::crypto {

/// `n` bytes from OpenSSL's CSPRNG. Throws std::runtime_error if the RNG fails.
std::string randomBytes(std::size_t n);
/// A random token of `n` bytes, base64url without padding (URL- and cookie-safe).
std::string randomToken(std::size_t n = 32);
/// A string of `digits` random decimal digits (uniform), e.g. a 6-digit SMS code.
std::string randomDigits(int digits);
/// SHA-256 of data, as raw bytes.
std::string sha256(const std::string& data);
/// SHA-256 of data, as lower-case hex.
std::string sha256Hex(const std::string& data);
/// HMAC-SHA256(key, data), raw bytes.
std::string hmacSha256(const std::string& key, const std::string& data);
/// HMAC-SHA1(key, data), raw bytes (for TOTP).
std::string hmacSha1(const std::string& key, const std::string& data);
/// Lower-case hex of bytes.
std::string hex(const std::string& bytes);
/// base64url without padding.
std::string base64url(const std::string& bytes);
/// True when a and b are equal, in time that depends only on their lengths.
bool constantTimeEquals(const std::string& a, const std::string& b);

} // namespace kabinet::crypto
