#pragma once
/// Descriptions of the routes of connector files (ConnectorFileRoutes.cpp): XML 80020 uploads, their results,
/// the export.
#include "http/RouteSpec.h"

namespace kabinet::spec {

/// Largest body of an upload of connector files (several files at once).
constexpr long long kMaxConnectorUpload = 32LL << 20;

RouteSpec connectorFilesUpload(); ///< POST operator/connectors/{id}/files
RouteSpec connectorFiles();       ///< GET operator/connectors/{id}/files
RouteSpec connectorExport80020(); ///< GET operator/connectors/{id}/export-80020

} // namespace kabinet::spec
