#pragma once
/// Description of the staff's case reports route (CaseReportRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec caseReports(); ///< GET operator/reports/cases

} // namespace kabinet::spec
