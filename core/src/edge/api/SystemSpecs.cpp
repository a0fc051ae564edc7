#include "api/SystemSpecs.h"

namespace kabinet::spec {

using namespace shape;

RouteSpec healthz() {
    const Shape placed = object({{"tenants", arrayOf(string())}, {"status", oneOf({"ok", "unavailable"})}, {"reason?", string()}});
    const Shape health = object({{"status", oneOf({"ok", "degraded", "unavailable"})},
                                 {"database", string()},
                                 {"tenants", arrayOf(string())},
                                 {"plugins", arrayOf(string())},
                                 {"reason?", string()},
                                 {"tenant_databases?", arrayOf(placed)}});
    return RouteSpec("Health of the server and its databases")
        .about("`tenant_databases` lists the databases of tenants placed on their own (--tenant-databases) with the "
               "tenants each holds; one of them not answering makes the status `degraded` (200: the other tenants are "
               "served), the main database not answering makes it `unavailable` (503).")
        .group("system")
        .answer(200, health, "Up (every database answers, or only tenant databases do not: degraded)")
        .answer(503, health, "The main database does not answer");
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
