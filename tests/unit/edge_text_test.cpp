// Text screening and repair (util/Text) and the mapping of database errors (storage/Database::mapped).
#include <catch2/catch.hpp>

#include "storage/Database.h"
#include "util/Error.h"
#include "util/Text.h"

using namespace kabinet;

TEST_CASE("text: control characters and ill-formed UTF-8 are found; tabs and line breaks are text", "[edge][text]") {
    CHECK(text::check("Иванов Иван") == text::Problem::None);
    CHECK(text::check("строка 1\r\n\tстрока 2") == text::Problem::None);
    CHECK(text::check(std::string("a\0b", 3)) == text::Problem::ControlCharacter);
    CHECK(text::check("\x1b[31m") == text::Problem::ControlCharacter);
    CHECK(text::check("\a") == text::Problem::ControlCharacter);
    CHECK(text::check("\x7f") == text::Problem::ControlCharacter);
    CHECK(text::check("\xc2\x85") == text::Problem::ControlCharacter); // C1 NEL
    CHECK(text::check("\xff") == text::Problem::InvalidUtf8);
    CHECK(text::check("\xc0\x80") == text::Problem::InvalidUtf8);         // overlong NUL
    CHECK(text::check("\xed\xa0\x80") == text::Problem::InvalidUtf8);     // surrogate
    CHECK(text::check("\xd1") == text::Problem::InvalidUtf8);             // cut
}

TEST_CASE("text: echoes become well-formed UTF-8, cut at a character boundary", "[edge][text]") {
    CHECK(text::validUtf8("a\xffz") == "a\xef\xbf\xbdz");
    CHECK(text::validUtf8("яяя", 2) == "яя");
    const std::string cut = std::string("яяя").substr(0, 5);
    CHECK(text::check(text::validUtf8(cut)) == text::Problem::None);
    const Error e(404, "tenant_not_found", "Организация «\xd1» не найдена", {{"\xff", "x"}});
    CHECK(text::check(e.toJson()) == text::Problem::None);
}

TEST_CASE("database errors: a lost connection is 503 with Retry-After, a duplicate 409, others untouched", "[edge][storage]") {
    auto lost = Database::mapped(soci::soci_error("Session is not connected."));
    REQUIRE(lost);
    CHECK(lost->status() == 503);
    CHECK(lost->code() == "database_unavailable");
    CHECK(lost->retryAfterSeconds() == 5);
    auto closed = Database::mapped(soci::soci_error("server closed the connection unexpectedly"));
    REQUIRE(closed);
    CHECK(closed->status() == 503);
    auto dup = Database::mapped(soci::soci_error("duplicate key value violates unique constraint"));
    REQUIRE(dup);
    CHECK(dup->status() == 409);
    CHECK_FALSE(Database::mapped(soci::soci_error("syntax error at or near \"SELEC\"")));
    CHECK_FALSE(Database::mapped(std::runtime_error("other")));
}
