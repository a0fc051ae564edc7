//
// Plugin.cpp
//
// The exported entry of the mercury driver. Name, version and config schema come from manifest.json
// (through the generated MercuryManifest.h), so the descriptor and the manifest agree.
//


#include "MercuryDriver.h"
#include "MercuryManifest.h"

#include "kabinet/driver.hpp"


KABINET_DRIVER_PLUGIN(kabinet::mercury::MercuryDriver, kabinet::mercury::kPluginName, kabinet::mercury::kPluginVersion,
	kabinet::mercury::kConfigSchemaJson);
