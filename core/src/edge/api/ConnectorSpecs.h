#pragma once
/// Descriptions of the operators' connector routes (ConnectorRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec connectors();        ///< GET operator/connectors
RouteSpec connectorSync();     ///< POST operator/connectors/{id}/sync
RouteSpec connectorLog();      ///< GET operator/connectors/{id}/log
RouteSpec connectorDevices();  ///< GET operator/connectors/{id}/devices

} // namespace kabinet::spec
