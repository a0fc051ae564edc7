#include <catch2/catch.hpp>

#include "identity/Totp.h"

#include <regex>
#include <set>

using namespace kabinet;

namespace {
const std::string kRfcKey = "12345678901234567890"; // the ASCII key of RFC 4226 Appendix D and RFC 6238 Appendix B
}

TEST_CASE("HOTP matches RFC 4226 Appendix D", "[totp]") {
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (uint64_t counter = 0; counter < 10; ++counter) {
        INFO("counter " << counter);
        CHECK(totp::hotp(kRfcKey, counter) == expected[counter]);
    }
    CHECK_THROWS_AS(totp::hotp(kRfcKey, 0, 5), std::invalid_argument);
    CHECK_THROWS_AS(totp::hotp(kRfcKey, 0, 10), std::invalid_argument);
}

TEST_CASE("TOTP matches the SHA1 vectors of RFC 6238 Appendix B", "[totp]") {
    struct Vector {
        std::time_t t;
        const char* code;
    };
    const Vector vectors[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                              {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
    for (const auto& v : vectors) {
        INFO("t = " << v.t);
        CHECK(totp::hotp(kRfcKey, static_cast<uint64_t>(v.t) / 30, 8) == v.code);
        // The 6-digit code is the same truncation modulo 10^6: the last six digits.
        CHECK(totp::code(kRfcKey, v.t) == std::string(v.code).substr(2));
    }
    CHECK_THROWS_AS(totp::code(kRfcKey, -1), std::invalid_argument);
}

TEST_CASE("TOTP verification accepts the window and rejects everything else", "[totp]") {
    const std::time_t now = 1111111111; // step 37037037
    const uint64_t step = 37037037;
    uint64_t matched = 0;

    CHECK(totp::verify(kRfcKey, totp::code(kRfcKey, now), now, 1, &matched));
    CHECK(matched == step);
    CHECK(totp::verify(kRfcKey, totp::code(kRfcKey, now - 30), now, 1, &matched));
    CHECK(matched == step - 1);
    CHECK(totp::verify(kRfcKey, totp::code(kRfcKey, now + 30), now, 1, &matched));
    CHECK(matched == step + 1);
    CHECK(totp::verify(kRfcKey, totp::code(kRfcKey, now), now)); // matchedStep is optional

    matched = 42;
    CHECK_FALSE(totp::verify(kRfcKey, totp::code(kRfcKey, now - 60), now, 1, &matched));
    CHECK_FALSE(totp::verify(kRfcKey, totp::code(kRfcKey, now + 60), now, 1, &matched));
    CHECK(matched == 42); // untouched on failure
    CHECK(totp::verify(kRfcKey, totp::code(kRfcKey, now - 60), now, 2, &matched));
    CHECK(matched == step - 2);
    CHECK_FALSE(totp::verify(kRfcKey, totp::code(kRfcKey, now - 30), now, 0));
    CHECK(totp::verify(kRfcKey, totp::code(kRfcKey, now), now, 0));

    // Near the epoch the window does not wrap around to huge steps.
    CHECK(totp::verify(kRfcKey, totp::code(kRfcKey, 0), 10, 1, &matched));
    CHECK(matched == 0);

    // A different key does not verify.
    CHECK_FALSE(totp::verify("another key of twenty", totp::code(kRfcKey, now), now));
}

TEST_CASE("TOTP verification rejects malformed input", "[totp]") {
    const std::time_t now = 1234567890;
    const std::string good = totp::code(kRfcKey, now);
    REQUIRE(totp::verify(kRfcKey, good, now));
    for (const std::string& bad : {std::string(), good.substr(0, 5), good + "0", " " + good.substr(1),
                                  good.substr(0, 5) + "a", std::string("12 456"), std::string("+12345"),
                                  std::string("-12345"), std::string("\xd9\xa1\xd9\xa2\xd9\xa3"),
                                  good.substr(0, 3) + std::string(1, '\0') + good.substr(4)}) {
        INFO("code '" << bad << "'");
        CHECK_FALSE(totp::verify(kRfcKey, bad, now));
    }
    CHECK_FALSE(totp::verify("", totp::code("", now), now)); // a missing secret never verifies
    CHECK_FALSE(totp::verify(kRfcKey, good, -1));
    CHECK_THROWS_AS(totp::verify(kRfcKey, good, now, -1), std::invalid_argument);
    CHECK_THROWS_AS(totp::verify(kRfcKey, good, now, totp::kMaxWindow + 1), std::invalid_argument);
}

TEST_CASE("base32 follows RFC 4648", "[totp]") {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},          {"f", "MY"},           {"fo", "MZXQ"},        {"foo", "MZXW6"},
        {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
    const char* padded[] = {"", "MY======", "MZXQ====", "MZXW6===", "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======"};
    int i = 0;
    for (const auto& [plain, encoded] : vectors) {
        INFO("'" << plain << "'");
        CHECK(totp::base32Encode(plain) == encoded);
        CHECK(totp::base32Decode(encoded) == std::optional<std::string>(plain));
        CHECK(totp::base32Decode(padded[i]) == std::optional<std::string>(plain));
        std::string lower = encoded;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        CHECK(totp::base32Decode(lower) == std::optional<std::string>(plain));
        ++i;
    }
    CHECK(totp::base32Encode(kRfcKey) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");

    CHECK_FALSE(totp::base32Decode("MZXW6YT1"));  // 1 is not in the alphabet
    CHECK_FALSE(totp::base32Decode("MZ=XW6YQ"));  // padding in the middle
    CHECK_FALSE(totp::base32Decode("M"));         // no encoding has 1, 3 or 6 characters in its last group
    CHECK_FALSE(totp::base32Decode("MZX"));
    CHECK_FALSE(totp::base32Decode("MZXW6Y"));
    CHECK_FALSE(totp::base32Decode("MZXW 6YQ"));

    for (int n = 0; n < 20; ++n) {
        std::string secret = totp::newSecret();
        REQUIRE(secret.size() == 20);
        CHECK(totp::base32Decode(totp::base32Encode(secret)) == std::optional<std::string>(secret));
    }
    CHECK(totp::newSecret() != totp::newSecret());
}

TEST_CASE("otpauth URIs percent-encode issuer and account as UTF-8", "[totp]") {
    CHECK(totp::otpauthUri("ВГЭС", "ivan@example.ru", kRfcKey) ==
          "otpauth://totp/%D0%92%D0%93%D0%AD%D0%A1:ivan%40example.ru?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
          "&issuer=%D0%92%D0%93%D0%AD%D0%A1&algorithm=SHA1&digits=6&period=30");
    CHECK(totp::otpauthUri("A B:C", "x&y=z?", "f") ==
          "otpauth://totp/A%20B%3AC:x%26y%3Dz%3F?secret=MY&issuer=A%20B%3AC&algorithm=SHA1&digits=6&period=30");
    CHECK(totp::otpauthUri("", "user", "f") == "otpauth://totp/user?secret=MY&algorithm=SHA1&digits=6&period=30");
}

TEST_CASE("recovery codes are distinct, unambiguous and normalize", "[totp]") {
    const std::regex format("^[23456789abcdefghijkmnpqrstuvwxyz]{4}-[23456789abcdefghijkmnpqrstuvwxyz]{4}$");
    auto codes = totp::newRecoveryCodes();
    REQUIRE(codes.size() == 10);
    std::set<std::string> distinct(codes.begin(), codes.end());
    CHECK(distinct.size() == codes.size());
    for (const auto& c : codes) {
        INFO(c);
        CHECK(std::regex_match(c, format));
        CHECK(totp::normalizeRecoveryCode(c).size() == 8);
    }
    // Over many codes every character of the alphabet shows up and no other does.
    std::set<char> seen;
    for (const auto& c : totp::newRecoveryCodes(100))
        for (char ch : c)
            if (ch != '-') seen.insert(ch);
    CHECK(seen.size() == 32);
    for (char banned : std::string("0o1l")) CHECK(seen.count(banned) == 0);

    CHECK(totp::newRecoveryCodes(1).size() == 1);
    CHECK_THROWS_AS(totp::newRecoveryCodes(0), std::invalid_argument);
    CHECK_THROWS_AS(totp::newRecoveryCodes(101), std::invalid_argument);

    CHECK(totp::normalizeRecoveryCode(" AB2C-D3EF ") == "ab2cd3ef");
    CHECK(totp::normalizeRecoveryCode("ab2c d3ef") == "ab2cd3ef");
    CHECK(totp::normalizeRecoveryCode("ab2c--\td3ef") == "ab2cd3ef");
    CHECK(totp::normalizeRecoveryCode(codes[0]) == codes[0].substr(0, 4) + codes[0].substr(5));
}
