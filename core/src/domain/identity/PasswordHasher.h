#pragma once
/// Password hashing with Argon2id (the reference libargon2) in the PHC string format
/// `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (standard base64 without padding), with a bound on how
/// many hashes run at once so that a burst of logins cannot exhaust memory.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

namespace kabinet {

/// The cost of one Argon2 hash. The defaults are OWASP's first choice for Argon2id.
struct Argon2Params {
    uint32_t memoryKiB = 19456;
        /// Memory per hash in KiB (m); at least 8 × parallelism, at most 1 GiB.
    uint32_t iterations = 2;
        /// Passes over the memory (t); 1 to 100.
    uint32_t parallelism = 1;
        /// Lanes and threads (p); 1 to 64.

    bool operator==(const Argon2Params&) const = default;
        /// True when all three parameters are equal.
};

struct PasswordHasherTestAccess;

class PasswordHasher
    /// Hashes and verifies passwords with Argon2id. Thread-safe: one instance serves the whole process.
    /// Every hash and verify holds one of `maxConcurrent` slots while it runs; a caller that finds none
    /// free waits at most `waitTimeout` and then gets PasswordHasher::Busy.
{
public:
    struct Busy : std::runtime_error {
        /// Thrown when no hashing slot became free within the wait timeout (answer 503 / retry later).
        using std::runtime_error::runtime_error;
    };

    static constexpr std::size_t kMaxPasswordBytes = 1024;
        /// Longest password accepted: hash() refuses longer ones, verify() answers false.
    static constexpr std::size_t kSaltBytes = 16;
        /// Length of the random salt of every new hash.
    static constexpr std::size_t kHashBytes = 32;
        /// Length of the Argon2 output of every new hash.

    explicit PasswordHasher(Argon2Params params = {}, unsigned maxConcurrent = 4,
                            std::chrono::milliseconds waitTimeout = std::chrono::seconds(10));
        /// Creates a hasher with the given cost. maxConcurrent bounds how many hashes run at once (each takes
        /// memoryKiB of RAM); callers beyond it wait at most `waitTimeout`, then Busy is thrown.
        /// Throws std::invalid_argument when params are outside the limits above or maxConcurrent is 0.

    PasswordHasher(const PasswordHasher&) = delete;
    PasswordHasher& operator=(const PasswordHasher&) = delete;

    std::string hash(const std::string& password);
        /// Returns a PHC string of Argon2id with the configured params, a fresh 16-byte salt from OpenSSL's RNG
        /// and a 32-byte hash. Throws std::invalid_argument for passwords over kMaxPasswordBytes, Busy when no
        /// slot frees up in time, std::runtime_error when libargon2 fails (out of memory).

    bool verify(const std::string& password, const std::string& phc);
        /// True when `password` matches the PHC string (argon2id, and also argon2i/argon2d, v=19 or v=16), with
        /// the hash compared in constant time. Answers false, without hashing and without throwing, for a
        /// malformed or out-of-limits string (m over 1 GiB, t over 100, p over 64, salt not 8..64 bytes,
        /// hash not 16..64 bytes) and for passwords over kMaxPasswordBytes. Throws only Busy (no slot in time)
        /// and std::runtime_error (libargon2 out of resources).

    bool verifyDummy(const std::string& password);
        /// Does the work of a verify() against a hash with the configured params and always answers false.
        /// For logins of unknown accounts, so that timing does not tell whether an account exists.
        /// Throws like verify().

    bool needsRehash(const std::string& phc) const;
        /// True when `phc` should be replaced by a new hash() at the next successful login: it is malformed,
        /// not argon2id, not v=19, its params differ from the configured ones (weaker or not), or its salt
        /// is shorter than 16 bytes or its hash is not 32 bytes.

    static std::optional<Argon2Params> parse(const std::string& phc);
        /// The m/t/p params of a well-formed Argon2 PHC string (argon2id, argon2i or argon2d) that verify()
        /// would accept; nullopt for anything else. Does not allocate more than the string's size.

    const Argon2Params& params() const noexcept;
        /// The configured cost of new hashes.

private:
    class Slots
        /// A counting semaphore on std::mutex + std::condition_variable.
    {
    public:
        explicit Slots(unsigned count);
        bool acquire(std::chrono::milliseconds timeout);
            /// Takes a slot, waiting at most `timeout`; false when none became free.
        void release() noexcept;
            /// Returns a slot and wakes one waiter.
        unsigned waiting() const;
            /// How many callers are blocked in acquire().
        unsigned available() const;
            /// How many slots are free.

    private:
        mutable std::mutex mutex_;
        std::condition_variable freed_;
        unsigned free_;
        unsigned waiting_ = 0;
    };

    struct Decoded;
    static std::optional<Decoded> decode(const std::string& phc);
    bool matches(const std::string& password, const Decoded& phc);

    Argon2Params params_;
    std::chrono::milliseconds waitTimeout_;
    Slots slots_;
    std::string dummyPhc_;

    friend struct PasswordHasherTestAccess;
};

} // namespace kabinet
