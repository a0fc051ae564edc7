#pragma once
/// Description of the operators' audit log route (AuditRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec auditLog(); ///< GET operator/audit

} // namespace kabinet::spec
