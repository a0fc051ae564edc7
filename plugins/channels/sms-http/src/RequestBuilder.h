//
// RequestBuilder.h
//
// Turns one outgoing message into the HTTP request the configured gateway expects.
//


#ifndef KABINET_SMSHTTP_REQUESTBUILDER_H
#define KABINET_SMSHTTP_REQUESTBUILDER_H


#include "Config.h"

#include "kabinet/sdk.hpp"

#include <string>
#include <utility>
#include <vector>


namespace kabinet::smshttp {


struct GatewayRequest
	/// A ready-to-send gateway request. Holds personal data and the token: never log it.
{
	std::string target;      /// request target: path and query (with the token in Query mode)
	std::string contentType; /// Content-Type of body
	std::string body;        /// encoded message fields
	std::vector<std::pair<std::string, std::string>> headers; /// extra headers (authentication)
};


class RequestBuilder
	/// Builds gateway requests from messages according to a Config. Stateless and thread-safe.
{
public:
	explicit RequestBuilder(const Config& config);
		/// Creates a builder; config must outlive it.

	GatewayRequest build(const sdk::Message& message) const;
		/// Encodes message (already validated) as a JSON object or a form, with the configured
		/// field names, sender, reference and authentication.

private:
	std::vector<std::pair<std::string, std::string>> fields(const sdk::Message& message) const;

	const Config& _config;
};


} // namespace kabinet::smshttp


#endif // KABINET_SMSHTTP_REQUESTBUILDER_H
