#include "identity/PasswordHasher.h"

#include "util/Crypto.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <sys/mman.h>

#include <string_view>
#include <vector>

namespace kabinet {

namespace {

// Limits on what a PHC string may ask for, so that a corrupt or hostile stored hash cannot make a verify
// allocate or spin without bound.
constexpr uint32_t kMaxMemoryKiB = 1024 * 1024; // 1 GiB
constexpr uint32_t kMaxIterations = 100;
constexpr uint32_t kMaxParallelism = 64;
constexpr std::size_t kMinSalt = 8, kMaxSalt = 64;
constexpr std::size_t kMinHash = 16, kMaxHash = 64;
constexpr std::size_t kMaxPhcLength = 256;

bool paramsInLimits(const Argon2Params& p) {
    return p.iterations >= 1 && p.iterations <= kMaxIterations && p.parallelism >= 1 &&
           p.parallelism <= kMaxParallelism && p.memoryKiB <= kMaxMemoryKiB &&
           p.memoryKiB >= ARGON2_SYNC_POINTS * 2 * p.parallelism;
}

// Standard base64 (RFC 4648 §4) without padding, as the PHC string format requires.
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64Encode(const std::string& bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kB64[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out += kB64[(acc << (6 - bits)) & 63];
    return out;
}

int b64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Strict decoding: only the alphabet, no padding, no impossible length, no stray bits in the last character
// (the same rules libargon2's decoder applies).
std::optional<std::string> b64Decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int v = b64Value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

// A decimal without sign or leading zeros that fits in 32 bits.
std::optional<uint32_t> decimal(std::string_view text) {
    if (text.empty() || text.size() > 10 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
    uint64_t v = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    if (v > UINT32_MAX) return std::nullopt;
    return static_cast<uint32_t>(v);
}

// Strips `prefix` from the front of `text`; false when it is not there.
bool consume(std::string_view& text, std::string_view prefix) {
    if (text.substr(0, prefix.size()) != prefix) return false;
    text.remove_prefix(prefix.size());
    return true;
}

const char* typeName(argon2_type type) {
    switch (type) {
    case Argon2_d: return "argon2d";
    case Argon2_i: return "argon2i";
    default: return "argon2id";
    }
}

std::string encodePhc(argon2_type type, uint32_t version, const Argon2Params& p, const std::string& salt,
                      const std::string& hash) {
    return std::string("$") + typeName(type) + "$v=" + std::to_string(version) + "$m=" + std::to_string(p.memoryKiB) +
           ",t=" + std::to_string(p.iterations) + ",p=" + std::to_string(p.parallelism) + "$" + b64Encode(salt) + "$" +
           b64Encode(hash);
}

// Argon2's working memory (memoryKiB per hash) comes straight from the kernel and goes back to it when the
// hash ends: with malloc, freed blocks of this size stay in the allocator's per-thread arenas, and a burst
// of logins would leave the process hundreds of megabytes larger for good.
int mapMemory(uint8_t** memory, size_t bytes) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return ARGON2_MEMORY_ALLOCATION_ERROR;
    *memory = static_cast<uint8_t*>(p);
    return ARGON2_OK;
}

// libargon2 wipes the blocks before it hands them back.
void unmapMemory(uint8_t* memory, size_t bytes) { munmap(memory, bytes); }

// One Argon2 computation of `outLen` bytes into `out`, with its memory mapped and unmapped per call.
int runArgon2(argon2_type type, uint32_t version, const Argon2Params& p, const std::string& password, const std::string& salt,
              unsigned char* out, size_t outLen) {
    argon2_context ctx{};
    ctx.out = out;
    ctx.outlen = static_cast<uint32_t>(outLen);
    ctx.pwd = reinterpret_cast<uint8_t*>(const_cast<char*>(password.data()));
    ctx.pwdlen = static_cast<uint32_t>(password.size());
    ctx.salt = reinterpret_cast<uint8_t*>(const_cast<char*>(salt.data()));
    ctx.saltlen = static_cast<uint32_t>(salt.size());
    ctx.t_cost = p.iterations;
    ctx.m_cost = p.memoryKiB;
    ctx.lanes = p.parallelism;
    ctx.threads = p.parallelism;
    ctx.version = version;
    ctx.allocate_cbk = mapMemory;
    ctx.free_cbk = unmapMemory;
    ctx.flags = ARGON2_DEFAULT_FLAGS;
    return argon2_ctx(&ctx, type);
}

// Holds one hashing slot for its lifetime.
template <class Slots> class Lease {
public:
    Lease(Slots& slots, std::chrono::milliseconds timeout) : slots_(slots) {
        if (!slots_.acquire(timeout)) throw PasswordHasher::Busy("password hashing is busy, try again later");
    }
    ~Lease() { slots_.release(); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

private:
    Slots& slots_;
};

} // namespace

struct PasswordHasher::Decoded {
    argon2_type type = Argon2_id;
    uint32_t version = ARGON2_VERSION_13;
    Argon2Params params;
    std::string salt;
    std::string hash;
};

// ---- Slots ----

PasswordHasher::Slots::Slots(unsigned count) : free_(count) {}

bool PasswordHasher::Slots::acquire(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    ++waiting_;
    bool got = freed_.wait_for(lock, timeout, [this] { return free_ > 0; });
    --waiting_;
    if (!got) return false;
    --free_;
    return true;
}

void PasswordHasher::Slots::release() noexcept {
    {
        std::lock_guard lock(mutex_);
        ++free_;
    }
    freed_.notify_one();
}

unsigned PasswordHasher::Slots::waiting() const {
    std::lock_guard lock(mutex_);
    return waiting_;
}

unsigned PasswordHasher::Slots::available() const {
    std::lock_guard lock(mutex_);
    return free_;
}

// ---- PasswordHasher ----

PasswordHasher::PasswordHasher(Argon2Params params, unsigned maxConcurrent, std::chrono::milliseconds waitTimeout)
    : params_(params), waitTimeout_(waitTimeout), slots_(maxConcurrent) {
    if (!paramsInLimits(params_))
        throw std::invalid_argument("Argon2 parameters out of range (m: 8*p..1048576 KiB, t: 1..100, p: 1..64)");
    if (maxConcurrent == 0) throw std::invalid_argument("PasswordHasher needs at least one concurrent hash");
    if (waitTimeout_.count() < 0) waitTimeout_ = std::chrono::milliseconds(0);
    // A hash no password can match in practice (random 256-bit target), with the configured cost.
    dummyPhc_ = encodePhc(Argon2_id, ARGON2_VERSION_13, params_, crypto::randomBytes(kSaltBytes),
                          crypto::randomBytes(kHashBytes));
    if (!decode(dummyPhc_)) throw std::logic_error("PasswordHasher: dummy hash does not parse");
}

const Argon2Params& PasswordHasher::params() const noexcept { return params_; }

std::optional<PasswordHasher::Decoded> PasswordHasher::decode(const std::string& phc) {
    if (phc.size() > kMaxPhcLength) return std::nullopt;
    std::string_view s(phc);
    Decoded d;
    if (consume(s, "$argon2id$")) d.type = Argon2_id;
    else if (consume(s, "$argon2i$")) d.type = Argon2_i;
    else if (consume(s, "$argon2d$")) d.type = Argon2_d;
    else return std::nullopt;

    auto field = [&s]() {
        auto end = s.find('$');
        std::string_view f = s.substr(0, end);
        s.remove_prefix(end == std::string_view::npos ? s.size() : end + 1);
        return std::pair{f, end != std::string_view::npos};
    };

    // The version is optional in the PHC format; libargon2 reads its absence as 0x10.
    auto [first, more] = field();
    if (!more) return std::nullopt;
    std::string_view paramsField = first;
    d.version = ARGON2_VERSION_10;
    if (consume(first, "v=")) {
        auto v = decimal(first);
        if (!v || (*v != ARGON2_VERSION_10 && *v != ARGON2_VERSION_13)) return std::nullopt;
        d.version = *v;
        auto [next, more2] = field();
        if (!more2) return std::nullopt;
        paramsField = next;
    }

    // Exactly m=<m>,t=<t>,p=<p>, in that order.
    std::string_view ps = paramsField;
    auto number = [&ps](std::string_view key, bool last) -> std::optional<uint32_t> {
        if (!consume(ps, key)) return std::nullopt;
        auto end = last ? ps.size() : ps.find(',');
        if (end == std::string_view::npos) return std::nullopt;
        auto v = decimal(ps.substr(0, end));
        ps.remove_prefix(last ? end : end + 1);
        return v;
    };
    auto m = number("m=", false);
    auto t = m ? number("t=", false) : std::nullopt;
    auto p = t ? number("p=", true) : std::nullopt;
    if (!p || !ps.empty()) return std::nullopt;
    d.params = {*m, *t, *p};
    if (!paramsInLimits(d.params)) return std::nullopt;

    auto [saltText, more3] = field();
    if (!more3) return std::nullopt;
    auto [hashText, more4] = field();
    if (more4) return std::nullopt; // a further '$' field
    auto salt = b64Decode(saltText);
    auto hash = b64Decode(hashText);
    if (!salt || !hash || salt->size() < kMinSalt || salt->size() > kMaxSalt || hash->size() < kMinHash ||
        hash->size() > kMaxHash)
        return std::nullopt;
    d.salt = std::move(*salt);
    d.hash = std::move(*hash);
    return d;
}

std::optional<Argon2Params> PasswordHasher::parse(const std::string& phc) {
    auto d = decode(phc);
    if (!d) return std::nullopt;
    return d->params;
}

std::string PasswordHasher::hash(const std::string& password) {
    if (password.size() > kMaxPasswordBytes)
        throw std::invalid_argument("password longer than " + std::to_string(kMaxPasswordBytes) + " bytes");
    std::string salt = crypto::randomBytes(kSaltBytes);
    std::string out(kHashBytes, '\0');
    int rc;
    {
        Lease lease(slots_, waitTimeout_);
        rc = runArgon2(Argon2_id, ARGON2_VERSION_13, params_, password, salt, reinterpret_cast<unsigned char*>(out.data()),
                       out.size());
    }
    if (rc != ARGON2_OK) throw std::runtime_error(std::string("Argon2 failed: ") + argon2_error_message(rc));
    return encodePhc(Argon2_id, ARGON2_VERSION_13, params_, salt, out);
}

bool PasswordHasher::matches(const std::string& password, const Decoded& d) {
    std::vector<unsigned char> out(d.hash.size());
    int rc;
    {
        Lease lease(slots_, waitTimeout_);
        rc = runArgon2(d.type, d.version, d.params, password, d.salt, out.data(), out.size());
    }
    if (rc != ARGON2_OK) throw std::runtime_error(std::string("Argon2 failed: ") + argon2_error_message(rc));
    bool same = CRYPTO_memcmp(out.data(), d.hash.data(), out.size()) == 0;
    OPENSSL_cleanse(out.data(), out.size());
    return same;
}

bool PasswordHasher::verify(const std::string& password, const std::string& phc) {
    if (password.size() > kMaxPasswordBytes) return false;
    auto d = decode(phc);
    if (!d) return false;
    return matches(password, *d);
}

bool PasswordHasher::verifyDummy(const std::string& password) {
    (void)verify(password, dummyPhc_);
    return false;
}

bool PasswordHasher::needsRehash(const std::string& phc) const {
    auto d = decode(phc);
    return !d || d->type != Argon2_id || d->version != ARGON2_VERSION_13 || !(d->params == params_) ||
           d->salt.size() < kSaltBytes || d->hash.size() != kHashBytes;
}

} // namespace kabinet
