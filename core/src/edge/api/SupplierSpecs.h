#pragma once
/// Descriptions of the routes of a consumer's supplier: balances with charges and payments, the forwarding of a
/// case (SupplierRoutes.cpp); the shape of a manual reading's forwarding, used by the manual-readings routes.
#include "http/RouteSpec.h"
#include "http/Shape.h"

namespace kabinet::spec {

RouteSpec supplierBalances(); ///< GET supplier/balances
RouteSpec caseSupplier();     ///< GET cases/{id}/supplier

/// {state: sent|pending|refused, message}: how a manual reading went to the supplier.
Shape supplierReadingState();

} // namespace kabinet::spec
