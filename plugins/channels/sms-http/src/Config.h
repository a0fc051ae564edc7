//
// Config.h
//
// The sms-http channel's configuration: parsing and validation of the config JSON object.
//


#ifndef KABINET_SMSHTTP_CONFIG_H
#define KABINET_SMSHTTP_CONFIG_H


#include "Poco/URI.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>


namespace kabinet::smshttp {


enum class BodyFormat
	/// How the request body is encoded.
{
	Json, /// application/json object
	Form  /// application/x-www-form-urlencoded
};


enum class AuthMode
	/// Where the token is sent.
{
	None,   /// no token configured
	Bearer, /// "Authorization: Bearer <token>"
	Header, /// "<authName>: <token>"
	Query   /// "?<authName>=<token>" appended to the URL
};


struct StatusRange
	/// An inclusive range of HTTP status codes.
{
	int low;  /// first status of the range
	int high; /// last status of the range
};


class Config
	/// The validated configuration of one sms-http instance. Immutable after parse().
{
public:
	static Config parse(std::string_view json);
		/// Parses and validates the config JSON object, applying defaults. Throws
		/// kabinet::sdk::ConfigError whose text starts with the offending key ("timeout_ms: ...").
		/// Unknown keys are rejected. Error texts never contain the token.

	bool isSuccess(int httpStatus) const;
		/// Returns true if httpStatus is one of success_statuses.

	bool isHttps() const;
		/// Returns true if the gateway URL uses https.

	Poco::URI url;                           /// gateway endpoint (http or https)
	BodyFormat format = BodyFormat::Json;    /// body encoding
	std::string toField = "to";              /// body field of the recipient
	std::string textField = "text";          /// body field of the text
	std::optional<std::string> sender;       /// fixed sender, if any
	std::string senderField = "sender";      /// body field of the sender
	std::optional<std::string> referenceField; /// body field of the host's reference, if any
	std::string token;                       /// gateway credential (secret; empty when none)
	AuthMode authMode = AuthMode::None;      /// where the token goes
	std::string authName;                    /// header or query parameter name (Header/Query modes)
	std::string caFile;                      /// extra CA certificates for https (empty: system CAs only)
	int timeoutMs = 5000;                    /// bound of one attempt
	int retries = 3;                         /// attempts after the first one
	int backoffMs = 250;                     /// pause before the first retry
	int backoffMaxMs = 5000;                 /// cap of pauses, including Retry-After
	std::vector<std::string> idPath{"id"};   /// path of the message id in the answer (empty: ignore)
	std::vector<StatusRange> successStatuses{{200, 299}}; /// statuses meaning "accepted"
};


} // namespace kabinet::smshttp


#endif // KABINET_SMSHTTP_CONFIG_H
