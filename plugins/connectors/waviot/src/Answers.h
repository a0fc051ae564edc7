//
// Answers.h
//
// The WAVIoT API's JSON answers, parsed (pure functions, no I/O): login, error answers, the modem tree,
// element info, modem info and channel values. Numbers come as strings and times as Unix seconds (sometimes
// milliseconds); a value map may be {"<ts>": "<value>"} or a list of {timestamp, value}.
//


#ifndef KABINET_WAVIOT_ANSWERS_H
#define KABINET_WAVIOT_ANSWERS_H


#include "Poco/JSON/Object.h"

#include <map>
#include <optional>
#include <string>
#include <vector>


namespace kabinet::waviot {


struct Login
	/// The answer of user-login / user-refresh.
{
	std::string jwt;          /// WAVIOT_JWT
	std::string refreshToken; /// rt ("" when the answer had none)
	std::string sessionId;    /// sessid
	long long expires = 0;    /// the JWT's "exp" claim, Unix seconds (0 when it has none)
};


struct UpstreamError
	/// An answer {"status":"error","message","code"}.
{
	int code = 0;        /// the platform's error code (5 = authorisation error)
	std::string message; /// the platform's text (may be untrusted; shortened)
};


struct ModemEntry
	/// One modem of api.tree/get_modems.
{
	std::string id;                     /// hex id as the API gives it
	std::optional<double> battery;      /// volts
	std::optional<double> temperature;  /// °C
};


struct ElementDevice
	/// One device of api.data/get_full_element_info.
{
	std::string modemId; /// modem_id
	std::string title;   /// tree_name
	std::string serial;  /// the meter's serial (the first registrator naming one)
};


struct ModemInfo
	/// api.modem/info.
{
	std::string id, type, hwVersion, swVersion, batteryType;
	std::optional<double> battery, temperature;
	std::optional<long long> lastStationTime; /// the last message a base station received, Unix seconds
	std::optional<long long> lastInfoMessage; /// Unix seconds
};


struct Value
	/// One channel value.
{
	long long ts = 0;  /// Unix seconds
	std::string raw;   /// the value as the API gave it (a number as text, or an event code)
};


Poco::JSON::Object::Ptr parseObject(const std::string& body);
	/// Parses an answer body that must be a JSON object. Throws kabinet::sdk::ProtocolError otherwise
	/// (a truncated answer, HTML, an array).

std::optional<UpstreamError> answerError(const Poco::JSON::Object::Ptr& answer);
	/// The error an answer carries ({"status":"error"} or a "code" without data), or nothing.

Login parseLogin(const std::string& body);
	/// Parses a user-login / user-refresh answer. Throws ProtocolError when it carries no WAVIOT_JWT.

long long jwtExpiry(const std::string& jwt);
	/// The "exp" claim of a JWT (not verified: the platform checks its own tokens), 0 when unreadable.

std::vector<ModemEntry> parseModems(const Poco::JSON::Object::Ptr& answer);
	/// The modems of a get_modems answer. Throws ProtocolError when "modems" is not a list; entries
	/// without an id are skipped.

std::map<std::string, ElementDevice> parseElementInfo(const Poco::JSON::Object::Ptr& answer);
	/// The devices of a get_full_element_info answer by modem id. Empty when none.

ModemInfo parseModemInfo(const Poco::JSON::Object::Ptr& answer);
	/// The "modem" object of an api.modem/info answer. Throws ProtocolError when it is missing.

std::vector<Value> parseValues(const Poco::JSON::Object::Ptr& answer);
	/// The "values" of a channel answer, in time order: a map {"<ts>": value} or a list of
	/// {timestamp|ts|time, value}; millisecond timestamps become seconds. Throws ProtocolError when
	/// "values" is missing or of another type, or a timestamp is not an integer.

std::optional<double> number(const std::string& text);
	/// A decimal number as text ("1002.508", "-1", "1e3"); nothing when it is not one or not finite.

std::optional<long long> integer(const Poco::JSON::Object::Ptr& object, const std::string& key);
	/// An integer field given as a number or a text; nothing when absent or not an integer.

std::string normaliseId(const std::string& modemId);
	/// A modem id as a device key: the hex text as the API gives it, without blanks, control characters or
	/// slashes; "" when longer than 64 characters.


} // namespace kabinet::waviot


#endif // KABINET_WAVIOT_ANSWERS_H
