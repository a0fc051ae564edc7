//
// Plugin.cpp
//
// The exported entry of the supplier-http connector. Name, version and config schema come from
// manifest.json (through the generated SupplierHttpManifest.h).
//


#include "SupplierConnector.h"
#include "SupplierHttpManifest.h"


KABINET_CONNECTOR_PLUGIN(kabinet::supplier::SupplierConnector, kabinet::supplier::kPluginName,
	kabinet::supplier::kPluginVersion, kabinet::supplier::kConfigSchemaJson);
