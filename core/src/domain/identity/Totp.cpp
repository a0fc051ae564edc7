#include "identity/Totp.h"

#include "util/Crypto.h"

#include <set>
#include <stdexcept>

namespace kabinet::totp {

namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr char kRecoveryAlphabet[] = "23456789abcdefghijkmnpqrstuvwxyz"; // 32 characters: no 0, o, 1, l
static_assert(sizeof kRecoveryAlphabet - 1 == 32);

std::string percentEncode(const std::string& text) {
    static const char* hexDigits = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hexDigits[c >> 4];
            out += hexDigits[c & 15];
        }
    }
    return out;
}

} // namespace

std::string hotp(const std::string& key, uint64_t counter, int digits) {
    if (digits < 6 || digits > 9) throw std::invalid_argument("HOTP digits must be 6 to 9");
    std::string message(8, '\0');
    for (int i = 7; i >= 0; --i) {
        message[static_cast<std::size_t>(i)] = static_cast<char>(counter & 0xff);
        counter >>= 8;
    }
    std::string mac = crypto::hmacSha1(key, message);
    auto byte = [&mac](std::size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(mac[i])); };
    std::size_t offset = byte(mac.size() - 1) & 0x0f;
    uint32_t binary = ((byte(offset) & 0x7f) << 24) | (byte(offset + 1) << 16) | (byte(offset + 2) << 8) |
                      byte(offset + 3);
    uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string value = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - value.size(), '0') + value;
}

std::string code(const std::string& key, std::time_t t) {
    if (t < 0) throw std::invalid_argument("TOTP time before the epoch");
    return hotp(key, static_cast<uint64_t>(t) / kStepSeconds, kDigits);
}

bool verify(const std::string& key, const std::string& code, std::time_t now, int window, uint64_t* matchedStep) {
    if (window < 0 || window > kMaxWindow) throw std::invalid_argument("TOTP window must be 0 to 10");
    if (key.empty() || now < 0 || code.size() != static_cast<std::size_t>(kDigits)) return false;
    for (char c : code)
        if (c < '0' || c > '9') return false;
    uint64_t current = static_cast<uint64_t>(now) / kStepSeconds;
    uint64_t first = current >= static_cast<uint64_t>(window) ? current - static_cast<uint64_t>(window) : 0;
    bool matched = false;
    uint64_t step = 0;
    // No early exit: every step of the window costs the same whether or not an earlier one matched.
    for (uint64_t s = first; s <= current + static_cast<uint64_t>(window); ++s) {
        if (crypto::constantTimeEquals(hotp(key, s, kDigits), code)) {
            matched = true;
            step = s;
        }
    }
    if (matched && matchedStep) *matchedStep = step;
    return matched;
}

std::string newSecret() { return crypto::randomBytes(kSecretBytes); }

std::string base32Encode(const std::string& bytes) {
    std::string out;
    out.reserve((bytes.size() * 8 + 4) / 5);
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += kBase32[(acc >> bits) & 31];
        }
    }
    if (bits > 0) out += kBase32[(acc << (5 - bits)) & 31];
    return out;
}

std::optional<std::string> base32Decode(const std::string& text) {
    std::size_t end = text.size();
    while (end > 0 && text[end - 1] == '=') --end;
    // Lengths mod 8 of an unpadded encoding: 0 (5n bytes), 2, 4, 5, 7; never 1, 3, 6.
    switch (end % 8) {
    case 1: case 3: case 6: return std::nullopt;
    default: break;
    }
    std::string out;
    out.reserve(end * 5 / 8);
    uint32_t acc = 0;
    int bits = 0;
    for (std::size_t i = 0; i < end; ++i) {
        char c = text[i];
        uint32_t v;
        if (c >= 'A' && c <= 'Z') v = static_cast<uint32_t>(c - 'A');
        else if (c >= 'a' && c <= 'z') v = static_cast<uint32_t>(c - 'a');
        else if (c >= '2' && c <= '7') v = static_cast<uint32_t>(c - '2' + 26);
        else return std::nullopt;
        acc = (acc << 5) | v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

std::string otpauthUri(const std::string& issuer, const std::string& account, const std::string& secret) {
    std::string uri = "otpauth://totp/";
    if (!issuer.empty()) uri += percentEncode(issuer) + ":";
    uri += percentEncode(account);
    uri += "?secret=" + base32Encode(secret);
    if (!issuer.empty()) uri += "&issuer=" + percentEncode(issuer);
    uri += "&algorithm=SHA1&digits=" + std::to_string(kDigits) + "&period=" + std::to_string(kStepSeconds);
    return uri;
}

std::vector<std::string> newRecoveryCodes(int n) {
    if (n < 1 || n > 100) throw std::invalid_argument("recovery code count must be 1 to 100");
    std::vector<std::string> codes;
    std::set<std::string> seen;
    while (static_cast<int>(codes.size()) < n) {
        std::string random = crypto::randomBytes(8);
        std::string code;
        for (std::size_t i = 0; i < random.size(); ++i) {
            if (i == 4) code += '-';
            code += kRecoveryAlphabet[static_cast<unsigned char>(random[i]) & 31]; // 256 = 8 × 32: uniform
        }
        if (seen.insert(code).second) codes.push_back(std::move(code));
    }
    return codes;
}

std::string normalizeRecoveryCode(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '-') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

} // namespace kabinet::totp
