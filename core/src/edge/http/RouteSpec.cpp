#include "http/RouteSpec.h"

namespace kabinet {

RouteSpec& RouteSpec::errors(std::vector<int> statuses) {
    for (int status : statuses) answers.push_back({status, "", errorShape(), {}});
    return *this;
}

Shape errorShape() {
    using namespace shape;
    static const Shape error = named(
        "Error", described(object({{"error", string()},
                                   {"message", string()},
                                   {"fields", mapOf(string())},
                                   {"retry_after?", integer()},
                                   // 429 limit_exceeded: which tenant limit refused (docs/ARCHITECTURE.md, «Tenant limits»).
                                   {"limit?", string()},
                                   // 403 not_confirmed: what the login still lacks.
                                   {"remaining?", arrayOf(oneOf({"email", "phone"}))},
                                   {"pending_token?", string()},
                                   {"code_sent?", boolean()},
                                   {"email?", string()},
                                   {"phone?", string()}}),
                           "`error` is a code, `message` Russian text for a person, `fields` names each bad input field "
                           "with its reason ({} when no field is to blame); 429 adds `retry_after` (seconds), and `limit` (the tenant "
                           "limit's name) when the error is `limit_exceeded`"));
    return error;
}

} // namespace kabinet
