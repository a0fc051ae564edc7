//
// Redactor.h
//
// Short, sanitised excerpts of untrusted gateway answers, free of the message's personal data.
//


#ifndef KABINET_SMSHTTP_REDACTOR_H
#define KABINET_SMSHTTP_REDACTOR_H


#include <cstddef>
#include <string>
#include <string_view>


namespace kabinet::smshttp {


class Redactor
	/// Makes excerpts of gateway answers that are safe for error texts and logs: gateways often echo
	/// the request ("invalid number +7916...", "text too long: ..."), and their answers are untrusted.
	///
	/// An excerpt is built from the start of the body (a JSON body is first normalised, so that
	/// \u-escaped text is compared as UTF-8; other bodies are percent-decoded), then:
	///  - every run of 7 or more digits, possibly separated by " +-().", is replaced by "[redacted]"
	///    (phone numbers in any notation);
	///  - every stretch shared with the message text (8 bytes or more; or the whole text when it is
	///    4 to 8 bytes long) and with the token is replaced by "[redacted]";
	///  - control characters, invalid UTF-8 and bidirectional overrides become spaces or "?";
	///    whitespace is collapsed; the result is cut to maxBytes at a character boundary.
{
public:
	Redactor(std::string_view recipient, std::string_view text, std::string_view token);
		/// Creates a redactor for one message. The views must stay valid while it is used.

	std::string excerpt(std::string_view body, std::size_t maxBytes = 160) const;
		/// Returns a sanitised excerpt of body of at most maxBytes bytes (plus "..." when cut).

private:
	std::string_view _recipient;
	std::string_view _text;
	std::string_view _token;
};


} // namespace kabinet::smshttp


#endif // KABINET_SMSHTTP_REDACTOR_H
