//
// Settings.cpp
//


#include "Settings.h"

#include "kabinet/sdk.hpp"

#include "Poco/JSON/Parser.h"

#include <set>


namespace kabinet::waviot {


namespace {


std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& def)
{
	if (!o->has(key) || o->get(key).isEmpty()) return def;
	if (!o->get(key).isString()) throw sdk::ConfigError(key + ": a text is expected");
	return o->getValue<std::string>(key);
}


long long whole(const Poco::JSON::Object::Ptr& o, const std::string& key, long long def, long long lo, long long hi)
{
	if (!o->has(key) || o->get(key).isEmpty()) return def;
	const auto& v = o->get(key);
	if (!v.isInteger()) throw sdk::ConfigError(key + ": an integer is expected");
	const long long n = v.convert<long long>();
	if (n < lo || n > hi) throw sdk::ConfigError(key + ": must be between " + std::to_string(lo) + " and " + std::to_string(hi));
	return n;
}


bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key, bool def)
{
	if (!o->has(key) || o->get(key).isEmpty()) return def;
	if (o->get(key).type() != typeid(bool)) throw sdk::ConfigError(key + ": true or false is expected");
	return o->getValue<bool>(key);
}


std::string baseUrl(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& def)
{
	std::string url = text(o, key, def);
	const bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
	if (!http || url.find_first_of("?#@ \r\n") != std::string::npos)
		throw sdk::ConfigError(key + ": an http:// or https:// address without query, fragment or credentials is expected");
	if (url.back() != '/') url += '/';
	return url;
}


std::string method(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& def)
{
	const std::string m = text(o, key, def);
	if (m.empty() || m.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-") != std::string::npos)
		throw sdk::ConfigError(key + ": a method path such as api.data/get_modem_channel_values is expected");
	return m;
}


} // namespace


Settings Settings::parse(std::string_view json)
{
	Poco::JSON::Object::Ptr o;
	try
	{
		Poco::JSON::Parser parser;
		const auto v = parser.parse(std::string(json.empty() ? "{}" : json));
		if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw sdk::ConfigError("the settings must be a JSON object");
		o = v.extract<Poco::JSON::Object::Ptr>();
	}
	catch (const Poco::Exception&)
	{
		throw sdk::ConfigError("the settings are not valid JSON");
	}
	static const std::set<std::string> known = {"api_url", "auth_url", "login", "password", "api_key", "tree_id",
		"channels", "events_channel", "values_method", "events_method", "refresh_field", "element_info",
		"last_message", "event_map", "unmapped_event", "timeout_ms", "retries", "chunk_days"};
	for (const auto& [key, value]: *o)
		if (!known.count(key)) throw sdk::ConfigError(key + ": unknown setting");

	Settings s;
	s.apiUrl = baseUrl(o, "api_url", s.apiUrl);
	s.authUrl = baseUrl(o, "auth_url", s.authUrl);
	s.login = text(o, "login", "");
	s.password = text(o, "password", "");
	s.apiKey = text(o, "api_key", "");
	if (s.apiKey.empty() && (s.login.empty() || s.password.empty()))
		throw sdk::ConfigError("login: the account's login and password (or api_key) are required");
	s.treeId = text(o, "tree_id", "");
	if (s.treeId.empty()) throw sdk::ConfigError("tree_id: the tree element whose modems are read is required");
	s.eventsChannel = text(o, "events_channel", s.eventsChannel);
	s.valuesMethod = method(o, "values_method", s.valuesMethod);
	s.eventsMethod = method(o, "events_method", s.eventsMethod);
	s.refreshField = text(o, "refresh_field", s.refreshField);
	s.elementInfo = flag(o, "element_info", true);
	s.lastMessage = flag(o, "last_message", true);
	s.timeoutMs = static_cast<unsigned>(whole(o, "timeout_ms", 15000, 100, 120000));
	s.retries = static_cast<unsigned>(whole(o, "retries", 2, 0, 10));
	s.chunkDays = static_cast<int>(whole(o, "chunk_days", 7, 1, 62));

	if (o->has("channels") && !o->get("channels").isEmpty())
	{
		const auto channels = o->getObject("channels");
		if (!channels) throw sdk::ConfigError("channels: an object {\"<channel>\": \"total|t1|t2|t3|t4\"} is expected");
		static const std::set<std::string> registers = {"total", "t1", "t2", "t3", "t4"};
		for (const auto& [channel, reg]: *channels)
		{
			if (!reg.isString() || !registers.count(reg.convert<std::string>()))
				throw sdk::ConfigError("channels." + channel + ": one of total, t1, t2, t3, t4 is expected");
			s.channels.push_back({channel, reg.convert<std::string>()});
		}
	}
	else
	{
		s.channels = {{"electro_ac_p_lsum_t1", "t1"}, {"electro_ac_p_lsum_t2", "t2"}, {"electro_ac_p_lsum_t3", "t3"},
			{"electro_ac_p_lsum_t4", "t4"}, {"electro_ac_p_lsum_tsum", "total"}};
	}
	auto object = [&](const std::string& key) -> Poco::JSON::Object::Ptr {
		if (!o->has(key) || o->get(key).isEmpty()) return nullptr;
		const auto p = o->getObject(key);
		if (!p) throw sdk::ConfigError(key + ": an object is expected");
		return p;
	};
	s.events = EventMap::parse(object("event_map"), object("unmapped_event"));
	return s;
}


std::string Settings::apiUrlOf(const std::string& method) const
{
	return apiUrl + method + "/?";
}


} // namespace kabinet::waviot
