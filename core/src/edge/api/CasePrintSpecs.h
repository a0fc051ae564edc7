#pragma once
/// Descriptions of the printable application's routes (CasePrintRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec printForm(); ///< POST case-kinds/{kind}/print
RouteSpec printCase(); ///< GET cases/{id}/print

} // namespace kabinet::spec
