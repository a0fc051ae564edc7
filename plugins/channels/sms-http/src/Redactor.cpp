//
// Redactor.cpp
//


#include "Redactor.h"

#include "Poco/Exception.h"
#include "Poco/JSON/Parser.h"
#include "Poco/JSON/Stringifier.h"

#include <algorithm>
#include <sstream>
#include <vector>


namespace kabinet::smshttp {


namespace {


constexpr std::size_t kNormaliseLimit = 64 * 1024; // bodies larger than this are not JSON-normalised
constexpr std::size_t kWindow = 1024;              // bytes of the normalised body considered
constexpr std::size_t kMinDigits = 7;              // digit runs this long are treated as phone numbers
constexpr std::size_t kMinShared = 8;              // shared stretches this long are redacted
constexpr std::string_view kRedacted = "[redacted]";


int hexValue(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}


std::string percentDecode(std::string_view s, bool plusIsSpace)
	/// Tolerant percent-decoding: malformed escapes are kept as they are.
{
	std::string out;
	out.reserve(s.size());
	for (std::size_t i = 0; i < s.size(); ++i)
	{
		if (s[i] == '%' && i + 2 < s.size() && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0)
		{
			out += static_cast<char>(hexValue(s[i + 1]) * 16 + hexValue(s[i + 2]));
			i += 2;
		}
		else if (s[i] == '+' && plusIsSpace)
		{
			out += ' ';
		}
		else
		{
			out += s[i];
		}
	}
	return out;
}


std::string normalise(std::string_view body)
	/// A JSON body re-serialised compactly with UTF-8 strings; any other body percent-decoded.
{
	const auto first = std::find_if(body.begin(), body.end(), [](char c) { return c != ' ' && c != '\t' && c != '\r' && c != '\n'; });
	if (body.size() <= kNormaliseLimit && first != body.end() && (*first == '{' || *first == '['))
	{
		try
		{
			Poco::JSON::Parser parser;
			parser.setDepth(32);
			const Poco::Dynamic::Var value = parser.parse(std::string(body));
			std::ostringstream out;
			Poco::JSON::Stringifier::condense(value, out, Poco::JSON_WRAP_STRINGS);
			return out.str();
		}
		catch (const Poco::Exception&)
		{
			// not JSON after all: fall through
		}
		catch (const std::exception&)
		{
		}
	}
	const std::string_view head = body.substr(0, kWindow * 3);
	const bool formLike = head.find('=') != std::string_view::npos &&
		head.find_first_of(" \t\r\n") == std::string_view::npos;
	return percentDecode(head, formLike);
}


void markShared(std::string_view s, std::string_view secret, std::size_t minLength, std::vector<bool>& mask)
	/// Marks in mask every stretch of s of at least minLength bytes that also occurs in secret
	/// (longest common substrings, by dynamic programming over suffix lengths).
{
	if (secret.empty() || minLength == 0 || s.empty()) return;
	std::vector<std::size_t> previous(secret.size() + 1, 0);
	std::vector<std::size_t> current(secret.size() + 1, 0);
	for (std::size_t i = 0; i < s.size(); ++i)
	{
		std::size_t longest = 0;
		for (std::size_t j = 0; j < secret.size(); ++j)
		{
			current[j + 1] = s[i] == secret[j] ? previous[j] + 1 : 0;
			longest = std::max(longest, current[j + 1]);
		}
		if (longest >= minLength)
			for (std::size_t k = i + 1 - longest; k <= i; ++k) mask[k] = true;
		std::swap(previous, current);
	}
}


void markDigitRuns(std::string_view s, std::vector<bool>& mask)
	/// Marks runs of kMinDigits or more digits, allowing the separators of written phone numbers.
{
	auto isSeparator = [](char c) { return c == ' ' || c == '+' || c == '-' || c == '(' || c == ')' || c == '.'; };
	std::size_t i = 0;
	while (i < s.size())
	{
		if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '+' && s[i] != '(')
		{
			++i;
			continue;
		}
		const std::size_t start = i;
		std::size_t digits = 0;
		std::size_t lastDigit = start;
		while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || isSeparator(s[i])))
		{
			if (s[i] >= '0' && s[i] <= '9')
			{
				++digits;
				lastDigit = i;
			}
			++i;
		}
		if (digits >= kMinDigits)
			for (std::size_t k = start; k <= lastDigit; ++k) mask[k] = true;
		if (i == start) ++i;
	}
}


std::size_t utf8Length(std::string_view s, std::size_t pos, char32_t& codePoint)
	/// Length of the valid UTF-8 sequence at pos (0 if invalid); sets codePoint.
{
	const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
	const unsigned char lead = byte(pos);
	std::size_t length = 0;
	if (lead < 0x80) { codePoint = lead; return 1; }
	else if (lead >= 0xC2 && lead <= 0xDF) { length = 2; codePoint = lead & 0x1F; }
	else if (lead >= 0xE0 && lead <= 0xEF) { length = 3; codePoint = lead & 0x0F; }
	else if (lead >= 0xF0 && lead <= 0xF4) { length = 4; codePoint = lead & 0x07; }
	else return 0;
	if (pos + length > s.size()) return 0;
	for (std::size_t k = 1; k < length; ++k)
	{
		if ((byte(pos + k) & 0xC0) != 0x80) return 0;
		codePoint = (codePoint << 6) | (byte(pos + k) & 0x3F);
	}
	if ((length == 3 && (codePoint < 0x800 || (codePoint >= 0xD800 && codePoint <= 0xDFFF))) ||
		(length == 4 && (codePoint < 0x10000 || codePoint > 0x10FFFF)))
		return 0;
	return length;
}


bool isInvisibleOrControl(char32_t c)
{
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x200B && c <= 0x200F) ||
		(c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}


} // namespace


Redactor::Redactor(std::string_view recipient, std::string_view text, std::string_view token):
	_recipient(recipient),
	_text(text),
	_token(token)
{
}


std::string Redactor::excerpt(std::string_view body, std::size_t maxBytes) const
{
	const std::string normalised = normalise(body);
	const std::string_view window = std::string_view(normalised).substr(0, kWindow);

	std::vector<bool> mask(window.size(), false);
	markDigitRuns(window, mask);
	if (_text.size() >= 4) markShared(window, _text.substr(0, 16 * 1024), std::min(kMinShared, _text.size()), mask);
	if (_token.size() >= 4) markShared(window, _token, std::min(kMinShared, _token.size()), mask);
	if (_recipient.size() >= 4) markShared(window, _recipient, std::min(kMinDigits, _recipient.size()), mask);

	std::string out;
	bool pendingSpace = false;
	bool truncated = window.size() < normalised.size();
	std::size_t i = 0;
	while (i < window.size())
	{
		std::string_view piece;
		std::size_t advance = 1;
		bool space = false;
		if (mask[i])
		{
			while (i + advance < window.size() && mask[i + advance]) ++advance;
			piece = kRedacted;
		}
		else
		{
			char32_t codePoint = 0;
			const std::size_t length = utf8Length(window, i, codePoint);
			if (length == 0)
			{
				piece = "?";
			}
			else
			{
				advance = length;
				if (codePoint == ' ' || isInvisibleOrControl(codePoint)) space = true;
				else piece = window.substr(i, length);
			}
		}
		i += advance;
		if (space)
		{
			pendingSpace = !out.empty();
			continue;
		}
		const std::size_t needed = piece.size() + (pendingSpace ? 1 : 0);
		if (out.size() + needed > maxBytes)
		{
			truncated = true;
			break;
		}
		if (pendingSpace) out += ' ';
		pendingSpace = false;
		out += piece;
	}
	if (truncated) out += "...";
	return out;
}


} // namespace kabinet::smshttp
