#include "api/OutageSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;
using namespace shapes;

namespace {

Shape address() {
    return named("OutageAddress", object({{"street", described(string(), "a street of the tenant's dictionary; \"\" for free text")},
                                          {"houses", described(string(), "\"10-24, 35, 40а, чёт. 2-16\"; \"\" = the whole street")},
                                          {"text", described(string(), "a free-text address when there is no street")}}));
}

/// The members every answer about an outage carries; staff see who created and changed it, a consumer's own list
/// the points it reaches.
Shape outage() {
    const Shape point = named("OutagePoint", object({{"id", id()}, {"name", string()}, {"address", string()}}));
    return named("Outage", object({{"id", id()},
                                   {"kind", oneOf({"planned", "emergency"})},
                                   {"state", described(oneOf({"published", "closed", "cancelled"}), "cancelled: called off before its start")},
                                   {"reason", string()},
                                   {"starts_at", unixTime()},
                                   {"planned_end", unixTime()},
                                   {"actual_end", nullable(unixTime())},
                                   {"starts_local", described(string(), "YYYY-MM-DDTHH:MM in the tenant's time zone")},
                                   {"planned_end_local", string()},
                                   {"actual_end_local", nullable(string())},
                                   {"sources", described(integer(), "independent supply sources: 1 or 2")},
                                   {"duration_minutes", integer()},
                                   {"permitted_minutes", described(integer(), "120 with two sources, 1440 with one")},
                                   {"exceeded", boolean()},
                                   {"exceeded_minutes", integer()},
                                   {"addresses", arrayOf(address())},
                                   {"address_line", string()},
                                   {"points?", arrayOf(point)},
                                   {"created_by?", string()},
                                   {"created_at?", unixTime()},
                                   {"updated_by?", string()},
                                   {"updated_at?", unixTime()}}));
}

Shape list() { return object({{"from", nullable(string("date"))}, {"to", nullable(string("date"))}, {"rows", arrayOf(outage())}}); }

RouteSpec lookup(RouteSpec s) {
    return s.query("address", string(), "an address as people write it («Кольцовская ул., д. 35»); a street alone finds every outage on it")
        .query("from", string("date"), "first day (the tenant's time zone)")
        .query("to", string("date"), "last day, inclusive");
}

Shape input(bool creating) {
    const Shape moment = either({string(), integer()});
    std::vector<Member> m{{creating ? "kind" : "kind?", oneOf({"planned", "emergency"})},
                          {creating ? "reason" : "reason?", string()},
                          {creating ? "starts_at" : "starts_at?", described(moment, "YYYY-MM-DDTHH:MM in the tenant's zone, or Unix seconds")},
                          {creating ? "planned_end" : "planned_end?", moment},
                          {"actual_end?", described(moment, "closes the outage")},
                          {"sources?", integer()},
                          {creating ? "addresses" : "addresses?", arrayOf(object({{"street?", string()}, {"houses?", string()}, {"text?", string()}}))}};
    return object(m);
}

} // namespace

RouteSpec outages() {
    return lookup(RouteSpec("Outages at an address in a period; without an address a consumer's own points (going on or to come by default)"))
        .group("outages")
        .answer(200, list())
        .errors({404, 422});
}

RouteSpec outageStats() {
    const Shape tally = named("OutageTally", object({{"address", nullable(string())},
                                                     {"count", integer()},
                                                     {"planned", integer()},
                                                     {"emergency", integer()},
                                                     {"duration_minutes", integer()},
                                                     {"exceeded", integer()},
                                                     {"exceeded_minutes", integer()}}));
    return lookup(RouteSpec("Number and total duration of outages by address and period (this year by default)"))
        .group("outages")
        .answer(200, object({{"from", string("date")}, {"to", string("date")}, {"rows", arrayOf(tally)}, {"total", tally}}))
        .errors({404, 422});
}

RouteSpec publicOutages() {
    return lookup(RouteSpec("The tenant's published outages, without a login (from a week ago by default)"))
        .group("outages")
        .answer(200, list())
        .errors({404, 422});
}

RouteSpec createOutage() {
    return RouteSpec("Publishes an outage; consumers at its addresses are told (emergency at once, planned ahead of time)")
        .group("outages")
        .body(input(true))
        .answer(201, outage())
        .errors({404, 422});
}

RouteSpec changeOutage() {
    return RouteSpec("Changes an outage; actual_end closes it and tells the consumers told before")
        .group("outages")
        .body(input(false))
        .answer(200, outage())
        .errors({404, 409, 422});
}

RouteSpec cancelOutage() {
    return RouteSpec("Cancels an outage that has not started; the consumers told of it are told it is cancelled")
        .group("outages")
        .answer(200, outage())
        .errors({404, 409});
}

} // namespace kabinet::spec
