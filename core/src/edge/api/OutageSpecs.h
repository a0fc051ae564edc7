#pragma once
/// Descriptions of the routes of outages (OutageRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec outages();       ///< GET outages
RouteSpec outageStats();   ///< GET outages/stats
RouteSpec publicOutages(); ///< GET public/outages
RouteSpec createOutage();  ///< POST operator/outages
RouteSpec changeOutage();  ///< PATCH operator/outages/{id}
RouteSpec cancelOutage();  ///< POST operator/outages/{id}/cancel

} // namespace kabinet::spec
