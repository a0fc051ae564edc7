//
// Plugin.cpp
//
// The exported entry of the sms-http channel. Name, version and config schema come from
// manifest.json (through the generated SmsHttpManifest.h), so the descriptor and the manifest agree.
//


#include "SmsHttpChannel.h"
#include "SmsHttpManifest.h"

#include "kabinet/sdk.hpp"


KABINET_CHANNEL_PLUGIN(kabinet::smshttp::SmsHttpChannel, kabinet::smshttp::kPluginName, kabinet::smshttp::kPluginVersion,
	kabinet::smshttp::kConfigSchemaJson);
