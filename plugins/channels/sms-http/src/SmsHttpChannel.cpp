//
// SmsHttpChannel.cpp
//


#include "SmsHttpChannel.h"

#include "Redactor.h"

#include <algorithm>


namespace kabinet::smshttp {


namespace {


bool isValidUtf8(std::string_view s)
{
	std::size_t i = 0;
	while (i < s.size())
	{
		const auto lead = static_cast<unsigned char>(s[i]);
		std::size_t length = 0;
		char32_t cp = 0;
		if (lead < 0x80) { ++i; continue; }
		else if (lead >= 0xC2 && lead <= 0xDF) { length = 2; cp = lead & 0x1F; }
		else if (lead >= 0xE0 && lead <= 0xEF) { length = 3; cp = lead & 0x0F; }
		else if (lead >= 0xF0 && lead <= 0xF4) { length = 4; cp = lead & 0x07; }
		else return false;
		if (i + length > s.size()) return false;
		for (std::size_t k = 1; k < length; ++k)
		{
			const auto next = static_cast<unsigned char>(s[i + k]);
			if ((next & 0xC0) != 0x80) return false;
			cp = (cp << 6) | (next & 0x3F);
		}
		if ((length == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		i += length;
	}
	return true;
}


[[noreturn]] void refuse(const std::string& why)
{
	throw sdk::RejectedError("message not sent: " + why);
}


} // namespace


SmsHttpChannel::SmsHttpChannel(std::string_view configJson):
	_config(Config::parse(configJson)),
	_builder(_config),
	_client(_config)
{
}


SmsHttpChannel::~SmsHttpChannel() = default;


bool SmsHttpChannel::isE164(std::string_view recipient)
{
	if (recipient.size() < 12 || recipient.size() > 16 || recipient.front() != '+') return false;
	return std::all_of(recipient.begin() + 1, recipient.end(), [](char c) { return c >= '0' && c <= '9'; });
}


kb_status SmsHttpChannel::send(const sdk::Message& message, sdk::SendResult& result)
{
	result.attempts = 0;
	if (!isE164(message.recipient)) refuse("recipient is not an E.164 number (\"+\" and 11-15 digits)");
	if (message.text.empty()) refuse("text is empty");
	if (message.text.size() > kMaxTextBytes) refuse("text is longer than " + std::to_string(kMaxTextBytes) + " bytes");
	if (!isValidUtf8(message.text)) refuse("text is not valid UTF-8");
	if (message.reference && (!isValidUtf8(*message.reference) || message.reference->size() > 256))
		refuse("reference is not valid UTF-8 of at most 256 bytes");

	const GatewayRequest request = _builder.build(message);
	const Redactor redactor(message.recipient, message.text, _config.token);
	_client.send(request, redactor, result);
	return KB_OK;
}


} // namespace kabinet::smshttp
