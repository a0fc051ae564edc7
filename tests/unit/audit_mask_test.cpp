// What the audit log keeps of a guessed number: its last two characters, never more.
#include <catch2/catch.hpp>

#include "identity/AuditLog.h"

using kabinet::AuditLog;

TEST_CASE("audit mask: only the last two characters of a tried value are kept", "[auth]") {
    CHECK(AuditLog::mask("3300123456") == "…56");
    CHECK(AuditLog::mask("ЭС-1001") == "…01");
    CHECK(AuditLog::mask("Договор-ЮЯ") == "…ЮЯ"); // two characters, not two bytes
    CHECK(AuditLog::mask("42") == "…");
    CHECK(AuditLog::mask("7") == "…");
    CHECK(AuditLog::mask("") == "…");
}
