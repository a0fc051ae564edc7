//
// Settings.h
//
// The driver instance's config and a meter's settings, parsed from JSON. Error texts name the key and the
// rule, never the value given (a password must not reach a log).
//


#ifndef KABINET_MERCURY_SETTINGS_H
#define KABINET_MERCURY_SETTINGS_H


#include <array>
#include <cstdint>
#include <string_view>


namespace kabinet::mercury {


struct DriverConfig
	/// The driver instance's config (manifest "config_schema").
{
	std::uint32_t timeoutMs = 300;   /// time the meter has to start its answer
	unsigned frameRetries = 2;       /// repetitions of a request after a missing or corrupted answer
	std::uint32_t interFrameMs = 5;  /// pause between an answer and the next request
	std::uint32_t frameGapMs = 30;   /// silence that ends an answer of unknown length
	bool stampIsEnd = false;         /// profile record times are interval ends (else starts)
};


struct MeterSettings
	/// One meter's settings (manifest "meter_schema"). Holds the password: never log it.
{
	std::uint8_t address = 1;
	std::uint8_t level = 1;
	std::array<std::uint8_t, 6> password{};
	int utcOffsetMin = 180;
};


DriverConfig parseDriverConfig(std::string_view json);
	/// Throws sdk::ConfigError.


MeterSettings parseMeterSettings(std::string_view json);
	/// Throws sdk::ConfigError.


std::array<std::uint8_t, 6> encodePassword(std::string_view password, bool ascii);
	/// The six password bytes on the wire: the characters themselves (ascii), or the value of each
	/// (hexadecimal) digit. Throws sdk::ConfigError for a password that is not six valid characters.


} // namespace kabinet::mercury


#endif // KABINET_MERCURY_SETTINGS_H
