#pragma once
/// Secrets at rest (upstream tokens of connector accounts): AES-256-GCM under the server's key, a random 12-byte
/// nonce per seal, the result as text "v1.<base64url(nonce | ciphertext | tag)>". Opening checks the tag, so a
/// changed byte or another key is an error, never wrong plain text.
#include <string>

namespace kabinet {

class SecretBox {
public:
    /// A box with this 32-byte key. Throws std::invalid_argument for another length.
    explicit SecretBox(std::string key32);
    /// Seals `plain` (any bytes) with a fresh random nonce; two seals of one text differ.
    std::string seal(const std::string& plain) const;
    /// Opens a sealed text. Throws std::runtime_error when it is not a v1 box, was changed, or was sealed with
    /// another key.
    std::string open(const std::string& sealed) const;
    /// The box whose key is the 32 bytes in `path`. When the file is missing and `create` is true, it is made
    /// with 32 random bytes and mode 0600 (never overwriting a file made meanwhile). Throws std::runtime_error
    /// when the file is missing (create false), unreadable or not exactly 32 bytes.
    static SecretBox fromFile(const std::string& path, bool create);

private:
    std::string key_;
};

} // namespace kabinet
