//
// Settings.h
//
// The driver instance config and the per-meter settings of the iec62056-21 driver (parsed from JSON).
//


#ifndef KABINET_IEC_SETTINGS_H
#define KABINET_IEC_SETTINGS_H


#include "IecCodec.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>


namespace kabinet::iec {


struct DriverConfig
	/// The driver instance config (manifest config_schema).
{
	std::uint32_t timeoutMs = 1500;      /// wait for an answer to start, and longest silence inside one
	unsigned frameRetries = 1;           /// repetitions of a request whose answer was corrupt or missing
	Checksum checksum = Checksum::Energomera; /// default for meters whose settings name none
	char optionBaud = 0;                 /// baud character sent in the option select; 0 = echo the meter's
	std::uint32_t baudSwitchDelayMs = 0; /// pause after the option select (0 over TCP gateways)
	bool softwareParity = false;         /// the gateway is 8N1: add/strip the 7E1 parity bit in software

	static DriverConfig parse(std::string_view json);
		/// Throws sdk::ConfigError naming the key.
};


struct MeterSettings
	/// One meter's settings given to open() (manifest meter_schema).
{
	std::string address;            /// "" = the only meter on the line
	std::string password = "777777";
	Checksum checksum = Checksum::Energomera;
	int utcOffsetMin = 180;

	static MeterSettings parse(std::string_view json, const DriverConfig& config);
		/// Throws sdk::ConfigError naming the key (never the password).
};


} // namespace kabinet::iec


#endif // KABINET_IEC_SETTINGS_H
