#include "api/SupplierSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;
using namespace shapes;

Shape supplierReadingState() {
    return object({{"state", oneOf({"sent", "pending", "refused"})}, {"message", string()}});
}

RouteSpec supplierBalances() {
    return RouteSpec("The balance, charges and payments of each contract linked through a supplier login (newest first)")
        .group("supplier")
        .answer(200, object({{"items", arrayOf(object({{"contract_id", id()},
                                                        {"number", string()},
                                                        {"title", string()},
                                                        {"supplier_name", string()},
                                                        {"balance", nullable(number())},
                                                        {"as_of", nullable(unixTime())},
                                                        {"synced_at", nullable(unixTime())},
                                                        {"charges", arrayOf(object({{"id", string()},
                                                                                    {"date", date()},
                                                                                    {"period", string()},
                                                                                    {"amount", number()},
                                                                                    {"text", string()}}))},
                                                        {"payments", arrayOf(object({{"id", string()},
                                                                                     {"date", date()},
                                                                                     {"amount", number()},
                                                                                     {"agent", string()}}))}}))}}));
}

RouteSpec caseSupplier() {
    return RouteSpec("How a case went to the supplier: pending (sent again later), forwarded (with the supplier's number and "
                     "status) or failed (the supplier's reason)")
        .group("supplier")
        .answer(200, object({{"state", oneOf({"pending", "forwarded", "failed"})},
                             {"remote_state", string()},
                             {"external_id", string()},
                             {"error", string()}}))
        .errors({404});
}

} // namespace kabinet::spec
