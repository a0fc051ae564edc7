#include "util/SecretBox.h"

#include "util/Crypto.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace kabinet {

namespace {
constexpr std::size_t kKey = 32, kNonce = 12, kTag = 16;
const std::string kPrefix = "v1.";

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string fromBase64url(const std::string& text) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : text) {
        const auto pos = alphabet.find(c);
        if (pos == std::string::npos) throw std::runtime_error("secret box: not base64url");
        buffer = (buffer << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    if (bits >= 6) throw std::runtime_error("secret box: truncated");
    return out;
}
} // namespace

SecretBox::SecretBox(std::string key32) : key_(std::move(key32)) {
    if (key_.size() != kKey) throw std::invalid_argument("secret box: the key must be 32 bytes");
}

std::string SecretBox::seal(const std::string& plain) const {
    const std::string nonce = crypto::randomBytes(kNonce);
    Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx) throw std::runtime_error("secret box: out of memory");
    std::string out = nonce;
    out.resize(kNonce + plain.size() + kTag);
    auto* key = reinterpret_cast<const unsigned char*>(key_.data());
    auto* iv = reinterpret_cast<const unsigned char*>(nonce.data());
    auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kNonce;
    int len = 0, total = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key, iv) != 1 ||
        EVP_EncryptUpdate(ctx.get(), dst, &len, reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size())) != 1)
        throw std::runtime_error("secret box: encryption failed");
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), dst + total, &len) != 1) throw std::runtime_error("secret box: encryption failed");
    total += len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, dst + total) != 1)
        throw std::runtime_error("secret box: encryption failed");
    out.resize(kNonce + static_cast<std::size_t>(total) + kTag);
    return kPrefix + crypto::base64url(out);
}

std::string SecretBox::open(const std::string& sealed) const {
    if (sealed.compare(0, kPrefix.size(), kPrefix) != 0) throw std::runtime_error("secret box: not a v1 box");
    const std::string raw = fromBase64url(sealed.substr(kPrefix.size()));
    if (raw.size() < kNonce + kTag) throw std::runtime_error("secret box: truncated");
    Ctx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx) throw std::runtime_error("secret box: out of memory");
    const std::size_t n = raw.size() - kNonce - kTag;
    std::string plain(n, '\0');
    auto* key = reinterpret_cast<const unsigned char*>(key_.data());
    auto* src = reinterpret_cast<const unsigned char*>(raw.data());
    std::string tag = raw.substr(kNonce + n);
    int len = 0;
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonce, nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key, src) != 1 ||
        EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len, src + kNonce, static_cast<int>(n)) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) != 1)
        throw std::runtime_error("secret box: cannot open");
    int last = 0;
    if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &last) != 1)
        throw std::runtime_error("secret box: changed or sealed with another key");
    plain.resize(static_cast<std::size_t>(len + last));
    return plain;
}

SecretBox SecretBox::fromFile(const std::string& path, bool create) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!create) throw std::runtime_error("secret key file " + path + " cannot be read");
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd >= 0) {
            const std::string key = crypto::randomBytes(kKey);
            const bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
            ::close(fd);
            if (!ok) {
                ::unlink(path.c_str());
                throw std::runtime_error("secret key file " + path + " cannot be written");
            }
            return SecretBox(key);
        }
        if (errno != EEXIST) throw std::runtime_error("secret key file " + path + " cannot be created: " + std::strerror(errno));
        in.open(path, std::ios::binary); // made meanwhile by another instance
        if (!in) throw std::runtime_error("secret key file " + path + " cannot be read");
    }
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != kKey)
        throw std::runtime_error("secret key file " + path + " must hold exactly 32 bytes (it holds " + std::to_string(key.size()) + ")");
    return SecretBox(key);
}

} // namespace kabinet
