//
// Plugin.cpp
//
// The exported entry of the dlms driver. Name, version and config schema come from manifest.json
// (through the generated DlmsManifest.h), so the descriptor and the manifest agree.
//

#include "DlmsDriver.h"
#include "DlmsManifest.h"

#include "kabinet/driver.hpp"

KABINET_DRIVER_PLUGIN(kabinet::dlms::DlmsDriver, kabinet::dlms::kPluginName, kabinet::dlms::kPluginVersion,
                      kabinet::dlms::kConfigSchemaJson);
