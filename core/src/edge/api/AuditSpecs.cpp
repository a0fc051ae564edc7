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

RouteSpec auditJournal() {
    const Shape person = named("AuditPerson", object({{"login", string()},
                                                      {"login_field", string()},
                                                      {"email", nullable(string())},
                                                      {"role", oneOf({"consumer", "operator", "tenant-admin", "platform-admin"})},
                                                      {"fields", shapes::formValues()}}));
    const Shape entry = named("AuditJournalEntry",
                              object({{"at", shapes::unixTime()},
                                      {"kind", oneOf({"guess", "login", "grant", "staff", "operator"})},
                                      {"action", described(string(), "guess: account_number, ogrn_contract, virtual_meter_account; "
                                                                     "login: password, second_factor; grant: grant, revoke; "
                                                                     "staff: create, disable, enable, reset_second_factor; operator: reading_approve, reading_reject, "
                                                                     "broadcast_send, outage_publish, outage_change, outage_close, "
                                                                     "outage_cancel, case_assign")},
                                      {"outcome", described(string(), "guess: miss, locked, refused; login: success, failure, "
                                                                      "refused, disabled; grant and staff: done")},
                                      {"tried", described(string(), "a guessed number or a login that named nobody: only the last "
                                                                    "two characters; \"\" when none")},
                                      {"client_address", string()},
                                      {"actor", nullable(person)},
                                      {"target", nullable(person)},
                                      {"details", described(object({{"scope?", string()}, {"number?", string()}, {"role?", string()},
                                                                    {"second_factor?", string()},
                                                                    {"meter?", string()}, {"reason?", string()},
                                                                    {"title?", string()}, {"audience?", string()}, {"recipients?", integer()},
                                                                    {"outage_kind?", oneOf({"planned", "emergency"})}, {"address?", string()},
                                                                    {"addresses?", integer()}, {"starts_at?", shapes::unixTime()},
                                                                    {"case?", string()}}),
                                                            "a grant's scope and number, a new account's role, the factor reset, a decided "
                                                            "reading's meter and reason, a broadcast's title, audience and recipients, an "
                                                            "outage's kind, addresses (one line) and their count, and start, an assigned case's number")}}));
    return RouteSpec("The tenant's audit log: logins, grants of access, guesses, staff actions; newest first")
        .group("operators")
        .query("kind", oneOf({"guess", "login", "grant", "staff", "operator"}), "one kind only; every kind when absent")
        .query("page", integer(), "from 1")
        .query("per_page", integer(), "1–100, 50 by default")
        .answer(200, object({{"entries", arrayOf(entry)},
                             {"kind", nullable(string())},
                             {"page", integer()},
                             {"per_page", integer()},
                             {"total", integer()}}))
        .errors({401, 403, 422});
}

} // namespace kabinet::spec
