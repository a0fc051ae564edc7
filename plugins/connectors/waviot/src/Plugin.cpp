//
// Plugin.cpp
//
// The exported entry of the waviot connector. Name, version and config schema come from manifest.json
// (through the generated WaviotManifest.h), so the descriptor and the manifest agree.
//


#include "WaviotConnector.h"
#include "WaviotManifest.h"

#include "kabinet/connector.hpp"


KABINET_CONNECTOR_PLUGIN(kabinet::waviot::WaviotConnector, kabinet::waviot::kPluginName, kabinet::waviot::kPluginVersion,
	kabinet::waviot::kConfigSchemaJson);
