//
// IecCodec.cpp
//
// Frame codecs of IEC 62056-21 mode C, Energomera CE dialect. See IecCodec.h.
//


#include "IecCodec.h"

#include <stdexcept>


namespace kabinet::iec {


namespace {


bool printable(std::uint8_t c) noexcept
{
	return c >= 0x20 && c <= 0x7E;
}


bool isDigit(char c) noexcept
{
	return c >= '0' && c <= '9';
}


int hexDigit(char c) noexcept
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}


std::string_view trim(std::string_view s) noexcept
{
	while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
	while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
	return s;
}


std::optional<unsigned> parseUnsigned(std::string_view s, std::size_t maxDigits) noexcept
{
	s = trim(s);
	if (s.empty() || s.size() > maxDigits) return std::nullopt;
	unsigned long long v = 0;
	for (char c : s)
	{
		if (!isDigit(c)) return std::nullopt;
		v = v * 10 + static_cast<unsigned>(c - '0');
	}
	if (v > 0xFFFFFFFFull) return std::nullopt;
	return static_cast<unsigned>(v);
}


std::optional<unsigned> parseHexByte(std::string_view s) noexcept
{
	s = trim(s);
	if (s.empty() || s.size() > 8) return std::nullopt;
	unsigned long v = 0;
	for (char c : s)
	{
		const int d = hexDigit(c);
		if (d < 0) return std::nullopt;
		v = v * 16 + static_cast<unsigned>(d);
	}
	if (v > 0xFF) return std::nullopt;
	return static_cast<unsigned>(v);
}


bool validDate(int year, unsigned month, unsigned day) noexcept
{
	if (month < 1 || month > 12 || day < 1) return false;
	static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned limit = kDays[month - 1];
	const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (month == 2 && leap) limit = 29;
	return day <= limit;
}


std::vector<std::string_view> split(std::string_view s, char sep)
{
	std::vector<std::string_view> out;
	std::size_t start = 0;
	for (;;)
	{
		const std::size_t at = s.find(sep, start);
		if (at == std::string_view::npos)
		{
			out.push_back(trim(s.substr(start)));
			return out;
		}
		out.push_back(trim(s.substr(start, at - start)));
		start = at + 1;
	}
}


void checkText(std::string_view text, const char* what)
{
	for (char c : text)
		if (!printable(static_cast<std::uint8_t>(c))) throw std::invalid_argument(std::string(what) + " contains a control character");
}


} // namespace


std::uint8_t bcc(Checksum kind, std::span<const std::uint8_t> bytes) noexcept
{
	std::uint8_t v = 0;
	if (kind == Checksum::Iec)
	{
		for (std::uint8_t b : bytes) v ^= b;
		return v;
	}
	unsigned sum = 0;
	for (std::uint8_t b : bytes) sum += b;
	return static_cast<std::uint8_t>(sum & 0x7F);
}


//
// Requests
//


std::vector<std::uint8_t> buildSignOn(std::string_view address)
{
	if (address.size() > 32) throw std::invalid_argument("address longer than 32 characters");
	for (char c : address)
		if (!printable(static_cast<std::uint8_t>(c)) || c == '/' || c == '!' || c == '?')
			throw std::invalid_argument("address contains a character that is not allowed");
	std::vector<std::uint8_t> out{'/', '?'};
	out.insert(out.end(), address.begin(), address.end());
	out.insert(out.end(), {'!', '\r', '\n'});
	return out;
}


std::vector<std::uint8_t> buildOptionSelect(char baudChar, char mode)
{
	return {ACK, '0', static_cast<std::uint8_t>(baudChar), static_cast<std::uint8_t>(mode), '\r', '\n'};
}


std::vector<std::uint8_t> buildCommand(Checksum kind, std::string_view command, std::string_view data)
{
	checkText(command, "command");
	checkText(data, "data");
	std::vector<std::uint8_t> out{SOH};
	out.insert(out.end(), command.begin(), command.end());
	out.push_back(STX);
	out.insert(out.end(), data.begin(), data.end());
	out.push_back(ETX);
	out.push_back(bcc(kind, std::span<const std::uint8_t>(out).subspan(1)));
	return out;
}


std::vector<std::uint8_t> buildPassword(Checksum kind, std::string_view password)
{
	if (password.find_first_of("()") != std::string_view::npos) throw std::invalid_argument("password contains a bracket");
	return buildCommand(kind, "P1", "(" + std::string(password) + ")");
}


std::vector<std::uint8_t> buildRead(Checksum kind, std::string_view name, std::string_view params)
{
	if (name.empty() || name.find_first_of("()") != std::string_view::npos) throw std::invalid_argument("bad function name");
	if (params.find_first_of("()") != std::string_view::npos) throw std::invalid_argument("parameters contain a bracket");
	return buildCommand(kind, "R1", std::string(name) + "(" + std::string(params) + ")");
}


std::vector<std::uint8_t> buildBreak(Checksum kind)
{
	std::vector<std::uint8_t> out{SOH, 'B', '0', ETX};
	out.push_back(bcc(kind, std::span<const std::uint8_t>(out).subspan(1)));
	return out;
}


//
// Answers
//


IdentResult decodeIdentification(std::span<const std::uint8_t> line)
{
	IdentResult r;
	if (line.size() < 7) return {std::nullopt, "identification too short"};
	if (line.size() > 128) return {std::nullopt, "identification too long"};
	if (line[0] != '/') return {std::nullopt, "identification does not start with '/'"};
	if (line[line.size() - 2] != '\r' || line[line.size() - 1] != '\n') return {std::nullopt, "identification does not end with CR LF"};
	const std::size_t end = line.size() - 2;
	for (std::size_t i = 1; i < end; ++i)
		if (!printable(line[i])) return {std::nullopt, "identification contains a control character"};
	Identification id;
	for (std::size_t i = 1; i <= 3; ++i)
	{
		const char c = static_cast<char>(line[i]);
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return {std::nullopt, "manufacturer is not three letters"};
		id.manufacturer.push_back(c);
	}
	id.baudChar = static_cast<char>(line[4]);
	std::size_t pos = 5;
	if (pos + 1 < end && line[pos] == '\\' && isDigit(static_cast<char>(line[pos + 1])))
	{
		id.modeE = line[pos + 1] == '2';
		pos += 2;
	}
	id.ident.assign(line.begin() + static_cast<std::ptrdiff_t>(pos), line.begin() + static_cast<std::ptrdiff_t>(end));
	id.model = id.ident;
	const std::size_t v = id.ident.find_last_of("vV");
	if (v != std::string::npos && v > 0 && v + 1 < id.ident.size())
	{
		bool version = isDigit(id.ident[v + 1]);
		for (std::size_t i = v + 1; i < id.ident.size() && version; ++i)
			version = isDigit(id.ident[i]) || id.ident[i] == '.';
		if (version)
		{
			id.model = id.ident.substr(0, v);
			id.firmware = id.ident.substr(v + 1);
		}
	}
	r.value = std::move(id);
	return r;
}


CommandResult decodeCommandFrame(Checksum kind, std::span<const std::uint8_t> frame)
{
	if (frame.size() < 4) return {std::nullopt, "frame too short"};
	if (frame.size() > kMaxFrame) return {std::nullopt, "frame too long"};
	if (frame[0] != SOH) return {std::nullopt, "frame does not start with SOH"};
	if (frame[frame.size() - 2] != ETX) return {std::nullopt, "frame does not end with ETX and BCC"};
	const std::size_t etx = frame.size() - 2;
	if (bcc(kind, frame.subspan(1, etx)) != frame[frame.size() - 1]) return {std::nullopt, "bad BCC"};
	CommandFrame f;
	std::size_t i = 1;
	for (; i < etx && frame[i] != STX; ++i)
	{
		if (!printable(frame[i])) return {std::nullopt, "command contains a control character"};
		f.command.push_back(static_cast<char>(frame[i]));
	}
	if (f.command.empty() || f.command.size() > 4) return {std::nullopt, "bad command length"};
	if (i < etx)
	{
		f.hasData = true;
		for (++i; i < etx; ++i)
		{
			if (!printable(frame[i])) return {std::nullopt, "data contains a control character"};
			f.data.push_back(static_cast<char>(frame[i]));
		}
	}
	return {std::move(f), {}};
}


DataResult decodeDataBody(std::string_view body)
{
	DataBlock block;
	std::string name;
	std::size_t pos = 0;
	const std::size_t n = body.size();
	while (pos < n)
	{
		while (pos < n && (body[pos] == '\r' || body[pos] == '\n')) ++pos;
		if (pos == n) break;
		std::size_t start = pos;
		while (pos < n && body[pos] != '(')
		{
			const auto c = static_cast<std::uint8_t>(body[pos]);
			if (!printable(c) || c == ')') return {std::nullopt, "bad character in a name"};
			++pos;
		}
		if (pos == n) return {std::nullopt, "value without '('"};
		if (pos - start > 16) return {std::nullopt, "name too long"};
		if (pos > start) name.assign(body.substr(start, pos - start));
		++pos; // '('
		start = pos;
		while (pos < n && body[pos] != ')')
		{
			const auto c = static_cast<std::uint8_t>(body[pos]);
			if (!printable(c) || c == '(') return {std::nullopt, "bad character in a value"};
			++pos;
		}
		if (pos == n) return {std::nullopt, "value without ')'"};
		if (pos - start > 256) return {std::nullopt, "value too long"};
		const std::string_view value = body.substr(start, pos - start);
		++pos; // ')'
		if (block.errorCode < 0 && value.size() >= 4 && value.size() <= 6 && value.substr(0, 3) == "ERR")
		{
			if (auto code = parseUnsigned(value.substr(3), 3)) block.errorCode = static_cast<int>(*code);
		}
		block.items.push_back({name, std::string(value)});
	}
	if (block.items.empty()) return {std::nullopt, "answer holds no value"};
	return {std::move(block), {}};
}


DataResult decodeDataFrame(Checksum kind, std::span<const std::uint8_t> frame)
{
	if (frame.size() < 3) return {std::nullopt, "frame too short"};
	if (frame.size() > kMaxFrame) return {std::nullopt, "frame too long"};
	if (frame[0] != STX) return {std::nullopt, "frame does not start with STX"};
	const std::size_t etx = frame.size() - 2;
	if (frame[etx] != ETX) return {std::nullopt, "frame does not end with ETX and BCC"};
	if (bcc(kind, frame.subspan(1, etx)) != frame[frame.size() - 1]) return {std::nullopt, "bad BCC"};
	std::string body;
	body.reserve(etx - 1);
	for (std::size_t i = 1; i < etx; ++i)
	{
		const std::uint8_t c = frame[i];
		if (!printable(c) && c != '\r' && c != '\n') return {std::nullopt, "control character inside the answer"};
		body.push_back(static_cast<char>(c));
	}
	return decodeDataBody(body);
}


//
// Frame boundaries
//


FrameScan scanLine(std::span<const std::uint8_t> bytes, std::size_t maxLength)
{
	if (bytes.empty()) return {};
	if (bytes[0] != '/') return {FrameState::Invalid, 0};
	for (std::size_t i = 1; i < bytes.size(); ++i)
	{
		const std::uint8_t c = bytes[i];
		if (c == '\n')
		{
			if (bytes[i - 1] != '\r') return {FrameState::Invalid, 0};
			return {FrameState::Complete, i + 1};
		}
		if (c == '\r')
		{
			if (i + 1 < bytes.size() && bytes[i + 1] != '\n') return {FrameState::Invalid, 0};
			continue;
		}
		if (!printable(c)) return {FrameState::Invalid, 0};
		if (i + 1 >= maxLength) return {FrameState::Invalid, 0};
	}
	return {};
}


FrameScan scanBlock(std::span<const std::uint8_t> bytes, std::size_t maxLength)
{
	if (bytes.empty()) return {};
	if (bytes[0] != SOH && bytes[0] != STX) return {FrameState::Invalid, 0};
	bool stxSeen = bytes[0] == STX;
	for (std::size_t i = 1; i < bytes.size(); ++i)
	{
		const std::uint8_t c = bytes[i];
		if (c == ETX)
		{
			if (i + 1 < bytes.size()) return {FrameState::Complete, i + 2};
			return {};
		}
		if (c == STX && !stxSeen)
		{
			stxSeen = true;
			continue;
		}
		if (!printable(c) && c != '\r' && c != '\n') return {FrameState::Invalid, 0};
		if (i + 2 >= maxLength) return {FrameState::Invalid, 0};
	}
	return {};
}


//
// Values
//


std::optional<Fixed> parseDecimal(std::string_view text)
{
	const std::size_t star = text.find('*');
	if (star != std::string_view::npos) text = text.substr(0, star);
	text = trim(text);
	if (text.empty() || text.size() > 40) return std::nullopt;
	bool negative = false;
	if (text.front() == '-' || text.front() == '+')
	{
		negative = text.front() == '-';
		text.remove_prefix(1);
	}
	std::int64_t whole = 0;
	int significant = 0, digits = 0;
	std::size_t i = 0;
	for (; i < text.size() && isDigit(text[i]); ++i)
	{
		++digits;
		if (whole == 0 && text[i] == '0') continue;
		if (++significant > 9) return std::nullopt;
		whole = whole * 10 + (text[i] - '0');
	}
	std::int64_t frac = 0;
	int fracDigits = 0;
	if (i < text.size() && text[i] == '.')
	{
		for (++i; i < text.size() && isDigit(text[i]); ++i)
		{
			++digits;
			if (++fracDigits > 18) return std::nullopt;
			if (fracDigits <= 9) frac = frac * 10 + (text[i] - '0');
		}
	}
	if (i != text.size() || digits == 0) return std::nullopt;
	for (int k = std::min(fracDigits, 9); k < 9; ++k) frac *= 10;
	std::int64_t nano = whole * 1000000000LL + frac;
	return Fixed{negative ? -nano : nano};
}


std::vector<std::string_view> splitFields(std::string_view value)
{
	return split(value, ',');
}


std::optional<LocalDate> parseDate(std::string_view text)
{
	const auto f = split(text, '.');
	if (f.size() != 3) return std::nullopt;
	const auto d = parseUnsigned(f[0], 2), m = parseUnsigned(f[1], 2), y = parseUnsigned(f[2], 2);
	if (!d || !m || !y) return std::nullopt;
	LocalDate date{2000 + static_cast<int>(*y), *m, *d, -1};
	if (!validDate(date.year, date.month, date.day)) return std::nullopt;
	return date;
}


std::optional<LocalDate> parseMeterDate(std::string_view text)
{
	text = trim(text);
	const std::size_t dot = text.find('.');
	if (dot == std::string_view::npos) return std::nullopt;
	const auto w = parseUnsigned(text.substr(0, dot), 2);
	if (!w || *w > 7) return std::nullopt;
	auto date = parseDate(text.substr(dot + 1));
	if (!date) return std::nullopt;
	date->weekday = static_cast<int>(*w % 7);
	return date;
}


std::optional<LocalTime> parseTime(std::string_view text)
{
	const auto f = split(text, ':');
	if (f.size() != 3) return std::nullopt;
	const auto h = parseUnsigned(f[0], 2), m = parseUnsigned(f[1], 2), s = parseUnsigned(f[2], 2);
	if (!h || !m || !s || *h > 23 || *m > 59 || *s > 59) return std::nullopt;
	return LocalTime{*h, *m, *s};
}


std::optional<JournalEntry> parseJournalEntry(std::string_view value)
{
	const auto f = splitFields(value);
	if (f.empty()) return std::nullopt;
	const auto rec = parseUnsigned(f[0], 10);
	if (!rec) return std::nullopt;
	JournalEntry e;
	e.record = *rec;
	if (e.record == 0) return e;
	if (f.size() < 4 || f.size() > 5) return std::nullopt;
	const auto date = parseDate(f[1]);
	const auto time = parseTime(f[2]);
	const auto info = parseHexByte(f[3]);
	if (!date || !time || !info) return std::nullopt;
	e.date = *date;
	e.time = *time;
	e.info = static_cast<std::uint8_t>(*info);
	return e;
}


ProfileResult parseProfileDay(const DataBlock& block)
{
	ProfileDay day;
	if (block.items.size() > 1440) return {std::nullopt, "too many profile intervals"};
	for (std::size_t i = 0; i < block.items.size(); ++i)
	{
		const auto f = splitFields(block.items[i].value);
		std::size_t at = 0;
		if (i == 0 && f.size() == 3)
		{
			day.date = parseDate(f[0]);
			if (!day.date) return {std::nullopt, "bad profile day"};
			at = 1;
		}
		if (f.size() != at + 2) return {std::nullopt, "bad profile interval"};
		const auto value = parseDecimal(f[at]);
		const auto status = parseHexByte(f[at + 1]);
		if (!value || !status) return {std::nullopt, "bad profile interval"};
		day.entries.push_back({*value, static_cast<std::uint8_t>(*status)});
	}
	return {std::move(day), {}};
}


} // namespace kabinet::iec
