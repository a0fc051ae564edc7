// SecretBox: AES-256-GCM secrets at rest — a round trip, a fresh nonce per seal, and any change or another key
// refused; the key file made with mode 0600 and refused when it is not 32 bytes.
#include "util/SecretBox.h"
#include "util/Crypto.h"

#include "TestContext.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>

using namespace kabinet;

TEST_CASE("SecretBox seals and opens; a changed byte or another key is refused", "[connectors][secretbox]") {
    const SecretBox box(crypto::randomBytes(32));
    const std::string plain = R"({"token":"eyJhbGciOi…","login":"Иванов"})";
    const std::string sealed = box.seal(plain);
    CHECK(sealed.rfind("v1.", 0) == 0);
    CHECK(sealed.find("token") == std::string::npos);
    CHECK(box.open(sealed) == plain);
    CHECK(box.seal(plain) != sealed); // a fresh nonce every time
    CHECK(box.open(box.seal("")).empty());
    // Every single changed character of the sealed text is noticed.
    for (std::size_t i = 3; i < sealed.size(); i += 7) {
        std::string tampered = sealed;
        tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
        CHECK_THROWS_AS(box.open(tampered), std::runtime_error);
    }
    CHECK_THROWS_AS(box.open(sealed.substr(0, sealed.size() - 4)), std::runtime_error);
    CHECK_THROWS_AS(box.open("v2." + sealed.substr(3)), std::runtime_error);
    CHECK_THROWS_AS(SecretBox(crypto::randomBytes(32)).open(sealed), std::runtime_error);
    CHECK_THROWS_AS(SecretBox("short"), std::invalid_argument);
}

TEST_CASE("SecretBox key file: created once with mode 0600, refused when not 32 bytes", "[connectors][secretbox]") {
    const std::string dir = test::tempDir("secretbox");
    const std::string path = dir + "/secret.key";
    CHECK_THROWS_AS(SecretBox::fromFile(path, false), std::runtime_error);
    const SecretBox made = SecretBox::fromFile(path, true);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(st.st_size == 32);
    // The same key next time: what was sealed opens.
    const std::string sealed = made.seal("secret");
    CHECK(SecretBox::fromFile(path, true).open(sealed) == "secret");
    std::ofstream(dir + "/short.key") << "0123456789";
    CHECK_THROWS_AS(SecretBox::fromFile(dir + "/short.key", true), std::runtime_error);
}
