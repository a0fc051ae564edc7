//
// RequestBuilder.cpp
//


#include "RequestBuilder.h"

#include "Poco/JSON/Object.h"
#include "Poco/URI.h"

#include <sstream>


namespace kabinet::smshttp {


namespace {


std::string formEncode(const std::string& s)
	/// Percent-encodes s for an application/x-www-form-urlencoded body (spaces as %20).
{
	std::string out;
	Poco::URI::encode(s, "!#$&'()*+,/:;=?@[]", out);
	return out;
}


} // namespace


RequestBuilder::RequestBuilder(const Config& config):
	_config(config)
{
}


std::vector<std::pair<std::string, std::string>> RequestBuilder::fields(const sdk::Message& message) const
{
	std::vector<std::pair<std::string, std::string>> result;
	result.emplace_back(_config.toField, std::string(message.recipient));
	result.emplace_back(_config.textField, std::string(message.text));
	if (_config.sender) result.emplace_back(_config.senderField, *_config.sender);
	if (_config.referenceField && message.reference && !message.reference->empty())
		result.emplace_back(*_config.referenceField, std::string(*message.reference));
	return result;
}


GatewayRequest RequestBuilder::build(const sdk::Message& message) const
{
	GatewayRequest request;

	Poco::URI uri(_config.url);
	if (_config.authMode == AuthMode::Query) uri.addQueryParameter(_config.authName, _config.token);
	request.target = uri.getPathAndQuery();
	if (request.target.empty() || request.target.front() != '/') request.target.insert(0, "/");

	if (_config.authMode == AuthMode::Bearer) request.headers.emplace_back("Authorization", "Bearer " + _config.token);
	else if (_config.authMode == AuthMode::Header) request.headers.emplace_back(_config.authName, _config.token);

	const auto values = fields(message);
	if (_config.format == BodyFormat::Json)
	{
		Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
		for (const auto& [name, value]: values) object.set(name, value);
		std::ostringstream out;
		object.stringify(out);
		request.body = out.str();
		request.contentType = "application/json; charset=utf-8";
	}
	else
	{
		for (const auto& [name, value]: values)
		{
			if (!request.body.empty()) request.body += '&';
			request.body += formEncode(name);
			request.body += '=';
			request.body += formEncode(value);
		}
		request.contentType = "application/x-www-form-urlencoded";
	}
	return request;
}


} // namespace kabinet::smshttp
