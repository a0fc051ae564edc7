//
// Settings.cpp
//


#include "Settings.h"

#include "kabinet/sdk.hpp"

#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"

#include <set>


namespace kabinet::energosfera {


namespace {


bool isDigits(const std::string& s)
{
	for (char c : s)
		if (c < '0' || c > '9') return false;
	return true;
}


} // namespace


Settings Settings::parse(const std::string& json)
{
	Poco::JSON::Object::Ptr o;
	try
	{
		o = Poco::JSON::Parser().parse(json.empty() ? "{}" : json).extract<Poco::JSON::Object::Ptr>();
	}
	catch (const Poco::Exception&)
	{
		throw sdk::ConfigError("настройки — не объект JSON");
	}
	static const std::set<std::string> known = {"drop_dir", "utc_offset_min", "energy_unit_kwh", "min_age_s", "sender_inn", "sender_name",
		"area_inn", "area_name", "area_timezone"};
	for (const auto& [key, value] : *o)
		if (!known.count(key)) throw sdk::ConfigError(key + ": неизвестная настройка");
	Settings s;
	try
	{
		s.dropDir = o->optValue<std::string>("drop_dir", "");
		s.utcOffsetMin = o->optValue<int>("utc_offset_min", 180);
		s.energyUnitKwh = o->optValue<double>("energy_unit_kwh", 1.0);
		s.minAgeSeconds = o->optValue<int>("min_age_s", 10);
		s.senderInn = o->optValue<std::string>("sender_inn", "");
		s.senderName = o->optValue<std::string>("sender_name", "");
		s.areaInn = o->optValue<std::string>("area_inn", "");
		s.areaName = o->optValue<std::string>("area_name", "");
		s.areaTimezone = o->optValue<std::string>("area_timezone", "1");
	}
	catch (const Poco::Exception&)
	{
		throw sdk::ConfigError("настройка неверного типа");
	}
	if (s.utcOffsetMin < -720 || s.utcOffsetMin > 840) throw sdk::ConfigError("utc_offset_min: от -720 до 840 минут");
	if (!(s.energyUnitKwh > 0)) throw sdk::ConfigError("energy_unit_kwh: положительное число");
	if (s.minAgeSeconds < 0) throw sdk::ConfigError("min_age_s: не меньше нуля");
	for (const auto* inn : {&s.senderInn, &s.areaInn})
		if (!inn->empty() && (!isDigits(*inn) || (inn->size() != 10 && inn->size() != 12)))
			throw sdk::ConfigError(std::string(inn == &s.senderInn ? "sender_inn" : "area_inn") + ": 10 или 12 цифр");
	return s;
}


} // namespace kabinet::energosfera
