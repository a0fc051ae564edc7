#pragma once
/// Descriptions of the routes outside any tenant (SystemRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec healthz();     ///< GET /healthz
RouteSpec metrics();     ///< GET /metrics
RouteSpec openApi();     ///< GET /api/v1/openapi.json

} // namespace kabinet::spec
