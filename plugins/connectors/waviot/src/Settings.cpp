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
	if (!o->get(key).isString()) throw sdk::ConfigError(key + ": ожидается строка");
	return o->getValue<std::string>(key);
}


long long whole(const Poco::JSON::Object::Ptr& o, const std::string& key, long long def, long long lo, long long hi)
{
	if (!o->has(key) || o->get(key).isEmpty()) return def;
	const auto& v = o->get(key);
	if (!v.isInteger()) throw sdk::ConfigError(key + ": ожидается целое число");
	const long long n = v.convert<long long>();
	if (n < lo || n > hi) throw sdk::ConfigError(key + ": ожидается число от " + std::to_string(lo) + " до " + std::to_string(hi));
	return n;
}


bool flag(const Poco::JSON::Object::Ptr& o, const std::string& key, bool def)
{
	if (!o->has(key) || o->get(key).isEmpty()) return def;
	if (o->get(key).type() != typeid(bool)) throw sdk::ConfigError(key + ": ожидается true или false");
	return o->getValue<bool>(key);
}


std::string baseUrl(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& def)
{
	std::string url = text(o, key, def);
	const bool http = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
	if (!http || url.find_first_of("?#@ \r\n") != std::string::npos)
		throw sdk::ConfigError(key + ": ожидается адрес http:// или https:// без параметров, фрагмента и учётных данных");
	if (url.back() != '/') url += '/';
	return url;
}


std::string method(const Poco::JSON::Object::Ptr& o, const std::string& key, const std::string& def)
{
	const std::string m = text(o, key, def);
	if (m.empty() || m.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-") != std::string::npos)
		throw sdk::ConfigError(key + ": ожидается путь метода вида api.data/get_modem_channel_values");
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
		if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw sdk::ConfigError("настройки должны быть объектом JSON");
		o = v.extract<Poco::JSON::Object::Ptr>();
	}
	catch (const Poco::Exception&)
	{
		throw sdk::ConfigError("настройки — некорректный JSON");
	}
	static const std::set<std::string> known = {"api_url", "auth_url", "login", "password", "api_key", "tree_id",
		"channels", "events_channel", "values_method", "events_method", "refresh_field", "element_info",
		"last_message", "event_map", "unmapped_event", "timeout_ms", "retries", "chunk_days"};
	for (const auto& [key, value]: *o)
		if (!known.count(key)) throw sdk::ConfigError(key + ": неизвестная настройка");

	Settings s;
	s.apiUrl = baseUrl(o, "api_url", s.apiUrl);
	s.authUrl = baseUrl(o, "auth_url", s.authUrl);
	s.login = text(o, "login", "");
	s.password = text(o, "password", "");
	s.apiKey = text(o, "api_key", "");
	if (s.apiKey.empty() && (s.login.empty() || s.password.empty()))
		throw sdk::ConfigError("login: нужны логин и пароль учётной записи WAVIoT (или api_key)");
	s.treeId = text(o, "tree_id", "");
	if (s.treeId.empty()) throw sdk::ConfigError("tree_id: нужен элемент дерева WAVIoT, модемы которого читаются");
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
		if (!channels) throw sdk::ConfigError("channels: ожидается объект {\"<канал>\": \"total|t1|t2|t3|t4\"}");
		static const std::set<std::string> registers = {"total", "t1", "t2", "t3", "t4"};
		for (const auto& [channel, reg]: *channels)
		{
			if (!reg.isString() || !registers.count(reg.convert<std::string>()))
				throw sdk::ConfigError("channels." + channel + ": ожидается total, t1, t2, t3 или t4");
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
		if (!p) throw sdk::ConfigError(key + ": ожидается объект");
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
