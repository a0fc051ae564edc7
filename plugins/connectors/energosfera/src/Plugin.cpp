//
// Plugin.cpp
//
// The exported entry of the energosfera connector. Name, version and config schema come from manifest.json
// (through the generated EnergosferaManifest.h), so the descriptor and the manifest agree.
//


#include "EnergosferaConnector.h"
#include "EnergosferaManifest.h"

#include "kabinet/connector.hpp"


KABINET_CONNECTOR_PLUGIN(kabinet::energosfera::EnergosferaConnector, kabinet::energosfera::kPluginName,
	kabinet::energosfera::kPluginVersion, kabinet::energosfera::kConfigSchemaJson);
