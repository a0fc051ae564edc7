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
#include <cstdint>
#include <initializer_list>
#include <string>


namespace kabinet::mercury {


namespace {


Poco::JSON::Object::Ptr parseObject(std::string_view json, const char* what)
{
	try
	{
		Poco::JSON::Parser parser;
		const Poco::Dynamic::Var v = parser.parse(std::string(json));
		if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw sdk::ConfigError(std::string(what) + ": not a JSON object");
		return v.extract<Poco::JSON::Object::Ptr>();
	}
	catch (const sdk::Error&)
	{
		throw;
	}
	catch (const Poco::Exception&)
	{
		throw sdk::ConfigError(std::string(what) + ": not valid JSON");
	}
}


void rejectUnknown(const Poco::JSON::Object& obj, std::initializer_list<std::string_view> known, const char* what)
{
	for (const auto& [key, value]: obj)
	{
		(void) value;
		if (std::find(known.begin(), known.end(), key) == known.end())
			throw sdk::ConfigError(std::string(what) + ": unknown key '" + key + "'");
	}
}


std::int64_t integer(const Poco::JSON::Object& obj, const std::string& key, std::int64_t fallback, std::int64_t min,
	std::int64_t max, const char* what)
{
	if (!obj.has(key)) return fallback;
	const Poco::Dynamic::Var v = obj.get(key);
	if (!v.isInteger()) throw sdk::ConfigError(std::string(what) + ": '" + key + "' must be an integer");
	std::int64_t n = 0;
	try
	{
		n = v.convert<std::int64_t>();
	}
	catch (const Poco::Exception&)
	{
		throw sdk::ConfigError(std::string(what) + ": '" + key + "' must be an integer");
	}
	if (n < min || n > max)
		throw sdk::ConfigError(std::string(what) + ": '" + key + "' must be between " + std::to_string(min) + " and " +
			std::to_string(max));
	return n;
}


std::string text(const Poco::JSON::Object& obj, const std::string& key, const std::string& fallback, const char* what)
{
	if (!obj.has(key)) return fallback;
	const Poco::Dynamic::Var v = obj.get(key);
	if (!v.isString()) throw sdk::ConfigError(std::string(what) + ": '" + key + "' must be a string");
	return v.convert<std::string>();
}


} // namespace


DriverConfig parseDriverConfig(std::string_view json)
{
	constexpr const char* what = "config";
	const auto obj = parseObject(json, what);
	rejectUnknown(*obj, {"timeout_ms", "frame_retries", "inter_frame_ms", "frame_gap_ms", "profile_stamp"}, what);
	DriverConfig c;
	c.timeoutMs = static_cast<std::uint32_t>(integer(*obj, "timeout_ms", 300, 20, 60000, what));
	c.frameRetries = static_cast<unsigned>(integer(*obj, "frame_retries", 2, 0, 10, what));
	c.interFrameMs = static_cast<std::uint32_t>(integer(*obj, "inter_frame_ms", 5, 0, 1000, what));
	c.frameGapMs = static_cast<std::uint32_t>(integer(*obj, "frame_gap_ms", 30, 1, 2000, what));
	const std::string stamp = text(*obj, "profile_stamp", "start", what);
	if (stamp != "start" && stamp != "end") throw sdk::ConfigError("config: 'profile_stamp' must be \"start\" or \"end\"");
	c.stampIsEnd = stamp == "end";
	return c;
}


MeterSettings parseMeterSettings(std::string_view json)
{
	constexpr const char* what = "meter";
	const auto obj = parseObject(json, what);
	rejectUnknown(*obj, {"address", "password", "password_encoding", "level", "utc_offset_min"}, what);
	if (!obj->has("address")) throw sdk::ConfigError("meter: 'address' is required");
	MeterSettings s;
	s.address = static_cast<std::uint8_t>(integer(*obj, "address", 1, 0, 240, what));
	s.level = static_cast<std::uint8_t>(integer(*obj, "level", 1, 1, 2, what));
	s.utcOffsetMin = static_cast<int>(integer(*obj, "utc_offset_min", 180, -720, 840, what));
	const std::string encoding = text(*obj, "password_encoding", "digits", what);
	if (encoding != "digits" && encoding != "ascii")
		throw sdk::ConfigError("meter: 'password_encoding' must be \"digits\" or \"ascii\"");
	const std::string password = text(*obj, "password", s.level == 2 ? "222222" : "111111", what);
	s.password = encodePassword(password, encoding == "ascii");
	return s;
}


std::array<std::uint8_t, 6> encodePassword(std::string_view password, bool ascii)
{
	if (password.size() != 6) throw sdk::ConfigError("meter: 'password' must have 6 characters");
	std::array<std::uint8_t, 6> out{};
	for (std::size_t i = 0; i < 6; ++i)
	{
		const unsigned char c = static_cast<unsigned char>(password[i]);
		if (ascii)
		{
			if (c < 0x20 || c > 0x7E) throw sdk::ConfigError("meter: 'password' must be printable ASCII");
			out[i] = c;
		}
		else if (c >= '0' && c <= '9')
			out[i] = static_cast<std::uint8_t>(c - '0');
		else if (c >= 'A' && c <= 'F')
			out[i] = static_cast<std::uint8_t>(c - 'A' + 10);
		else if (c >= 'a' && c <= 'f')
			out[i] = static_cast<std::uint8_t>(c - 'a' + 10);
		else
			throw sdk::ConfigError("meter: 'password' must be six (hexadecimal) digits with password_encoding \"digits\"");
	}
	return out;
}


} // namespace kabinet::mercury
