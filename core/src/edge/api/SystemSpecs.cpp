#include "api/SystemSpecs.h"

namespace kabinet::spec {

using namespace shape;

RouteSpec healthz() {
    const Shape health = object({{"status", oneOf({"ok", "unavailable"})},
                                 {"database", string()},
                                 {"tenants", arrayOf(string())},
                                 {"plugins", arrayOf(string())},
                                 {"reason?", string()}});
    return RouteSpec("Health of the server and its database")
        .group("system")
        .answer(200, health, "Up")
        .answer(503, health, "The database does not answer");
}

RouteSpec metrics() {
    return RouteSpec("Request counters and latencies (Prometheus text format)")
        .group("system")
        .file(200, {"text/plain; version=0.0.4; charset=utf-8"});
}

RouteSpec openApi() {
    return RouteSpec("This description of the API (OpenAPI 3.1)")
        .about("Made from the route table; clients of a utility generate their code from it.")
        .group("system")
        .answer(200, described(open(object({{"openapi", string()}, {"info", mapOf(any())}, {"paths", mapOf(any())}})),
                               "An OpenAPI 3.1 document"));
}

} // namespace kabinet::spec
