//
// Plugin.cpp
//
// The exported entry of the iec62056-21 driver. Name, version and config schema come from manifest.json
// (through the generated IecManifest.h), so the descriptor and the manifest agree.
//


#include "IecDriver.h"
#include "IecManifest.h"

#include "kabinet/driver.hpp"


KABINET_DRIVER_PLUGIN(kabinet::iec::IecDriver, kabinet::iec::kPluginName, kabinet::iec::kPluginVersion,
	kabinet::iec::kConfigSchemaJson);
