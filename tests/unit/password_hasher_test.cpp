#include <catch2/catch.hpp>

#include "identity/PasswordHasher.h"

#include <argon2.h>

#include <atomic>
#include <cstring>
#include <regex>
#include <thread>
#include <vector>

using namespace kabinet;
using namespace std::chrono_literals;

namespace kabinet {
/// Reaches the hasher's slots so the concurrency bound can be tested without timing.
struct PasswordHasherTestAccess {
    static bool take(PasswordHasher& h) { return h.slots_.acquire(0ms); }
    static void give(PasswordHasher& h) { h.slots_.release(); }
    static unsigned waiting(const PasswordHasher& h) { return h.slots_.waiting(); }
    static unsigned available(const PasswordHasher& h) { return h.slots_.available(); }
    static const std::string& dummy(const PasswordHasher& h) { return h.dummyPhc_; }
};
} // namespace kabinet

namespace {

const Argon2Params kFast{1024, 1, 1};

// libargon2's own encoded Argon2 hash of `password` with the given salt.
std::string referenceEncoded(argon2_type type, const Argon2Params& p, const std::string& password,
                             const std::string& salt, std::size_t hashLen = 32) {
    std::vector<char> out(argon2_encodedlen(p.iterations, p.memoryKiB, p.parallelism,
                                            static_cast<uint32_t>(salt.size()), static_cast<uint32_t>(hashLen), type) +
                          16);
    int rc = argon2_hash(p.iterations, p.memoryKiB, p.parallelism, password.data(), password.size(), salt.data(),
                         salt.size(), nullptr, hashLen, out.data(), out.size(), type, ARGON2_VERSION_13);
    REQUIRE(rc == ARGON2_OK);
    return std::string(out.data());
}

// Standard base64 without padding, decoded (only for well-formed input the test itself produced).
std::string b64Decode(const std::string& text) {
    static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned acc = 0;
    int bits = 0;
    for (char c : text) {
        acc = (acc << 6) | static_cast<unsigned>(alphabet.find(c));
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xff);
        }
    }
    return out;
}

std::vector<std::string> splitDollar(const std::string& phc) {
    std::vector<std::string> parts;
    std::size_t start = 0, pos;
    while ((pos = phc.find('$', start)) != std::string::npos) {
        parts.push_back(phc.substr(start, pos - start));
        start = pos + 1;
    }
    parts.push_back(phc.substr(start));
    return parts;
}

} // namespace

TEST_CASE("Argon2id hashes verify, and salts make every hash different", "[identity][argon2]") {
    PasswordHasher h(kFast);
    std::string a = h.hash("correct horse battery staple");
    std::string b = h.hash("correct horse battery staple");
    const std::regex phc(R"(^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$)");
    CHECK(std::regex_match(a, phc));
    CHECK(a != b);
    CHECK(h.verify("correct horse battery staple", a));
    CHECK(h.verify("correct horse battery staple", b));
    CHECK_FALSE(h.verify("correct horse battery stapl", a));
    CHECK_FALSE(h.verify("Correct horse battery staple", a));
    CHECK_FALSE(h.verify("", a));

    std::string empty = h.hash("");
    CHECK(h.verify("", empty));
    CHECK_FALSE(h.verify(" ", empty));

    std::string withNul("pa\0ss", 5);
    std::string n = h.hash(withNul);
    CHECK(h.verify(withNul, n));
    CHECK_FALSE(h.verify("pa", n));

    std::string cyrillic = h.hash("пароль-Ёжик");
    CHECK(h.verify("пароль-Ёжик", cyrillic));
    CHECK_FALSE(h.verify("пароль-ёжик", cyrillic));

    CHECK_FALSE(h.verifyDummy("correct horse battery staple"));
    CHECK(PasswordHasher::parse(PasswordHasherTestAccess::dummy(h)) == kFast);
}

TEST_CASE("passwords are limited to 1024 bytes", "[identity][argon2]") {
    PasswordHasher h(kFast);
    std::string longest(PasswordHasher::kMaxPasswordBytes, 'x');
    std::string phc = h.hash(longest);
    CHECK(h.verify(longest, phc));
    CHECK_THROWS_AS(h.hash(longest + "x"), std::invalid_argument);
    CHECK_FALSE(h.verify(longest + "x", phc));
    CHECK_FALSE(h.verifyDummy(longest + "x"));
}

TEST_CASE("PHC strings carry their parameters; weaker or other ones need a rehash", "[identity][argon2]") {
    PasswordHasher h(Argon2Params{2048, 2, 2});
    CHECK(h.params() == Argon2Params{2048, 2, 2});
    std::string phc = h.hash("secret");
    CHECK(phc.rfind("$argon2id$v=19$m=2048,t=2,p=2$", 0) == 0);
    auto p = PasswordHasher::parse(phc);
    REQUIRE(p);
    CHECK(p->memoryKiB == 2048);
    CHECK(p->iterations == 2);
    CHECK(p->parallelism == 2);
    CHECK_FALSE(h.needsRehash(phc));

    PasswordHasher weaker(kFast);
    std::string old = weaker.hash("secret");
    CHECK(h.needsRehash(old));      // lower m, t, p
    CHECK(h.verify("secret", old)); // but still verifies, so it can be upgraded at login
    CHECK(weaker.needsRehash(phc)); // stronger also differs from the configuration
    CHECK(PasswordHasher(Argon2Params{2048, 1, 2}).needsRehash(phc));
    CHECK(PasswordHasher(Argon2Params{2048, 2, 1}).needsRehash(phc));
    CHECK(PasswordHasher(Argon2Params{4096, 2, 2}).needsRehash(phc));

    // Other Argon2 variants verify (legacy imports) but always need a rehash.
    const std::string salt = "0123456789abcdef";
    for (argon2_type type : {Argon2_i, Argon2_d}) {
        std::string legacy = referenceEncoded(type, kFast, "secret", salt);
        INFO(legacy);
        CHECK(PasswordHasher::parse(legacy) == kFast);
        CHECK(weaker.verify("secret", legacy));
        CHECK_FALSE(weaker.verify("Secret", legacy));
        CHECK(weaker.needsRehash(legacy));
    }
    // Version 0x10 and short hashes or salts are not what we write either.
    std::string v10 = referenceEncoded(Argon2_id, kFast, "secret", salt);
    v10.replace(v10.find("v=19"), 4, "v=16");
    CHECK(PasswordHasher::parse(v10) == kFast);
    CHECK(weaker.needsRehash(v10));
    CHECK(weaker.needsRehash(referenceEncoded(Argon2_id, kFast, "secret", salt, 16)));
    CHECK(weaker.needsRehash(referenceEncoded(Argon2_id, kFast, "secret", "8 bytes!")));
    CHECK_FALSE(weaker.needsRehash(referenceEncoded(Argon2_id, kFast, "secret", salt)));
    CHECK(weaker.needsRehash("not a hash"));
    CHECK(weaker.needsRehash(""));
}

TEST_CASE("PHC strings interoperate with libargon2's encoded form", "[identity][argon2]") {
    PasswordHasher h(kFast);

    // libargon2 → the class.
    std::string theirs = referenceEncoded(Argon2_id, kFast, "пароль", "saltsaltsaltsalt");
    CHECK(h.verify("пароль", theirs));
    CHECK_FALSE(h.verify("парол", theirs));
    CHECK_FALSE(h.needsRehash(theirs));
    // A longer hash (64 bytes) and salt (32 bytes) written by libargon2 verify too.
    std::string longer = referenceEncoded(Argon2_id, kFast, "пароль", std::string(32, 's'), 64);
    CHECK(h.verify("пароль", longer));
    // Without the optional version field libargon2 means 0x10; so does the class.
    std::string old(512, '\0');
    REQUIRE(argon2_hash(1, 1024, 1, "pw", 2, "saltsaltsalt", 12, nullptr, 32, old.data(), old.size(), Argon2_id,
                        ARGON2_VERSION_10) == ARGON2_OK);
    old.resize(std::strlen(old.c_str()));
    std::string noVersion = old;
    noVersion.erase(noVersion.find("v=16$"), 5);
    CHECK(argon2id_verify(noVersion.c_str(), "pw", 2) == ARGON2_OK);
    CHECK(h.verify("pw", old));
    CHECK(h.verify("pw", noVersion));
    CHECK_FALSE(h.verify("pW", noVersion));

    // The class → libargon2, byte for byte.
    std::string ours = h.hash("пароль");
    CHECK(argon2id_verify(ours.c_str(), "пароль", std::strlen("пароль")) == ARGON2_OK);
    CHECK(argon2id_verify(ours.c_str(), "парол", std::strlen("парол")) == ARGON2_VERIFY_MISMATCH);
    auto parts = splitDollar(ours);
    REQUIRE(parts.size() == 6);
    CHECK(referenceEncoded(Argon2_id, kFast, "пароль", b64Decode(parts[4])) == ours);
}

TEST_CASE("malformed PHC strings answer false without throwing or hashing huge memory", "[identity][argon2]") {
    PasswordHasher h(kFast);
    const std::string good = h.hash("pw");
    REQUIRE(h.verify("pw", good));
    const std::string salt = splitDollar(good)[4], hash = splitDollar(good)[5];
    auto with = [&](const std::string& type, const std::string& version, const std::string& params) {
        return "$" + type + "$" + version + "$" + params + "$" + salt + "$" + hash;
    };
    REQUIRE(with("argon2id", "v=19", "m=1024,t=1,p=1") == good);

    const std::vector<std::string> bad = {
        "",
        "$",
        "argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + hash,  // no leading $
        "$argon2$v=19$m=1024,t=1,p=1$" + salt + "$" + hash,   // unknown type
        "$argon2ID$v=19$m=1024,t=1,p=1$" + salt + "$" + hash, // type is case-sensitive
        "$scrypt$ln=16,r=8,p=1$" + salt + "$" + hash,
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", // bcrypt
        with("argon2id", "v=20", "m=1024,t=1,p=1"),
        with("argon2id", "v=019", "m=1024,t=1,p=1"),
        with("argon2id", "v=", "m=1024,t=1,p=1"),
        with("argon2id", "v=19", "m=4294967295,t=1,p=1"),   // 4 TiB
        with("argon2id", "v=19", "m=4294967296,t=1,p=1"),   // overflows 32 bits
        with("argon2id", "v=19", "m=99999999999999999999,t=1,p=1"),
        with("argon2id", "v=19", "m=1048577,t=1,p=1"),      // just over the 1 GiB cap
        with("argon2id", "v=19", "m=1024,t=101,p=1"),
        with("argon2id", "v=19", "m=1024,t=0,p=1"),
        with("argon2id", "v=19", "m=1024,t=1,p=65"),
        with("argon2id", "v=19", "m=1024,t=1,p=0"),
        with("argon2id", "v=19", "m=7,t=1,p=1"),            // below libargon2's 8 × p
        with("argon2id", "v=19", "m=1024,t=1,p=129"),
        with("argon2id", "v=19", "m=01024,t=1,p=1"),        // leading zero
        with("argon2id", "v=19", "m=+1024,t=1,p=1"),
        with("argon2id", "v=19", "m=-1024,t=1,p=1"),
        with("argon2id", "v=19", "t=1,m=1024,p=1"),         // order
        with("argon2id", "v=19", "m=1024,t=1"),
        with("argon2id", "v=19", "m=1024,t=1,p=1,"),
        with("argon2id", "v=19", "m=1024,t=1,p=1,keyid=abc"),
        with("argon2id", "v=19", "m=1024 ,t=1,p=1"),
        with("argon2id", "v=19", ""),
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + hash + "$",        // extra field
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + hash + "$extra",
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt,                           // no hash
        "$argon2id$v=19$m=1024,t=1,p=1$$" + hash,                          // empty salt
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$",                     // empty hash
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "==$" + hash,            // padding
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + hash + "=",
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + hash.substr(0, 42) + "*", // not base64
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + hash.substr(0, 42) + "-", // base64url is not PHC
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + hash + "AA",       // 45 characters: no encoding has that length
        "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$" + hash,                    // 4-byte salt
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$c2hvcnQgaGFzaA",       // 10-byte hash
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + std::string(100, 'A'), // 75-byte hash
        "$argon2id$v=19$m=1024,t=1,p=1$" + salt + "$" + hash + std::string(300, 'A'), // over the length cap
        "$argon2id$v=19" + std::string(1, '\0') + "$m=1024,t=1,p=1$" + salt + "$" + hash,
    };
    for (const auto& phc : bad) {
        INFO("phc '" << phc << "'");
        CHECK_NOTHROW(h.verify("pw", phc));
        CHECK_FALSE(h.verify("pw", phc));
        CHECK_FALSE(PasswordHasher::parse(phc));
        CHECK(h.needsRehash(phc));
    }

    // A last base64 character with stray low bits is not canonical (libargon2 refuses it too).
    std::string strayBits = good;
    char& last = strayBits.back();
    std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    last = alphabet[(alphabet.find(last) & ~3u) | 1u]; // 32 bytes = 43 characters: the last carries 2 spare bits
    CHECK_FALSE(PasswordHasher::parse(strayBits));
    CHECK(argon2id_verify(strayBits.c_str(), "pw", 2) != ARGON2_OK);

    // Every truncation of a good string is refused (or, where it still parses, does not match).
    for (std::size_t n = 0; n < good.size(); ++n) {
        INFO("truncated to " << n);
        CHECK_FALSE(h.verify("pw", good.substr(0, n)));
    }
    // A flipped hash character is a mismatch, not an error.
    std::string flipped = good;
    flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
    CHECK_FALSE(h.verify("pw", flipped));
}

TEST_CASE("the hasher refuses parameters outside its limits", "[identity][argon2]") {
    CHECK_THROWS_AS(PasswordHasher(Argon2Params{1024, 0, 1}), std::invalid_argument);
    CHECK_THROWS_AS(PasswordHasher(Argon2Params{1024, 101, 1}), std::invalid_argument);
    CHECK_THROWS_AS(PasswordHasher(Argon2Params{1024, 1, 0}), std::invalid_argument);
    CHECK_THROWS_AS(PasswordHasher(Argon2Params{1024, 1, 65}), std::invalid_argument);
    CHECK_THROWS_AS(PasswordHasher(Argon2Params{15, 1, 2}), std::invalid_argument);
    CHECK_THROWS_AS(PasswordHasher(Argon2Params{1048577, 1, 1}), std::invalid_argument);
    CHECK_THROWS_AS(PasswordHasher(kFast, 0), std::invalid_argument);
    CHECK_NOTHROW(PasswordHasher(Argon2Params{16, 1, 2}));
}

TEST_CASE("the concurrency bound makes callers wait, then throws Busy", "[identity][argon2]") {
    using Access = PasswordHasherTestAccess;

    SECTION("no free slot within the timeout: Busy, for hash, verify and the dummy") {
        PasswordHasher h(kFast, 1, 20ms);
        const std::string phc = h.hash("pw");
        REQUIRE(Access::take(h)); // another login holds the only slot
        CHECK_THROWS_AS(h.hash("pw"), PasswordHasher::Busy);
        CHECK_THROWS_AS(h.verify("pw", phc), PasswordHasher::Busy);
        CHECK_THROWS_AS(h.verifyDummy("pw"), PasswordHasher::Busy);
        CHECK_FALSE(h.verify("pw", "malformed")); // no hashing, no slot needed
        CHECK(Access::available(h) == 0);
        Access::give(h);
        CHECK(Access::available(h) == 1); // Busy did not leak or steal a slot
        CHECK(h.verify("pw", phc));
        CHECK(Access::available(h) == 1);
    }

    SECTION("a caller waits until a slot is freed, then hashes") {
        PasswordHasher h(kFast, 1, std::chrono::minutes(10));
        REQUIRE(Access::take(h));
        std::string result;
        std::thread waiter([&] { result = h.hash("pw"); });
        while (Access::waiting(h) == 0) std::this_thread::yield(); // the waiter is blocked on the bound
        CHECK(result.empty());
        Access::give(h);
        waiter.join();
        CHECK(h.verify("pw", result));
        CHECK(Access::available(h) == 1);
    }

    SECTION("many concurrent logins with two slots all complete and return every slot") {
        PasswordHasher h(kFast, 2, std::chrono::minutes(10));
        const std::string phc = h.hash("pw");
        std::atomic<int> ok{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 8; ++i)
            threads.emplace_back([&, i] {
                if (h.verify(i % 2 ? "pw" : "wrong", phc)) ++ok;
                if (!h.verifyDummy("pw")) ++ok;
            });
        for (auto& t : threads) t.join();
        CHECK(ok == 12);
        CHECK(Access::available(h) == 2);
        CHECK(Access::waiting(h) == 0);
    }
}

TEST_CASE("the default parameters are OWASP's Argon2id choice", "[identity][argon2]") {
    PasswordHasher h;
    CHECK(h.params() == Argon2Params{19456, 2, 1});
    std::string phc = h.hash("Пароль123!");
    CHECK(phc.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
    CHECK(h.verify("Пароль123!", phc));
    CHECK_FALSE(h.verify("пароль123!", phc));
    CHECK_FALSE(h.needsRehash(phc));
    CHECK(argon2id_verify(phc.c_str(), "Пароль123!", std::strlen("Пароль123!")) == ARGON2_OK);
}
