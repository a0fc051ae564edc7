#include "api/MeterShapes.h"
#include "api/SupplierSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::shapes {

using namespace shape;

namespace {
Shape optText() { return nullable(string()); }
Shape optNumber() { return nullable(number()); }
} // namespace

Shape contract() {
    static const Shape s = named("Contract", object({{"id", id()},
                                                     {"number", string()},
                                                     {"title", optText()},
                                                     {"consumer_name", optText()},
                                                     {"kind", optText()},
                                                     {"valid_from", optText()},
                                                     {"valid_to", optText()},
                                                     {"legal_address", optText()},
                                                     {"actual_address", optText()},
                                                     {"supplier", optText()},
                                                     {"supplier_name", optText()}}));
    return s;
}

Shape meterSummary() {
    static const Shape s = named("MeterSummary", object({{"id", id()},
                                                         {"model", string()},
                                                         {"serial", string()},
                                                         {"smart", boolean()},
                                                         {"phases", integer()},
                                                         {"tariff_zones", integer()}}));
    return s;
}

Shape manualAllowed() {
    static const Shape s = named("ManualReadingsAllowed", object({{"allowed", boolean()}, {"reason", described(optText(), "why not")}}));
    return s;
}

Shape registers() {
    static const Shape s = named("Registers", object({{"ts", unixTime()},
                                                      {"total", optNumber()},
                                                      {"t1", optNumber()},
                                                      {"t2", optNumber()},
                                                      {"t3", optNumber()},
                                                      {"t4", optNumber()}}));
    return s;
}

Shape manualReading() {
    static const Shape s = named("ManualReading", object({{"id", id()},
                                                          {"ts", unixTime()},
                                                          {"t1", optNumber()},
                                                          {"t2", optNumber()},
                                                          {"t3", optNumber()},
                                                          {"t4", optNumber()},
                                                          {"total", optNumber()},
                                                          {"state", oneOf({"pending", "accepted", "rejected"})},
                                                          {"reason", optText()},
                                                          {"submitted_at", unixTime()},
                                                          {"decided_at", nullable(integer())},
                                                          {"supplier?", spec::supplierReadingState()}}));
    return s;
}

Shape archiveRequest() {
    static const Shape s = named("ArchiveRequest", object({{"id", id()},
                                                           {"from", date()},
                                                           {"to", date()},
                                                           {"state", oneOf({"requested", "running", "done", "failed"})},
                                                           {"created_at", unixTime()},
                                                           {"ready_after", unixTime()},
                                                           {"changeable_until", unixTime()},
                                                           {"changeable", boolean()},
                                                           {"files?", object({{"xlsx", string()}, {"csv", string()}})},
                                                           {"error?", string()}}));
    return s;
}

Shape grantBody() {
    static const Shape s = named("Grant", object({{"user_id", id()},
                                                  {"scope", oneOf({"account", "contract", "point"})},
                                                  {"ref", described(string(), "the number of the account, contract or point (a point id works too)")}}));
    return s;
}

Shape periodQuery() { return date(); }

} // namespace kabinet::shapes
