#include "api/MeterSpecs.h"

#include "api/CommonShapes.h"
#include "api/MeterShapes.h"
#include "api/SupplierSpecs.h"

namespace kabinet::spec {

using namespace shape;
using namespace shapes;

namespace {
Shape optText() { return nullable(string()); }
Shape optNumber() { return nullable(number()); }

RouteSpec period(RouteSpec s) {
    return s.query("from", periodQuery(), "first day (the tenant's time zone)").query("to", periodQuery(), "last day, inclusive");
}

const char* kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const char* kCsv = "text/csv; charset=utf-8";
} // namespace

// ---- access ways -------------------------------------------------------------------------------------------------

RouteSpec access() {
    const Shape account = named("Account", object({{"id", id()}, {"number", string()}, {"address", optText()}, {"holder_name", optText()}}));
    return RouteSpec("The consumer's access ways, accounts and contracts, and how many points they see")
        .group("access")
        .answer(200, object({{"ways", arrayOf(string())},
                             {"accounts", arrayOf(account)},
                             {"contracts", arrayOf(contract())},
                             {"points", integer()}}));
}

RouteSpec addAccount() {
    return RouteSpec("Adds a personal account by its number")
        .group("access")
        .body(object({{"number", string()}}))
        .answer(201, object({{"message", string()}, {"account", object({{"id", id()}, {"number", string()}, {"address", optText()}})}}))
        .errors({403, 404, 409, 422, 429});
}

RouteSpec removeAccount() { return RouteSpec("Removes a personal account").group("access").answer(204, nullptr).errors({404}); }

RouteSpec checkOgrn() {
    return RouteSpec("Whether the ОГРН/ОГРНИП of the profile is in the utility's contracts")
        .group("access")
        .answer(200, object({{"found", boolean()}}))
        .errors({403, 404});
}

RouteSpec confirmOgrn() {
    return RouteSpec("Confirms the ОГРН by one contract number: all contracts of that ОГРН become visible")
        .group("access")
        .body(object({{"contract_number", string()}}))
        .answer(200, object({{"contracts", arrayOf(contract())}}))
        .errors({403, 404, 422, 429});
}

RouteSpec linkSupplier() {
    return RouteSpec("Adds the contracts of a supplier account (the supplier's connector checks the login)")
        .group("access")
        .body(object({{"supplier", string()}, {"title?", string()}, {"login", string()}, {"password", string()}}))
        .answer(201, object({{"contracts", arrayOf(object({{"id", id()}, {"number", string()}, {"title", optText()}}))}, {"message", string()}}))
        .errors({403, 422, 502, 503});
}

RouteSpec renameContract() {
    return RouteSpec("Renames a contract")
        .group("access")
        .body(object({{"title", string()}}))
        .answer(200, ok())
        .errors({403, 404, 422});
}

// ---- metering points ---------------------------------------------------------------------------------------------

RouteSpec points() {
    const Shape point = named("Point", object({{"id", id()},
                                               {"name", string()},
                                               {"number", string()},
                                               {"address", optText()},
                                               {"account", optText()},
                                               {"contract", optText()},
                                               {"meter", meterSummary()},
                                               {"latest", nullable(registers())},
                                               {"manual_readings", manualAllowed()}}));
    return RouteSpec("The metering points the user may see, with each meter's latest reading")
        .group("meters")
        .answer(200, object({{"points", arrayOf(point)}}));
}

RouteSpec point() {
    const Shape pointInfo = named("PointInfo", object({{"id", id()},
                                                       {"name", string()},
                                                       {"number", string()},
                                                       {"resource", optText()},
                                                       {"address", optText()},
                                                       {"installation_place", optText()},
                                                       {"commissioned_on", optText()},
                                                       {"tariff", optText()},
                                                       {"power_limit_kw", optNumber()},
                                                       {"account", optText()},
                                                       {"contract", optText()}}));
    const Shape meter = named("Meter", object({{"id", id()},
                                               {"model", string()},
                                               {"modification", optText()},
                                               {"serial", string()},
                                               {"register_number", optText()},
                                               {"accuracy_class", optText()},
                                               {"nominal_voltage", optText()},
                                               {"current_range", optText()},
                                               {"phases", optNumber()},
                                               {"tariff_zones", optNumber()},
                                               {"smart", boolean()},
                                               {"virtual", boolean()},
                                               {"polled", boolean()},
                                               {"installed_on", optText()},
                                               {"verified_on", optText()},
                                               {"verification_years", optNumber()},
                                               {"next_verification_on", optText()}}));
    const Shape transformer = named("Transformer", object({{"kind", optText()},
                                                           {"phase", optText()},
                                                           {"model", optText()},
                                                           {"serial", optText()},
                                                           {"ratio", optText()},
                                                           {"accuracy_class", optText()},
                                                           {"verified_on", optText()}}));
    return RouteSpec("General information on a metering point, its meter and instrument transformers")
        .group("meters")
        .answer(200, object({{"point", nullable(pointInfo)},
                             {"meter?", meter},
                             {"manual_readings?", manualAllowed()},
                             {"transformers", arrayOf(transformer)}}))
        .errors({404});
}

RouteSpec readings() {
    const Shape row = named("Reading", object({{"ts", unixTime()},
                                               {"date", date()},
                                               {"total", optNumber()},
                                               {"t1", optNumber()},
                                               {"t2", optNumber()},
                                               {"t3", optNumber()},
                                               {"t4", optNumber()},
                                               {"source", string()},
                                               {"kind", oneOf({"latest", "billing"})}}));
    return period(RouteSpec("Readings of the meter's registers"))
        .group("meters")
        .query("energy", oneOf({"A+", "A-", "R+", "R-"}), "energy direction, A+ by default")
        .query("kind", oneOf({"latest", "billing"}))
        .answer(200, object({{"energy", string()}, {"rows", arrayOf(row)}}))
        .errors({404, 422});
}

RouteSpec consumption() {
    const Shape row = named("ConsumptionRow", object({{"period", string()},
                                                      {"start_ts", unixTime()},
                                                      {"total", optNumber()},
                                                      {"t1", optNumber()},
                                                      {"t2", optNumber()},
                                                      {"t3", optNumber()},
                                                      {"t4", optNumber()}}));
    return period(RouteSpec("Consumption by day, week or month (differences of the cumulative registers)"))
        .group("meters")
        .query("group", oneOf({"day", "week", "month"}))
        .query("energy", oneOf({"A+", "A-", "R+", "R-"}))
        .answer(200, object({{"group", oneOf({"day", "week", "month"})},
                             {"energy", string()},
                             {"from", date()},
                             {"to", date()},
                             {"rows", arrayOf(row)}}))
        .errors({404, 422});
}

RouteSpec profile() {
    const Shape row = named("ProfileRow", object({{"ts", unixTime()},
                                                  {"p_plus", optNumber()},
                                                  {"p_minus", optNumber()},
                                                  {"q_plus", optNumber()},
                                                  {"q_minus", optNumber()}}));
    return period(RouteSpec("The load profile: average power per interval"))
        .group("meters")
        .query("interval", oneOf({"30", "60"}), "minutes; 60 merges half-hours")
        .answer(200, object({{"interval_min", integer()}, {"rows", arrayOf(row)}}))
        .errors({404, 422});
}

RouteSpec events() {
    const Shape row = named("MeterEvent", object({{"ts_start", unixTime()},
                                                  {"ts_end", nullable(integer())},
                                                  {"code", string()},
                                                  {"category", string()},
                                                  {"severity", string()},
                                                  {"text", string()},
                                                  {"tamper", boolean()}}));
    return period(RouteSpec("The meter's event log and counts by category and severity"))
        .group("meters")
        .query("category", string())
        .query("severity", string())
        .answer(200, object({{"rows", arrayOf(row)},
                             {"stats", object({{"by_category", mapOf(integer())}, {"by_severity", mapOf(integer())}})}}))
        .errors({404, 422});
}

RouteSpec network() {
    const Shape phase = named("PhaseParameters", object({{"phase", string()},
                                                         {"voltage", optNumber()},
                                                         {"current", optNumber()},
                                                         {"p", optNumber()},
                                                         {"q", optNumber()},
                                                         {"s", optNumber()},
                                                         {"pf", optNumber()},
                                                         {"frequency", optNumber()},
                                                         {"angle", optNumber()}}));
    return RouteSpec("Network parameters per phase at a moment (the latest by default)")
        .group("meters")
        .query("at", integer(), "Unix seconds")
        .answer(200, object({{"ts", nullable(integer())}, {"frequency?", optNumber()}, {"phases", arrayOf(phase)}}))
        .errors({404, 422});
}

RouteSpec history() {
    const Shape month = named("MonthConsumption", object({{"period", string()},
                                                          {"consumption", optNumber()},
                                                          {"last_year", optNumber()},
                                                          {"change_pct", optNumber()}}));
    const Shape forecast = named("Forecast", object({{"period", string()},
                                                     {"consumed", optNumber()},
                                                     {"days_passed", number()},
                                                     {"days_total", number()},
                                                     {"forecast", optNumber()},
                                                     {"last_year", optNumber()},
                                                     {"method", string()}}));
    return RouteSpec("Consumption of the last twelve months beside the year before, and the forecast of this one")
        .group("meters")
        .answer(200, object({{"periods", arrayOf(month)}, {"forecast", forecast}}))
        .errors({404});
}

// ---- manual readings ---------------------------------------------------------------------------------------------

RouteSpec manualReadings() {
    return RouteSpec("The readings the consumer sent for a point")
        .group("manual-readings")
        .answer(200, object({{"rows", arrayOf(manualReading())}}))
        .errors({404});
}

RouteSpec submitReading() {
    return RouteSpec("Sends a reading of each tariff zone (a decimal comma is accepted)")
        .group("manual-readings")
        .body(open(object({{"t1", any()}, {"t2?", any()}, {"t3?", any()}, {"t4?", any()}, {"date?", date()}})))
        .answer(201, object({{"id", id()},
                             {"state", oneOf({"pending", "accepted"})},
                             {"ts", unixTime()},
                             {"message", string()},
                             {"supplier?", supplierReadingState()}}))
        .errors({403, 404, 422, 503});
}

RouteSpec createVirtualMeter() {
    return RouteSpec("Creates the consumer's own meter for manual readings")
        .group("manual-readings")
        .body(object({{"address", string()}, {"account_number", string()}, {"serial", string()}, {"model?", string()}}))
        .answer(201, object({{"point_id", id()}, {"meter_id", id()}}))
        .errors({403, 409, 422, 429});
}

RouteSpec pendingReadings() {
    const Shape row = named("PendingReading", object({{"id", id()},
                                                      {"ts", unixTime()},
                                                      {"t1", optNumber()},
                                                      {"t2", optNumber()},
                                                      {"t3", optNumber()},
                                                      {"t4", optNumber()},
                                                      {"total", optNumber()},
                                                      {"state", oneOf({"pending", "accepted", "rejected"})},
                                                      {"reason", optText()},
                                                      {"submitted_at", unixTime()},
                                                      {"point_id", id()},
                                                      {"point_name", optText()},
                                                      {"address", optText()},
                                                      {"model", optText()},
                                                      {"serial", optText()},
                                                      {"consumer", optText()}}));
    return RouteSpec("Manual readings of the tenant in one state, oldest first")
        .group("manual-readings")
        .query("state", oneOf({"pending", "accepted", "rejected"}), "pending by default")
        .answer(200, object({{"rows", arrayOf(row)}}))
        .errors({422});
}

RouteSpec approveReading() {
    return RouteSpec("Accepts a manual reading: it joins the meter's readings")
        .group("manual-readings")
        .answer(200, object({{"ok", boolean()}, {"state", oneOf({"accepted"})}}))
        .errors({404, 409});
}

RouteSpec rejectReading() {
    return RouteSpec("Rejects a manual reading with a reason")
        .group("manual-readings")
        .body(object({{"reason", string()}}))
        .answer(200, object({{"ok", boolean()}, {"state", oneOf({"rejected"})}}))
        .errors({404, 409, 422});
}

// ---- polling and ingest ------------------------------------------------------------------------------------------

RouteSpec pollingStatus() {
    const Shape gateway = named("PollingGateway", object({{"gateway_id", id()},
                                                          {"address", string()},
                                                          {"title", string()},
                                                          {"lease_owner", optText()},
                                                          {"lease_until", nullable(integer())}}));
    const Shape job = named("PollingJob", object({{"schedule", string()},
                                                  {"next_run", unixTime()},
                                                  {"attempts", integer()},
                                                  {"last_run", nullable(integer())},
                                                  {"last_ok", nullable(integer())},
                                                  {"last_error_kind", optText()},
                                                  {"last_error", optText()}}));
    const Shape meter = named("PolledMeter", object({{"meter_id", id()},
                                                     {"serial", string()},
                                                     {"model", string()},
                                                     {"driver", string()},
                                                     {"gateway_id", string()},
                                                     {"enabled", boolean()},
                                                     {"firmware", optText()},
                                                     {"clock_drift_s", nullable(integer())},
                                                     {"jobs", arrayOf(job)}}));
    const Shape note = named("PollingNotification", object({{"notification_id", id()},
                                                            {"kind", string()},
                                                            {"meter_id", optText()},
                                                            {"title", string()},
                                                            {"body", string()},
                                                            {"created_at", unixTime()},
                                                            {"state", string()}}));
    return RouteSpec("Meter polling of the tenant: gateways, polled meters with their jobs, the latest notifications")
        .group("polling")
        .answer(200, object({{"gateways", arrayOf(gateway)}, {"meters", arrayOf(meter)}, {"notifications", arrayOf(note)}}));
}

RouteSpec ingestMeterData() {
    const Shape rows = arrayOf(open(object({{"meter_id", string()}})));
    return RouteSpec("Stores a batch of meter data from a driver, connector or other trusted producer (bearer ingest token)")
        .about("All of the batch or nothing; the same rows again are stored once; at most 100,000 rows.")
        .group("ingest")
        .bearer()
        .body(object({{"readings?", rows}, {"profile?", rows}, {"params?", rows}, {"events?", rows}}))
        .answer(200, object({{"readings", integer()},
                             {"profile", integer()},
                             {"params", integer()},
                             {"events", integer()},
                             {"tamper_events", integer()}}),
                "Rows stored")
        .errors({401, 415, 422});
}

// ---- archives and reports ----------------------------------------------------------------------------------------

RouteSpec archives() {
    return RouteSpec("The user's archive requests")
        .group("archive")
        .answer(200, object({{"requests", arrayOf(archiveRequest())}, {"max_depth_years", integer()}}))
        .errors({403});
}

RouteSpec requestArchive() {
    return RouteSpec("Requests an archive of meter data for a period")
        .group("archive")
        .body(object({{"from", date()}, {"to", date()}}))
        .answer(201, extend(archiveRequest(), {{"message", string()}}))
        .errors({403, 422, 429});
}

RouteSpec changeArchive() {
    return RouteSpec("Changes the period of an archive request until the tenant's cut-off")
        .group("archive")
        .body(object({{"from", date()}, {"to", date()}}))
        .answer(200, archiveRequest())
        .errors({404, 409, 422});
}

RouteSpec archiveFile() {
    return RouteSpec("An archive's file (Content-Disposition: attachment)")
        .group("archive")
        .query("format", oneOf({"xlsx", "csv"}))
        .file(200, {kXlsx, kCsv})
        .errors({404, 422});
}

RouteSpec pointReport() {
    return period(RouteSpec("A report of a point for a period as a file"))
        .group("archive")
        .query("group", oneOf({"day", "week", "month"}))
        .query("format", oneOf({"csv", "xlsx"}), "csv by default")
        .file(200, {kXlsx, kCsv})
        .errors({404, 422});
}

// ---- operators ---------------------------------------------------------------------------------------------------

RouteSpec consumers() {
    const Shape grant = named("ConsumerGrant", object({{"scope", oneOf({"account", "contract", "point"})},
                                                       {"ref", string()},
                                                       {"way", optText()},
                                                       {"number", described(optText(), "the number the grant calls take")},
                                                       {"point_name", optText()}}));
    const Shape consumer = named("Consumer", object({{"id", id()},
                                                     {"kind", string()},
                                                     {"login", string()},
                                                     {"login_field", string()},
                                                     {"email", optText()},
                                                     {"phone", optText()},
                                                     {"fields", formValues()},
                                                     {"grants", arrayOf(grant)}}));
    return RouteSpec("Consumers of the tenant found by login or e-mail, with their grants")
        .group("operators")
        .query("q", string(), "part of the login or e-mail")
        .answer(200, object({{"consumers", arrayOf(consumer)}}))
        .errors({422});
}

RouteSpec grant() {
    return RouteSpec("Grants a consumer an account, contract or point")
        .group("operators")
        .body(grantBody())
        .answer(201, ok())
        .errors({404, 422});
}

RouteSpec revokeGrant() {
    return RouteSpec("Takes a grant back").group("operators").body(grantBody()).answer(204, nullptr).errors({404, 422});
}

} // namespace kabinet::spec
