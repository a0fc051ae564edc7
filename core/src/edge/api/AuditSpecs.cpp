#include "api/AuditSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;

RouteSpec auditLog() {
    const Shape user = named("AuditUser", object({{"login", string()},
                                                  {"login_field", string()},
                                                  {"email", nullable(string())},
                                                  {"fields", shapes::formValues()}}));
    const Shape entry = named("AuditEntry", object({{"at", shapes::unixTime()},
                                                    {"action", string()},
                                                    {"tried", described(string(), "only the last two characters")},
                                                    {"client_address", string()},
                                                    {"outcome", oneOf({"miss", "locked", "refused"})},
                                                    {"user", nullable(user)}}));
    return RouteSpec("Missed and refused guesses of account and contract numbers, newest first")
        .group("operators")
        .query("page", integer(), "from 1")
        .query("per_page", integer(), "1–100, 50 by default")
        .answer(200, object({{"entries", arrayOf(entry)}, {"page", integer()}, {"per_page", integer()}, {"total", integer()}}))
        .errors({422});
}

} // namespace kabinet::spec
