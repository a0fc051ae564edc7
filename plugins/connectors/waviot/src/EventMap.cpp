//
// EventMap.cpp
//


#include "EventMap.h"

#include "kabinet/sdk.hpp"

#include <cctype>


namespace kabinet::waviot {


namespace {


std::string field(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& def)
{
	if (!o->has(key) || o->get(key).isEmpty()) return def;
	if (!o->get(key).isString()) throw sdk::ConfigError("ожидается строка");
	return o->getValue<std::string>(key);
}


void checkSeverity(const std::string& s)
{
	if (s != "info" && s != "warning" && s != "alarm") throw sdk::ConfigError("severity: ожидается info, warning или alarm");
}


} // namespace


EventMap EventMap::parse(const Poco::JSON::Object::Ptr& eventMap, const Poco::JSON::Object::Ptr& unmapped)
{
	EventMap m;
	m._unmapped.category = "other";
	m._unmapped.severity = "info";
	if (unmapped)
	{
		try
		{
			m._unmapped.category = field(unmapped, "category", "other");
			m._unmapped.severity = field(unmapped, "severity", "info");
			checkSeverity(m._unmapped.severity);
		}
		catch (const sdk::ConfigError& e)
		{
			throw sdk::ConfigError(std::string("unmapped_event: ") + e.what());
		}
	}
	if (!eventMap) return m;
	for (const auto& [code, value]: *eventMap)
	{
		try
		{
			if (value.type() != typeid(Poco::JSON::Object::Ptr)) throw sdk::ConfigError("ожидается объект");
			const auto o = value.extract<Poco::JSON::Object::Ptr>();
			EventClass c;
			c.code = field(o, "code", "");
			if (c.code.empty()) throw sdk::ConfigError("нужен \"code\"");
			c.category = field(o, "category", "other");
			c.severity = field(o, "severity", "info");
			checkSeverity(c.severity);
			c.text = field(o, "text", "");
			if (o->has("tamper") && !o->get("tamper").isEmpty())
			{
				if (o->get("tamper").type() != typeid(bool)) throw sdk::ConfigError("tamper: ожидается true или false");
				c.tamper = o->getValue<bool>("tamper");
			}
			c.mapped = true;
			m._map[code] = c;
		}
		catch (const sdk::ConfigError& e)
		{
			throw sdk::ConfigError("event_map." + code + ": " + e.what());
		}
	}
	return m;
}


EventClass EventMap::classify(const std::string& upstreamCode) const
{
	const auto it = _map.find(upstreamCode);
	if (it != _map.end()) return it->second;
	EventClass c = _unmapped;
	std::string clean;
	for (const char ch: upstreamCode)
		if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-') clean += ch;
	if (clean.size() > 32) clean.resize(32);
	if (clean.empty()) clean = "unknown";
	c.code = "waviot_" + clean;
	c.text = "Событие WAVIoT с кодом " + clean + " (код не сопоставлен)";
	c.tamper = false;
	c.mapped = false;
	return c;
}


} // namespace kabinet::waviot
