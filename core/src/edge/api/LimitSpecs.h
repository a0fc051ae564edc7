#pragma once
/// Description of the tenant limits route (LimitRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec operatorLimits(); ///< GET operator/limits

} // namespace kabinet::spec
