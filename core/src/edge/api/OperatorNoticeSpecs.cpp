#include "api/OperatorNoticeSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;

namespace {

Shape broadcastBody() {
    const Shape list = arrayOf(string());
    const Shape audience = named("BroadcastAudience",
                                 described(object({{"all?", boolean()}, {"accounts?", list}, {"contracts?", list}, {"addresses?", list}}),
                                           "exactly one of: all (true), accounts or contracts (their printed numbers), addresses "
                                           "(a metering point's address containing the text, case-insensitively)"));
    return named("BroadcastBody", object({{"title", string()},
                                          {"body", string()},
                                          {"audience", audience},
                                          {"channels?", described(arrayOf(oneOf({"in_app", "email", "sms"})), "in_app is always used")}}));
}

Shape alert() {
    return named("OperatorAlert",
                 object({{"id", shapes::id()},
                         {"kind", oneOf({"meter_tamper", "meter_silent"})},
                         {"kind_label", string()},
                         {"title", string()},
                         {"body", string()},
                         {"created_at", shapes::unixTime()},
                         {"time", described(string(), "the tenant's local time, ДД.ММ.ГГГГ ЧЧ:ММ")},
                         {"consumer", string()},
                         {"address", string()},
                         {"meter_serial", string()},
                         {"point", string()},
                         {"hint", described(string(), "what may follow (a tamper event: an act of non-metered consumption); \"\" when none")},
                         {"acknowledged_at", nullable(shapes::unixTime())},
                         {"acknowledged_by", nullable(described(string(), "the login of the operator who acknowledged it"))}}));
}

} // namespace

RouteSpec sendBroadcast() {
    return RouteSpec("Sends an operator's broadcast to the whole tenant, accounts, contracts or addresses")
        .group("operators")
        .body(broadcastBody())
        .answer(201, object({{"id", shapes::id()}, {"recipients", integer()}}))
        .errors({422});
}

RouteSpec previewBroadcast() {
    return RouteSpec("How many people a broadcast would reach, without sending it")
        .group("operators")
        .body(broadcastBody())
        .answer(200, object({{"recipients", integer()}}))
        .errors({422});
}

RouteSpec broadcasts() {
    const Shape counts = named("DeliveryCounts", object({{"queued", integer()}, {"sent", integer()}, {"failed", integer()}, {"not_wanted", integer()}}));
    const Shape row = named("Broadcast", object({{"id", shapes::id()},
                                                 {"title", string()},
                                                 {"body", string()},
                                                 {"created_at", shapes::unixTime()},
                                                 {"recipients", integer()},
                                                 {"channels", described(mapOf(counts), "channel (in_app, email, sms) → deliveries by state")}}));
    return RouteSpec("The tenant's broadcasts, newest first, with delivery counts per channel").group("operators").answer(200, object({{"rows", arrayOf(row)}}));
}

RouteSpec alerts() {
    return RouteSpec("Tamper events and silent meters for the operators, newest first")
        .group("operators")
        .query("state", oneOf({"open", "acknowledged"}), "open by default")
        .answer(200, object({{"rows", arrayOf(alert())}}))
        .errors({422});
}

RouteSpec acknowledgeAlert() {
    return RouteSpec("Acknowledges an alert (who and when; again changes nothing)").group("operators").answer(200, alert()).errors({404});
}

} // namespace kabinet::spec
