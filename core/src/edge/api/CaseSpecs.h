#pragma once
/// Descriptions of the routes of cases (CaseRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec caseKinds();      ///< GET case-kinds
RouteSpec fileCase();       ///< POST cases
RouteSpec cases();          ///< GET cases
RouteSpec caseView();       ///< GET cases/{id}
RouteSpec caseAction();     ///< POST cases/{id}/actions/{action}
RouteSpec caseDocument();   ///< POST cases/{id}/documents
RouteSpec caseFile();       ///< GET cases/{id}/documents/{doc}
RouteSpec caseMessage();    ///< POST cases/{id}/messages
RouteSpec operatorCases();  ///< GET operator/cases
RouteSpec assignCase();     ///< POST operator/cases/{id}/assign

} // namespace kabinet::spec
