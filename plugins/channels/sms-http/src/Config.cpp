//
// Config.cpp
//
// Error texts name the key and the rule, never the value given (values may hold secrets: the token,
// or a URL with credentials in its query).
//


#include "Config.h"

#include "kabinet/sdk.hpp"

#include "Poco/Dynamic/Var.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <set>


namespace kabinet::smshttp {


namespace {


const std::array<std::string_view, 17> kKnownKeys{
	"url", "method", "format", "to_field", "text_field", "sender", "sender_field", "reference_field",
	"token", "auth", "ca_file", "timeout_ms", "retries", "backoff_ms", "backoff_max_ms", "id_path",
	"success_statuses"};

constexpr std::size_t kMaxFieldName = 64;
constexpr std::size_t kMaxToken = 4096;
constexpr std::size_t kMaxIdPath = 256;


[[noreturn]] void fail(std::string_view key, const std::string& rule)
{
	throw sdk::ConfigError(std::string(key) + ": " + rule);
}


bool isTokenChar(char c)
	/// RFC 9110 "tchar": the characters allowed in a header field name.
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
	return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}


bool hasControlChars(std::string_view s)
{
	return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}


bool isPrintableAscii(std::string_view s)
{
	return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}


std::string lower(std::string_view s)
{
	std::string out(s);
	std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
	return out;
}


class Reader
	/// Typed access to the keys of the config object, with key-naming errors.
{
public:
	explicit Reader(const Poco::JSON::Object& object): _object(object) {}

	bool has(const std::string& key) const
	{
		return _object.has(key);
	}

	std::optional<std::string> string(const std::string& key, std::size_t maxLength, bool allowEmpty = false) const
	{
		if (!_object.has(key)) return std::nullopt;
		const Poco::Dynamic::Var value = _object.get(key);
		if (!value.isString()) fail(key, "must be a string");
		std::string s = value.extract<std::string>();
		if (s.empty() && !allowEmpty) fail(key, "must not be empty");
		if (s.size() > maxLength) fail(key, "must be at most " + std::to_string(maxLength) + " bytes long");
		if (hasControlChars(s)) fail(key, "must not contain control characters");
		return s;
	}

	std::optional<int> integer(const std::string& key, int min, int max) const
	{
		if (!_object.has(key)) return std::nullopt;
		const Poco::Dynamic::Var value = _object.get(key);
		const std::string rule = "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
		if (!value.isInteger() || value.isBoolean()) fail(key, rule);
		std::int64_t n = 0;
		try
		{
			n = value.convert<std::int64_t>();
		}
		catch (const Poco::Exception&)
		{
			fail(key, rule);
		}
		if (n < min || n > max) fail(key, rule);
		return static_cast<int>(n);
	}

	std::string fieldName(const std::string& key, const std::string& fallback) const
	{
		return string(key, kMaxFieldName).value_or(fallback);
	}

private:
	const Poco::JSON::Object& _object;
};


Poco::JSON::Object::Ptr parseObject(std::string_view json)
{
	Poco::Dynamic::Var root;
	try
	{
		Poco::JSON::Parser parser;
		parser.setDepth(16);
		root = parser.parse(std::string(json));
	}
	catch (const Poco::Exception&)
	{
		throw sdk::ConfigError("config: not valid JSON");
	}
	if (root.type() != typeid(Poco::JSON::Object::Ptr)) throw sdk::ConfigError("config: must be a JSON object");
	Poco::JSON::Object::Ptr object = root.extract<Poco::JSON::Object::Ptr>();
	if (object.isNull()) throw sdk::ConfigError("config: must be a JSON object");
	return object;
}


void parseUrl(const Reader& reader, Config& config)
{
	if (!reader.has("url")) fail("url", "required key is missing");
	const std::string raw = *reader.string("url", 2048);
	if (std::any_of(raw.begin(), raw.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; }))
		fail("url", "must not contain spaces or control characters");
	try
	{
		config.url = Poco::URI(raw);
	}
	catch (const Poco::Exception&)
	{
		fail("url", "is not a valid URL");
	}
	const std::string scheme = lower(config.url.getScheme());
	if (scheme != "http" && scheme != "https") fail("url", "scheme must be http or https");
	if (config.url.getHost().empty()) fail("url", "must name a host");
	if (!config.url.getUserInfo().empty()) fail("url", "must not contain credentials; use token and auth");
	if (!config.url.getFragment().empty()) fail("url", "must not contain a fragment");
}


void parseAuth(const Reader& reader, Config& config)
{
	if (auto token = reader.string("token", kMaxToken))
	{
		if (!isPrintableAscii(*token)) fail("token", "must consist of printable ASCII characters");
		if (token->front() == ' ' || token->back() == ' ') fail("token", "must not start or end with a space");
		config.token = *token;
	}
	const std::optional<std::string> auth = reader.string("auth", 256);
	if (!auth)
	{
		config.authMode = config.token.empty() ? AuthMode::None : AuthMode::Bearer;
		return;
	}
	if (config.token.empty()) fail("auth", "requires token");
	if (*auth == "bearer")
	{
		config.authMode = AuthMode::Bearer;
	}
	else if (auth->starts_with("header:"))
	{
		config.authMode = AuthMode::Header;
		config.authName = auth->substr(7);
		if (config.authName.empty() || !std::all_of(config.authName.begin(), config.authName.end(), isTokenChar))
			fail("auth", "header name after \"header:\" must be a valid HTTP field name");
		static const std::set<std::string> reserved{"host", "content-type", "content-length", "transfer-encoding", "connection"};
		if (reserved.count(lower(config.authName))) fail("auth", "header name after \"header:\" must not be a framing header");
	}
	else if (auth->starts_with("query:"))
	{
		config.authMode = AuthMode::Query;
		config.authName = auth->substr(6);
		if (config.authName.empty()) fail("auth", "parameter name after \"query:\" must not be empty");
	}
	else
	{
		fail("auth", "must be \"bearer\", \"header:<Name>\" or \"query:<param>\"");
	}
}


void parseFields(const Reader& reader, Config& config)
{
	config.toField = reader.fieldName("to_field", "to");
	config.textField = reader.fieldName("text_field", "text");
	config.sender = reader.string("sender", kMaxFieldName);
	if (reader.has("sender_field") && !config.sender) fail("sender_field", "requires sender");
	config.senderField = reader.fieldName("sender_field", "sender");
	if (reader.has("reference_field")) config.referenceField = reader.fieldName("reference_field", "");

	std::vector<std::pair<std::string, std::string>> used{{"to_field", config.toField}, {"text_field", config.textField}};
	if (config.sender) used.emplace_back("sender_field", config.senderField);
	if (config.referenceField) used.emplace_back("reference_field", *config.referenceField);
	for (std::size_t i = 0; i < used.size(); ++i)
		for (std::size_t j = i + 1; j < used.size(); ++j)
			if (used[i].second == used[j].second) fail(used[j].first, "must differ from " + used[i].first);
}


void parseIdPath(const Reader& reader, Config& config)
{
	const std::string path = reader.string("id_path", kMaxIdPath, true).value_or("id");
	config.idPath.clear();
	if (path.empty()) return;
	std::size_t start = 0;
	while (true)
	{
		const std::size_t dot = path.find('.', start);
		const std::string segment = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
		if (segment.empty()) fail("id_path", "must be dot-separated non-empty names");
		config.idPath.push_back(segment);
		if (dot == std::string::npos) break;
		start = dot + 1;
	}
}


void parseSuccessStatuses(const Poco::JSON::Object& object, Config& config)
{
	if (!object.has("success_statuses")) return;
	const std::string rule = "must be a non-empty array of status codes (100-599) or classes (\"2xx\")";
	if (!object.isArray("success_statuses")) fail("success_statuses", rule);
	const Poco::JSON::Array::Ptr array = object.getArray("success_statuses");
	if (array.isNull() || array->size() == 0 || array->size() > 64) fail("success_statuses", rule);
	config.successStatuses.clear();
	for (std::size_t i = 0; i < array->size(); ++i)
	{
		const Poco::Dynamic::Var item = array->get(static_cast<unsigned>(i));
		if (item.isInteger() && !item.isBoolean())
		{
			std::int64_t code = 0;
			try
			{
				code = item.convert<std::int64_t>();
			}
			catch (const Poco::Exception&)
			{
				fail("success_statuses", rule);
			}
			if (code < 100 || code > 599) fail("success_statuses", rule);
			config.successStatuses.push_back({static_cast<int>(code), static_cast<int>(code)});
		}
		else if (item.isString())
		{
			const std::string s = item.extract<std::string>();
			if (s.size() != 3 || s[0] < '1' || s[0] > '5' || lower(s.substr(1)) != "xx") fail("success_statuses", rule);
			const int base = (s[0] - '0') * 100;
			config.successStatuses.push_back({base, base + 99});
		}
		else
		{
			fail("success_statuses", rule);
		}
	}
}


} // namespace


Config Config::parse(std::string_view json)
{
	const Poco::JSON::Object::Ptr object = parseObject(json);
	for (const auto& [key, value]: *object)
	{
		if (std::find(kKnownKeys.begin(), kKnownKeys.end(), key) == kKnownKeys.end())
		{
			const bool printable = key.size() <= 64 && isPrintableAscii(key);
			throw sdk::ConfigError(printable ? key + ": unknown key" : std::string("config: contains an unknown key"));
		}
	}
	const Reader reader(*object);
	Config config;

	parseUrl(reader, config);

	if (auto method = reader.string("method", 16); method && *method != "POST") fail("method", "must be \"POST\"");

	if (auto format = reader.string("format", 16))
	{
		if (*format == "json") config.format = BodyFormat::Json;
		else if (*format == "form") config.format = BodyFormat::Form;
		else fail("format", "must be \"json\" or \"form\"");
	}

	parseAuth(reader, config);
	parseFields(reader, config);

	if (auto caFile = reader.string("ca_file", 4096))
	{
		if (!config.isHttps()) fail("ca_file", "is only allowed with an https url");
		config.caFile = *caFile;
	}

	config.timeoutMs = reader.integer("timeout_ms", 1, 120000).value_or(config.timeoutMs);
	config.retries = reader.integer("retries", 0, 10).value_or(config.retries);
	config.backoffMs = reader.integer("backoff_ms", 0, 60000).value_or(config.backoffMs);
	config.backoffMaxMs = reader.integer("backoff_max_ms", 0, 300000).value_or(config.backoffMaxMs);
	if (config.backoffMaxMs < config.backoffMs) fail("backoff_max_ms", "must not be smaller than backoff_ms");

	parseIdPath(reader, config);
	parseSuccessStatuses(*object, config);
	return config;
}


bool Config::isSuccess(int httpStatus) const
{
	return std::any_of(successStatuses.begin(), successStatuses.end(),
		[httpStatus](const StatusRange& r) { return httpStatus >= r.low && httpStatus <= r.high; });
}


bool Config::isHttps() const
{
	return lower(url.getScheme()) == "https";
}


} // namespace kabinet::smshttp
