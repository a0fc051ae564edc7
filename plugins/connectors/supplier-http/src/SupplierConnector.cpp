//
// SupplierConnector.cpp
//


#include "SupplierConnector.h"

#include "Records.h"

#include <Poco/JSON/Parser.h>

#include <cmath>
#include <ctime>


namespace kabinet::supplier {


namespace {


Poco::JSON::Object::Ptr parseObject(const std::string& json, const char* what)
{
	try
	{
		auto v = Poco::JSON::Parser().parse(json.empty() ? std::string("{}") : json);
		if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
	}
	catch (const std::exception&)
	{
	}
	throw sdk::ConfigError(std::string(what) + " is not a JSON object");
}


std::string field(const Poco::JSON::Object::Ptr& o, const char* key, const char* russianName)
{
	if (!o->has(key) || !o->get(key).isString() || o->getValue<std::string>(key).empty())
		throw sdk::ConfigError(std::string("input: ") + key + " is required (" + russianName + ")");
	return o->getValue<std::string>(key);
}


std::string token(const Poco::JSON::Object::Ptr& o)
{
	if (!o->has("token") || !o->get("token").isString() || o->getValue<std::string>("token").empty())
		throw sdk::AuthError("the account has no supplier token");
	return o->getValue<std::string>("token");
}


std::string day(std::int64_t t)
{
	const std::time_t tt = static_cast<std::time_t>(t);
	std::tm tm{};
	gmtime_r(&tt, &tm);
	char buf[16];
	std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return buf;
}


} // namespace


SupplierConnector::SupplierConnector(const std::string& configJson): _api(Config::parse(configJson))
{
}


std::string SupplierConnector::linkContracts(const std::string& login, const std::string& password)
{
	const std::string t = _api.login(login, password);
	Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
	const Poco::JSON::Array::Ptr list = _api.contracts(t); // kept: the loop must not outlive it
	for (const auto& c: *list)
		if (c.type() == typeid(Poco::JSON::Object::Ptr)) out->add(records::contract(c.extract<Poco::JSON::Object::Ptr>()));
	_api.logout(t);
	std::ostringstream s;
	out->stringify(s);
	return s.str();
}


std::string SupplierConnector::call(const std::string& operation, const std::string& inputJson)
{
	const auto input = parseObject(inputJson, "input");
	Poco::JSON::Object::Ptr out;
	if (operation == "link") out = link(input);
	else if (operation == "submit_reading") out = submitReading(input);
	else if (operation == "file_case") out = fileCase(input);
	else if (operation == "logout")
	{
		_api.logout(token(input));
		out = new Poco::JSON::Object;
	}
	else throw sdk::ConfigError("unknown operation " + operation);
	return records::text(out);
}


Poco::JSON::Object::Ptr SupplierConnector::link(const Poco::JSON::Object::Ptr& input) const
{
	const std::string t = _api.login(field(input, "login", "логин"), field(input, "password", "пароль"));
	Poco::JSON::Array::Ptr contracts = new Poco::JSON::Array;
	const Poco::JSON::Array::Ptr list = _api.contracts(t); // kept: the loop must not outlive it
	for (const auto& c: *list)
	{
		if (c.type() != typeid(Poco::JSON::Object::Ptr)) throw sdk::ProtocolError("a contract is not an object");
		try
		{
			contracts->add(records::contract(c.extract<Poco::JSON::Object::Ptr>()));
		}
		catch (const std::invalid_argument& e)
		{
			throw sdk::ProtocolError(std::string("a contract of the supplier is malformed: ") + e.what());
		}
	}
	Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
	out->set("token", t);
	out->set("contracts", contracts);
	return out;
}


Poco::JSON::Object::Ptr SupplierConnector::submitReading(const Poco::JSON::Object::Ptr& input) const
{
	const std::string t = token(input);
	const std::string serial = field(input, "serial", "заводской номер счётчика");
	auto values = input->getObject("values");
	if (!values || values->size() == 0) throw sdk::ConfigError("input: values are required");
	Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
	body->set("contract", field(input, "contract", "номер договора"));
	body->set("date", input->optValue<std::string>("date", ""));
	Poco::JSON::Object::Ptr vs = new Poco::JSON::Object;
	for (const auto& [zone, v]: *values)
	{
		if (!v.isNumeric()) throw sdk::ConfigError("input: values." + zone + " is not a number");
		const double d = v.convert<double>();
		if (!std::isfinite(d) || d < 0) throw sdk::RejectedError("Показание должно быть неотрицательным числом");
		if (_api.config().integerReadings)
		{
			if (d != std::floor(d)) throw sdk::RejectedError("Поставщик принимает показания только целыми числами");
			vs->set(zone, static_cast<long long>(d));
		}
		else
		{
			vs->set(zone, d);
		}
	}
	body->set("values", vs);
	const auto a = _api.submitReading(t, serial, body);
	Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
	out->set("id", a->optValue<std::string>("id", ""));
	out->set("status", a->optValue<std::string>("status", "accepted"));
	return out;
}


Poco::JSON::Object::Ptr SupplierConnector::fileCase(const Poco::JSON::Object::Ptr& input) const
{
	const std::string t = token(input);
	Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
	body->set("contract", field(input, "contract", "номер договора"));
	body->set("subject", input->optValue<std::string>("subject", ""));
	body->set("text", field(input, "text", "текст обращения"));
	body->set("email", input->optValue<std::string>("email", ""));
	body->set("phone", input->optValue<std::string>("phone", ""));
	body->set("reference", input->optValue<std::string>("reference", ""));
	const auto a = _api.fileAppeal(t, body);
	if (!a->has("id") || a->get("id").isEmpty()) throw sdk::ProtocolError("the supplier's appeal answer has no id");
	Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
	out->set("external_id", a->get("id").toString());
	const std::string status = a->optValue<std::string>("status", "registered");
	const auto it = _api.config().statusMap.find(status);
	out->set("state", it == _api.config().statusMap.end() ? status : it->second);
	return out;
}


void SupplierConnector::sync(const sdk::SyncRequest& request, const sdk::SyncSink& sink)
{
	const auto account = parseObject(request.accountJson, "account");
	const std::string t = token(account);
	if (request.task == "balances") balances(t, request, sink);
	else if (request.task == "notifications") notifications(t, request, sink);
	else if (request.task == "cases") cases(t, sink);
	else throw sdk::ConfigError("unknown task " + request.task);
}


void SupplierConnector::balances(const std::string& t, const sdk::SyncRequest& request, const sdk::SyncSink& sink) const
{
	// The whole window is asked for every time: charges and payments are kept by their ids, so a repeated
	// sync stores nothing new, and a correction inside the window is seen.
	const std::string from = day(request.from), to = day((request.to ? request.to : request.now) + 86400);
	const Poco::JSON::Array::Ptr list = _api.contracts(t); // kept: the loop must not outlive it
	for (const auto& cv: *list)
	{
		if (sink.stopping()) return;
		if (cv.type() != typeid(Poco::JSON::Object::Ptr))
		{
			sink.problem("contract", "not an object");
			continue;
		}
		Poco::JSON::Object::Ptr c;
		try
		{
			c = records::contract(cv.extract<Poco::JSON::Object::Ptr>());
		}
		catch (const std::invalid_argument& e)
		{
			sink.problem("contract", e.what());
			continue;
		}
		const std::string number = c->getValue<std::string>("number");
		sink.contract(records::text(c));
		const auto b = _api.balance(t, number);
		const auto charges = _api.charges(t, number, from, to);
		const auto payments = _api.payments(t, number, from, to);
		try
		{
			sink.balance(records::text(records::balance(number, b, charges, payments)));
		}
		catch (const std::invalid_argument& e)
		{
			sink.problem(number, e.what());
		}
	}
	sink.cursor(to);
}


void SupplierConnector::notifications(const std::string& t, const sdk::SyncRequest& request, const sdk::SyncSink& sink) const
{
	long long since = request.from;
	if (!request.cursor.empty())
	{
		try
		{
			since = std::stoll(request.cursor);
		}
		catch (const std::exception&)
		{
		}
	}
	long long last = since;
	const Poco::JSON::Array::Ptr list = _api.notifications(t, since); // kept: the loop must not outlive it
	for (const auto& v: *list)
	{
		if (v.type() != typeid(Poco::JSON::Object::Ptr))
		{
			sink.problem("notification", "not an object");
			continue;
		}
		try
		{
			const auto n = records::notification(v.extract<Poco::JSON::Object::Ptr>());
			last = std::max(last, n->getValue<long long>("at"));
			sink.notification(records::text(n));
		}
		catch (const std::invalid_argument& e)
		{
			sink.problem("notification", e.what());
		}
	}
	// The host keeps notifications by id: starting again at the last one's second is safe.
	sink.cursor(std::to_string(last));
}


void SupplierConnector::cases(const std::string& t, const sdk::SyncSink& sink) const
{
	const Poco::JSON::Array::Ptr list = _api.appeals(t); // kept: the loop must not outlive it
	for (const auto& v: *list)
	{
		if (v.type() != typeid(Poco::JSON::Object::Ptr))
		{
			sink.problem("appeal", "not an object");
			continue;
		}
		try
		{
			sink.caseUpdate(records::text(records::caseUpdate(v.extract<Poco::JSON::Object::Ptr>(), _api.config().statusMap)));
		}
		catch (const std::invalid_argument& e)
		{
			sink.problem("appeal", e.what());
		}
	}
}


} // namespace kabinet::supplier
