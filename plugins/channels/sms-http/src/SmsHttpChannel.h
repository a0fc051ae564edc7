//
// SmsHttpChannel.h
//
// The sms-http channel: validates messages and hands them to the gateway client.
//


#ifndef KABINET_SMSHTTP_SMSHTTPCHANNEL_H
#define KABINET_SMSHTTP_SMSHTTPCHANNEL_H


#include "Config.h"
#include "GatewayClient.h"
#include "RequestBuilder.h"

#include "kabinet/sdk.hpp"

#include <string_view>


namespace kabinet::smshttp {


class SmsHttpChannel: public sdk::Channel
	/// A channel instance: one gateway configuration. send() is thread-safe.
{
public:
	explicit SmsHttpChannel(std::string_view configJson);
		/// Parses and validates the config (see Config::parse); throws sdk::ConfigError naming the key.

	~SmsHttpChannel() override;
		/// Destroys the channel.

	kb_status send(const sdk::Message& message, sdk::SendResult& result) override;
		/// Validates the message (recipient E.164: "+" and 11-15 digits; text non-empty valid UTF-8
		/// of at most kMaxTextBytes; reference valid UTF-8) and sends it through the gateway.
		/// An invalid message is KB_ERR_REJECTED without any network attempt (attempts == 0).

	static constexpr std::size_t kMaxTextBytes = 8192;
		/// Longest text accepted, in bytes.

	static bool isE164(std::string_view recipient);
		/// Returns true if recipient is "+" followed by 11 to 15 digits.

private:
	Config _config;
	RequestBuilder _builder;
	GatewayClient _client;
};


} // namespace kabinet::smshttp


#endif // KABINET_SMSHTTP_SMSHTTPCHANNEL_H
