#pragma once
/// Descriptions of the audit log routes (AuditRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec auditLog();     ///< GET operator/audit
RouteSpec auditJournal(); ///< GET admin/audit

} // namespace kabinet::spec
