//
// SupplierApi.cpp
//


#include "SupplierApi.h"

#include "kabinet/connector.hpp"

#include <Poco/JSON/Parser.h>

#include <sstream>


namespace kabinet::supplier {


std::string fillPath(std::string path, const std::string& name, const std::string& value)
{
	const std::string key = "{" + name + "}";
	for (auto at = path.find(key); at != std::string::npos; at = path.find(key))
		path.replace(at, key.size(), sdk::urlEncode(value));
	return path;
}


Poco::JSON::Object::Ptr SupplierApi::exchange(const std::string& method, const std::string& path, const std::string& token,
	const std::string& body, bool retry) const
{
	sdk::HttpRequest r;
	r.method = method;
	r.url = _config.baseUrl + path;
	r.timeoutMs = _config.timeoutMs;
	r.retries = retry ? _config.retries : 0;
	r.headers.emplace_back("Accept", "application/json");
	if (!token.empty()) r.headers.emplace_back("Authorization", "Bearer " + token);
	if (!body.empty())
	{
		r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
		r.body = body;
	}
	const sdk::HttpResponse a = sdk::http(r);
	const std::string what = method + " " + path.substr(0, path.find('?'));
	if (a.status == 401 || a.status == 403)
	{
		if (token.empty()) throw sdk::RejectedError("invalid credentials");
		throw sdk::AuthError("the supplier refused the token (HTTP " + std::to_string(a.status) + ") on " + what);
	}
	if (a.status == 429 || a.status >= 500 || a.status == 0)
		throw sdk::TransportError("the supplier answered HTTP " + std::to_string(a.status) + " on " + what);
	Poco::JSON::Object::Ptr o;
	if (!a.body.empty())
	{
		try
		{
			o = Poco::JSON::Parser().parse(a.body).extract<Poco::JSON::Object::Ptr>();
		}
		catch (const std::exception&)
		{
			if (a.status >= 200 && a.status < 300)
				throw sdk::ProtocolError("the supplier's answer to " + what + " is not a JSON object");
		}
	}
	if (a.status < 200 || a.status >= 300)
	{
		std::string message = o && o->has("message") && o->get("message").isString() ? o->getValue<std::string>("message") : std::string();
		if (message.size() > 300) message.resize(300);
		if (message.empty()) message = "Поставщик отклонил запрос (HTTP " + std::to_string(a.status) + ")";
		throw sdk::RejectedError(message);
	}
	if (!o) o = new Poco::JSON::Object;
	return o;
}


Poco::JSON::Array::Ptr SupplierApi::items(const Poco::JSON::Object::Ptr& answer) const
{
	auto a = answer->getArray("items");
	if (!a) throw sdk::ProtocolError("the supplier's list answer has no items array");
	return a;
}


std::string SupplierApi::login(const std::string& login, const std::string& password) const
{
	Poco::JSON::Object body;
	body.set(_config.loginField, login);
	body.set(_config.passwordField, password);
	std::ostringstream s;
	body.stringify(s);
	// No retry of the login: the password goes over the wire once.
	auto o = exchange("POST", _config.loginPath, "", s.str(), false);
	if (!o->has(_config.tokenField) || !o->get(_config.tokenField).isString() || o->getValue<std::string>(_config.tokenField).empty())
		throw sdk::ProtocolError("the supplier's login answer has no token");
	return o->getValue<std::string>(_config.tokenField);
}


void SupplierApi::logout(const std::string& token) const
{
	try
	{
		exchange("POST", _config.logoutPath, token, "{}", false);
	}
	catch (const sdk::AuthError&)
	{
	}
}


Poco::JSON::Array::Ptr SupplierApi::contracts(const std::string& token) const
{
	return items(exchange("GET", _config.contractsPath, token, "", true));
}


Poco::JSON::Object::Ptr SupplierApi::balance(const std::string& token, const std::string& contract) const
{
	return exchange("GET", fillPath(_config.balancePath, "contract", contract), token, "", true);
}


Poco::JSON::Array::Ptr SupplierApi::charges(const std::string& token, const std::string& contract, const std::string& from,
	const std::string& to) const
{
	return items(exchange("GET", fillPath(_config.chargesPath, "contract", contract) + "?from=" + from + "&to=" + to, token, "", true));
}


Poco::JSON::Array::Ptr SupplierApi::payments(const std::string& token, const std::string& contract, const std::string& from,
	const std::string& to) const
{
	return items(exchange("GET", fillPath(_config.paymentsPath, "contract", contract) + "?from=" + from + "&to=" + to, token, "", true));
}


Poco::JSON::Object::Ptr SupplierApi::submitReading(const std::string& token, const std::string& serial,
	const Poco::JSON::Object::Ptr& body) const
{
	std::ostringstream s;
	body->stringify(s);
	return exchange("POST", fillPath(_config.readingPath, "serial", serial), token, s.str(), false);
}


Poco::JSON::Array::Ptr SupplierApi::notifications(const std::string& token, long long since) const
{
	return items(exchange("GET", _config.notificationsPath + "?since=" + std::to_string(since), token, "", true));
}


Poco::JSON::Object::Ptr SupplierApi::fileAppeal(const std::string& token, const Poco::JSON::Object::Ptr& body) const
{
	std::ostringstream s;
	body->stringify(s);
	return exchange("POST", _config.appealsPath, token, s.str(), false);
}


Poco::JSON::Array::Ptr SupplierApi::appeals(const std::string& token) const
{
	return items(exchange("GET", _config.appealsPath, token, "", true));
}


} // namespace kabinet::supplier
