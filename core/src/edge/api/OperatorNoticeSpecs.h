#pragma once
/// Descriptions of the operators' broadcast and alert routes (OperatorNoticeRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec sendBroadcast();      ///< POST operator/broadcasts
RouteSpec previewBroadcast();   ///< POST operator/broadcasts/preview
RouteSpec broadcasts();         ///< GET operator/broadcasts
RouteSpec alerts();             ///< GET operator/alerts
RouteSpec acknowledgeAlert();   ///< POST operator/alerts/{id}/acknowledge

} // namespace kabinet::spec
