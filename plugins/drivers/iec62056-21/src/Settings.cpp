//
// Settings.cpp
//


#include "Settings.h"

#include "kabinet/sdk.hpp"

#include "Poco/Dynamic/Var.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"

#include <algorithm>
#include <set>


namespace kabinet::iec {


namespace {


[[noreturn]] void fail(std::string_view key, const std::string& rule)
{
	throw sdk::ConfigError(std::string(key) + ": " + rule);
}


Poco::JSON::Object::Ptr parseObject(std::string_view json, const char* what)
{
	Poco::Dynamic::Var root;
	try
	{
		Poco::JSON::Parser parser;
		root = parser.parse(std::string(json));
	}
	catch (const Poco::Exception&)
	{
		throw sdk::ConfigError(std::string(what) + ": not valid JSON");
	}
	if (root.type() != typeid(Poco::JSON::Object::Ptr)) throw sdk::ConfigError(std::string(what) + ": must be a JSON object");
	return root.extract<Poco::JSON::Object::Ptr>();
}


void rejectUnknown(const Poco::JSON::Object& object, const std::set<std::string>& known)
{
	for (const auto& [key, value] : object)
		if (!known.count(key)) fail(key, "unknown key");
}


std::int64_t integer(const Poco::JSON::Object& object, const char* key, std::int64_t fallback, std::int64_t low, std::int64_t high)
{
	if (!object.has(key)) return fallback;
	const Poco::Dynamic::Var v = object.get(key);
	if (!v.isInteger()) fail(key, "must be an integer");
	std::int64_t n = 0;
	try
	{
		n = v.convert<std::int64_t>();
	}
	catch (const Poco::Exception&)
	{
		fail(key, "must be an integer");
	}
	if (n < low || n > high) fail(key, "must be between " + std::to_string(low) + " and " + std::to_string(high));
	return n;
}


std::optional<std::string> text(const Poco::JSON::Object& object, const char* key)
{
	if (!object.has(key)) return std::nullopt;
	const Poco::Dynamic::Var v = object.get(key);
	if (!v.isString()) fail(key, "must be a string");
	return v.extract<std::string>();
}


Checksum checksumOf(const std::string& s, const char* key)
{
	if (s == "energomera") return Checksum::Energomera;
	if (s == "iec") return Checksum::Iec;
	fail(key, "must be \"energomera\" or \"iec\"");
}


} // namespace


DriverConfig DriverConfig::parse(std::string_view json)
{
	const auto object = parseObject(json, "config");
	rejectUnknown(*object, {"timeout_ms", "frame_retries", "checksum", "option_baud", "baud_switch_delay_ms", "software_parity"});
	DriverConfig c;
	c.timeoutMs = static_cast<std::uint32_t>(integer(*object, "timeout_ms", 1500, 50, 60000));
	c.frameRetries = static_cast<unsigned>(integer(*object, "frame_retries", 1, 0, 5));
	if (auto s = text(*object, "checksum")) c.checksum = checksumOf(*s, "checksum");
	if (auto s = text(*object, "option_baud"))
	{
		if (*s == "auto")
			c.optionBaud = 0;
		else if (s->size() == 1 && (*s)[0] >= '0' && (*s)[0] <= '9')
			c.optionBaud = (*s)[0];
		else
			fail("option_baud", "must be \"auto\" or one digit 0..9");
	}
	c.baudSwitchDelayMs = static_cast<std::uint32_t>(integer(*object, "baud_switch_delay_ms", 0, 0, 5000));
	if (object->has("software_parity"))
	{
		const Poco::Dynamic::Var v = object->get("software_parity");
		if (!v.isBoolean()) fail("software_parity", "must be true or false");
		c.softwareParity = v.extract<bool>();
	}
	return c;
}


MeterSettings MeterSettings::parse(std::string_view json, const DriverConfig& config)
{
	const auto object = parseObject(json, "meter");
	rejectUnknown(*object, {"address", "password", "checksum", "utc_offset_min"});
	MeterSettings m;
	m.checksum = config.checksum;
	if (auto s = text(*object, "address"))
	{
		if (s->size() > 32) fail("address", "at most 32 characters");
		const bool ok = std::all_of(s->begin(), s->end(), [](char c) {
			return c >= 0x20 && c <= 0x7E && c != '/' && c != '!' && c != '?';
		});
		if (!ok) fail("address", "printable ASCII without '/', '!' and '?'");
		m.address = *s;
	}
	if (auto s = text(*object, "password"))
	{
		if (s->empty() || s->size() > 16) fail("password", "1 to 16 characters");
		const bool ok = std::all_of(s->begin(), s->end(), [](char c) { return c >= 0x20 && c <= 0x7E && c != '(' && c != ')'; });
		if (!ok) fail("password", "printable ASCII without brackets");
		m.password = *s;
	}
	if (auto s = text(*object, "checksum")) m.checksum = checksumOf(*s, "checksum");
	m.utcOffsetMin = static_cast<int>(integer(*object, "utc_offset_min", 180, -720, 840));
	return m;
}


} // namespace kabinet::iec
