//
// Answers.cpp
//


#include "Answers.h"

#include "kabinet/sdk.hpp"

#include "Poco/Base64Decoder.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <sstream>


namespace kabinet::waviot {


namespace {


std::string text(const Poco::JSON::Object::Ptr& o, const std::string& key)
{
	if (!o || !o->has(key)) return {};
	const Poco::Dynamic::Var& v = o->get(key);
	if (v.isEmpty()) return {};
	if (v.isString() || v.isNumeric()) return v.convert<std::string>();
	return {};
}


std::optional<double> decimal(const Poco::JSON::Object::Ptr& o, const std::string& key)
{
	if (!o || !o->has(key)) return std::nullopt;
	const Poco::Dynamic::Var& v = o->get(key);
	if (v.isEmpty() || v.type() == typeid(bool)) return std::nullopt;
	if (v.isNumeric())
	{
		const double d = v.convert<double>();
		return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
	}
	if (v.isString()) return number(v.convert<std::string>());
	return std::nullopt;
}


std::string shorten(std::string s)
{
	if (s.size() > 200) s.resize(200);
	for (char& c: s)
		if (static_cast<unsigned char>(c) < 0x20) c = ' ';
	return s;
}


long long seconds(long long ts)
{
	return ts > 100000000000LL ? ts / 1000 : ts;
}


std::optional<long long> parseInteger(const std::string& s)
{
	long long v = 0;
	const char* b = s.data();
	const char* e = s.data() + s.size();
	auto [p, ec] = std::from_chars(b, e, v);
	if (ec != std::errc() || p != e || s.empty()) return std::nullopt;
	return v;
}


} // namespace


Poco::JSON::Object::Ptr parseObject(const std::string& body)
{
	Poco::Dynamic::Var v;
	try
	{
		Poco::JSON::Parser parser;
		v = parser.parse(body);
	}
	catch (const Poco::Exception&)
	{
		throw sdk::ProtocolError("WAVIoT: ответ не разбирается как JSON (" + std::to_string(body.size()) + " байт)");
	}
	if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw sdk::ProtocolError("WAVIoT: ответ не является объектом JSON");
	return v.extract<Poco::JSON::Object::Ptr>();
}


std::optional<UpstreamError> answerError(const Poco::JSON::Object::Ptr& answer)
{
	const std::string status = text(answer, "status");
	if (status == "ok") return std::nullopt;
	if (status == "error" || (answer->has("code") && answer->has("message")))
	{
		UpstreamError e;
		e.code = static_cast<int>(integer(answer, "code").value_or(0));
		e.message = shorten(text(answer, "message"));
		return e;
	}
	return std::nullopt;
}


Login parseLogin(const std::string& body)
{
	const auto o = parseObject(body);
	Login l;
	l.jwt = text(o, "WAVIOT_JWT");
	if (l.jwt.empty()) throw sdk::ProtocolError("WAVIoT: в ответе на вход нет WAVIOT_JWT");
	l.refreshToken = text(o, "rt");
	l.sessionId = text(o, "sessid");
	l.expires = jwtExpiry(l.jwt);
	return l;
}


long long jwtExpiry(const std::string& jwt)
{
	const auto a = jwt.find('.');
	const auto b = a == std::string::npos ? a : jwt.find('.', a + 1);
	if (b == std::string::npos) return 0;
	std::string payload = jwt.substr(a + 1, b - a - 1);
	std::replace(payload.begin(), payload.end(), '-', '+');
	std::replace(payload.begin(), payload.end(), '_', '/');
	while (payload.size() % 4) payload += '=';
	try
	{
		std::istringstream in(payload);
		Poco::Base64Decoder dec(in);
		std::string json((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
		Poco::JSON::Parser parser;
		const auto v = parser.parse(json);
		if (v.type() != typeid(Poco::JSON::Object::Ptr)) return 0;
		return integer(v.extract<Poco::JSON::Object::Ptr>(), "exp").value_or(0);
	}
	catch (const std::exception&)
	{
		return 0;
	}
}


std::vector<ModemEntry> parseModems(const Poco::JSON::Object::Ptr& answer)
{
	if (!answer->has("modems") || answer->get("modems").type() != typeid(Poco::JSON::Array::Ptr))
		throw sdk::ProtocolError("WAVIoT: в ответе get_modems нет списка \"modems\"");
	std::vector<ModemEntry> out;
	const auto list = answer->getArray("modems");
	for (unsigned i = 0; i < list->size(); ++i)
	{
		const auto m = list->getObject(i);
		if (!m) continue;
		ModemEntry e;
		e.id = normaliseId(text(m, "id"));
		if (e.id.empty()) continue;
		e.battery = decimal(m, "battery");
		e.temperature = decimal(m, "temperature");
		out.push_back(e);
	}
	return out;
}


std::map<std::string, ElementDevice> parseElementInfo(const Poco::JSON::Object::Ptr& answer)
{
	std::map<std::string, ElementDevice> out;
	const auto devices = answer->getObject("devices");
	if (!devices) return out;
	for (const auto& [name, value]: *devices)
	{
		if (value.type() != typeid(Poco::JSON::Object::Ptr)) continue;
		const auto d = value.extract<Poco::JSON::Object::Ptr>();
		ElementDevice e;
		e.modemId = normaliseId(text(d, "modem_id"));
		if (e.modemId.empty()) e.modemId = normaliseId(name);
		e.title = shorten(text(d, "tree_name"));
		if (const auto regs = d->getObject("registrators"))
			for (const auto& [channel, reg]: *regs)
			{
				if (reg.type() != typeid(Poco::JSON::Object::Ptr)) continue;
				const std::string serial = shorten(text(reg.extract<Poco::JSON::Object::Ptr>(), "serial"));
				if (!serial.empty())
				{
					e.serial = serial;
					break;
				}
			}
		out[e.modemId] = e;
	}
	return out;
}


ModemInfo parseModemInfo(const Poco::JSON::Object::Ptr& answer)
{
	const auto m = answer->getObject("modem");
	if (!m) throw sdk::ProtocolError("WAVIoT: в ответе api.modem/info нет объекта \"modem\"");
	ModemInfo i;
	i.id = normaliseId(text(m, "id"));
	i.type = shorten(text(m, "modem_type"));
	i.hwVersion = shorten(text(m, "hw_version"));
	i.swVersion = shorten(text(m, "sw_version"));
	i.batteryType = shorten(text(m, "battery_type"));
	i.battery = decimal(m, "battery");
	i.temperature = decimal(m, "temperature");
	if (auto t = integer(m, "last_station_time")) i.lastStationTime = seconds(*t);
	if (auto t = integer(m, "last_info_message")) i.lastInfoMessage = seconds(*t);
	return i;
}


std::vector<Value> parseValues(const Poco::JSON::Object::Ptr& answer)
{
	if (!answer->has("values")) throw sdk::ProtocolError("WAVIoT: в ответе канала нет \"values\"");
	const Poco::Dynamic::Var& v = answer->get("values");
	std::vector<Value> out;
	auto raw = [](const Poco::Dynamic::Var& x) -> std::string {
		if (x.isEmpty()) return {};
		if (x.isString() || x.isNumeric()) return x.convert<std::string>();
		return {};
	};
	if (v.type() == typeid(Poco::JSON::Object::Ptr))
	{
		for (const auto& [key, value]: *v.extract<Poco::JSON::Object::Ptr>())
		{
			const auto ts = parseInteger(key);
			if (!ts) throw sdk::ProtocolError("WAVIoT: в ответе канала метка времени не целое число");
			out.push_back({seconds(*ts), raw(value)});
		}
	}
	else if (v.type() == typeid(Poco::JSON::Array::Ptr))
	{
		const auto list = v.extract<Poco::JSON::Array::Ptr>();
		for (unsigned i = 0; i < list->size(); ++i)
		{
			const auto row = list->getObject(i);
			if (!row) throw sdk::ProtocolError("WAVIoT: в ответе канала значение не объект");
			std::optional<long long> ts;
			for (const char* k: {"timestamp", "ts", "time"})
				if (!ts) ts = integer(row, k);
			if (!ts) throw sdk::ProtocolError("WAVIoT: в ответе канала значение без целой метки времени");
			out.push_back({seconds(*ts), row->has("value") ? raw(row->get("value")) : std::string()});
		}
	}
	else if (!v.isEmpty())
	{
		throw sdk::ProtocolError("WAVIoT: \"values\" в ответе канала неизвестного вида");
	}
	std::stable_sort(out.begin(), out.end(), [](const Value& a, const Value& b) { return a.ts < b.ts; });
	return out;
}


std::optional<double> number(const std::string& s)
{
	std::size_t b = 0, e = s.size();
	while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
	while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
	if (b == e) return std::nullopt;
	double v = 0;
	auto [p, ec] = std::from_chars(s.data() + b, s.data() + e, v);
	if (ec != std::errc() || p != s.data() + e || !std::isfinite(v)) return std::nullopt;
	return v;
}


std::optional<long long> integer(const Poco::JSON::Object::Ptr& o, const std::string& key)
{
	if (!o || !o->has(key)) return std::nullopt;
	const Poco::Dynamic::Var& v = o->get(key);
	if (v.isEmpty() || v.type() == typeid(bool)) return std::nullopt;
	if (v.isInteger()) return v.convert<long long>();
	if (v.isNumeric())
	{
		const double d = v.convert<double>();
		if (!std::isfinite(d) || d != std::floor(d)) return std::nullopt;
		return static_cast<long long>(d);
	}
	if (v.isString()) return parseInteger(v.convert<std::string>());
	return std::nullopt;
}


std::string normaliseId(const std::string& modemId)
{
	std::string out;
	for (const char c: modemId)
	{
		if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '\\') continue;
		out += c;
	}
	return out.size() > 64 ? std::string() : out;
}


} // namespace kabinet::waviot
