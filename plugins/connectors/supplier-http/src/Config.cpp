//
// Config.cpp
//


#include "Config.h"

#include "kabinet/sdk.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>


namespace kabinet::supplier {


Config Config::parse(const std::string& json)
{
	Poco::JSON::Object::Ptr o;
	try
	{
		o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
	}
	catch (const std::exception&)
	{
		throw sdk::ConfigError("config: not a JSON object");
	}
	Config c;
	auto text = [&](const char* key, std::string& into, bool path)
	{
		if (!o->has(key)) return;
		if (!o->get(key).isString()) throw sdk::ConfigError(std::string("config: ") + key + " must be a string");
		into = o->getValue<std::string>(key);
		if (path && (into.empty() || into[0] != '/')) throw sdk::ConfigError(std::string("config: ") + key + " must start with /");
		if (into.empty()) throw sdk::ConfigError(std::string("config: ") + key + " must not be empty");
	};
	text("base_url", c.baseUrl, false);
	if (c.baseUrl.rfind("http://", 0) != 0 && c.baseUrl.rfind("https://", 0) != 0)
		throw sdk::ConfigError("config: base_url must be an http:// or https:// address");
	while (!c.baseUrl.empty() && c.baseUrl.back() == '/') c.baseUrl.pop_back();
	text("login_path", c.loginPath, true);
	text("logout_path", c.logoutPath, true);
	text("contracts_path", c.contractsPath, true);
	text("balance_path", c.balancePath, true);
	text("charges_path", c.chargesPath, true);
	text("payments_path", c.paymentsPath, true);
	text("reading_path", c.readingPath, true);
	text("notifications_path", c.notificationsPath, true);
	text("appeals_path", c.appealsPath, true);
	text("login_field", c.loginField, false);
	text("password_field", c.passwordField, false);
	text("token_field", c.tokenField, false);
	if (o->has("status_map"))
	{
		auto m = o->getObject("status_map");
		if (!m) throw sdk::ConfigError("config: status_map must be an object");
		c.statusMap.clear();
		for (const auto& [k, v]: *m) c.statusMap[k] = v.toString();
	}
	if (o->has("integer_readings")) c.integerReadings = o->getValue<bool>("integer_readings");
	auto number = [&](const char* key, unsigned& into, unsigned lo, unsigned hi)
	{
		if (!o->has(key)) return;
		const auto v = o->getValue<long long>(key);
		if (v < lo || v > hi) throw sdk::ConfigError(std::string("config: ") + key + " is out of range");
		into = static_cast<unsigned>(v);
	};
	number("timeout_ms", c.timeoutMs, 100, 120000);
	number("retries", c.retries, 0, 5);
	return c;
}


} // namespace kabinet::supplier
