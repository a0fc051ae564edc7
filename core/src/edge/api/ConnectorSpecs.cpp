#include "api/ConnectorSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;

namespace {
const std::vector<std::string> kErrorKinds = {"auth", "transport", "timeout", "protocol", "config", "rejected", "internal", "busy"};

Shape job() {
    return named("ConnectorJob",
                 object({{"account", described(string(), "the upstream account: \"tenant\" or a consumer's account id")},
                         {"account_title", string()},
                         {"task", string()},
                         {"task_label", described(string(), "the task as the tenant names it for staff")},
                         {"next_run", shapes::unixTime()},
                         {"last_run", nullable(shapes::unixTime())},
                         {"last_ok", nullable(shapes::unixTime())},
                         {"attempts", described(integer(), "failures in a row (the back-off grows with them)")},
                         {"last_error", nullable(string())},
                         {"last_error_kind", nullable(oneOf(kErrorKinds))},
                         {"stored_rows", integer()},
                         {"running", boolean()},
                         {"stopped", described(boolean(), "the upstream refused the account's credentials: no syncs until they change")}}));
}
} // namespace

RouteSpec connectors() {
    const Shape item = named("Connector",
                             object({{"id", string()},
                                     {"label", string()},
                                     {"plugin", string()},
                                     {"state", oneOf({"ready", "not_configured", "plugin_missing"})},
                                     {"reason", described(string(), "why it is not ready (\"\" when ready)")},
                                     {"accounts", integer()},
                                     {"devices", integer()},
                                     {"unlinked_devices", integer()},
                                     {"jobs", arrayOf(job())}}));
    return RouteSpec("The tenant's upstream connectors with their state and sync jobs")
        .group("operators")
        .answer(200, object({{"items", arrayOf(item)}}));
}

RouteSpec connectorSync() {
    return RouteSpec("Makes every job of the connector due now (the sync worker takes them at once)")
        .group("operators")
        .answer(202, shapes::okMessage())
        .errors({404, 503});
}

RouteSpec connectorLog() {
    const Shape row = named("ConnectorLogRow",
                            object({{"account", string()},
                                    {"task", string()},
                                    {"task_label", string()},
                                    {"started_at", shapes::unixTime()},
                                    {"duration_ms", integer()},
                                    {"outcome", oneOf({"ok", "error"})},
                                    {"error_kind", nullable(oneOf(kErrorKinds))},
                                    {"message", described(string(), "the error, skipped records and unknown devices (\"\" when none)")},
                                    {"records", integer()},
                                    {"stored_rows", integer()},
                                    {"problems", integer()},
                                    {"instance", described(string(), "the kabinetd instance that ran it")}}));
    return RouteSpec("The connector's sync history, newest first")
        .group("operators")
        .query("limit", integer(), "1–500, 50 by default")
        .answer(200, object({{"items", arrayOf(row)}}))
        .errors({404, 422});
}

RouteSpec connectorDevices() {
    const Shape row = named("ConnectorDevice",
                            object({{"key", described(string(), "the upstream's key: a modem id, a measuring point code, <contract>/<serial>")},
                                    {"title", nullable(string())},
                                    {"serial", nullable(string())},
                                    {"meter_serial", nullable(described(string(), "the linked meter; null: not linked, its data is dropped"))},
                                    {"point_name", nullable(string())},
                                    {"battery", nullable(number())},
                                    {"last_message", nullable(shapes::unixTime())},
                                    {"seen_at", shapes::unixTime()}}));
    return RouteSpec("The connector's upstream devices and the meters they are")
        .group("operators")
        .answer(200, object({{"items", arrayOf(row)}}))
        .errors({404});
}

} // namespace kabinet::spec
