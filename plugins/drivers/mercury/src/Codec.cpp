//
// Codec.cpp
//


#include "Codec.h"

#include "Crc16.h"

#include "kabinet/driver.hpp"

#include <cstdio>


namespace kabinet::mercury {


namespace {


void need(std::span<const std::uint8_t> data, std::size_t size, const char* what)
{
	if (data.size() != size)
		throw sdk::ProtocolError(std::string("mercury: ") + what + ": expected " + std::to_string(size) +
			" data bytes, got " + std::to_string(data.size()));
}


unsigned daysIn(int year, unsigned month) noexcept
{
	static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
	return kDays[(month - 1) % 12];
}


std::optional<LocalTime> makeTime(std::uint8_t ss, std::uint8_t mm, std::uint8_t hh, std::uint8_t dd, std::uint8_t mo, std::uint8_t yy) noexcept
	/// A local time from BCD fields; nullopt when a field is not BCD or out of range.
{
	const auto s = fromBcd(ss), m = fromBcd(mm), h = fromBcd(hh), d = fromBcd(dd), mon = fromBcd(mo), y = fromBcd(yy);
	if (!s || !m || !h || !d || !mon || !y) return std::nullopt;
	if (*s > 59 || *m > 59 || *h > 23 || *mon < 1 || *mon > 12 || *d < 1) return std::nullopt;
	LocalTime t;
	t.year = 2000 + *y;
	t.month = *mon;
	t.day = *d;
	t.hour = *h;
	t.minute = *m;
	t.second = *s;
	if (t.day > daysIn(t.year, t.month)) return std::nullopt;
	return t;
}


void appendCrc(Bytes& frame)
{
	const std::uint16_t crc = crc16(frame);
	frame.push_back(static_cast<std::uint8_t>(crc & 0xFFu));
	frame.push_back(static_cast<std::uint8_t>(crc >> 8));
}


} // namespace


Bytes makeFrame(std::uint8_t address, std::span<const std::uint8_t> body)
{
	Bytes frame;
	frame.reserve(body.size() + 3);
	frame.push_back(address);
	frame.insert(frame.end(), body.begin(), body.end());
	appendCrc(frame);
	return frame;
}


Bytes testLinkRequest(std::uint8_t address)
{
	const std::uint8_t body[] = {0x00};
	return makeFrame(address, body);
}


Bytes openRequest(std::uint8_t address, std::uint8_t level, const std::array<std::uint8_t, 6>& password)
{
	std::uint8_t body[8] = {0x01, level};
	for (std::size_t i = 0; i < password.size(); ++i) body[2 + i] = password[i];
	return makeFrame(address, body);
}


Bytes closeRequest(std::uint8_t address)
{
	const std::uint8_t body[] = {0x02};
	return makeFrame(address, body);
}


Bytes clockRequest(std::uint8_t address)
{
	const std::uint8_t body[] = {0x04, 0x00};
	return makeFrame(address, body);
}


Bytes journalRequest(std::uint8_t address, std::uint8_t journal, std::uint8_t record)
{
	const std::uint8_t body[] = {0x04, journal, record};
	return makeFrame(address, body);
}


Bytes energyRequest(std::uint8_t address, std::uint8_t array, std::uint8_t month, std::uint8_t tariff)
{
	const std::uint8_t body[] = {0x05, static_cast<std::uint8_t>(((array & 0x0Fu) << 4) | (month & 0x0Fu)), tariff};
	return makeFrame(address, body);
}


Bytes paramRequest(std::uint8_t address, std::uint8_t param)
{
	const std::uint8_t body[] = {0x08, param};
	return makeFrame(address, body);
}


Bytes paramRequest(std::uint8_t address, std::uint8_t param, std::uint8_t argument)
{
	const std::uint8_t body[] = {0x08, param, argument};
	return makeFrame(address, body);
}


Bytes profileRecordRequest(std::uint8_t address, std::uint32_t byteAddress)
{
	const std::uint8_t body[] = {
		0x06,
		static_cast<std::uint8_t>((byteAddress & 0x10000u) ? 0x83 : 0x03),
		static_cast<std::uint8_t>((byteAddress >> 8) & 0xFFu),
		static_cast<std::uint8_t>(byteAddress & 0xFFu),
		0x0F};
	return makeFrame(address, body);
}


Reply decodeReply(std::span<const std::uint8_t> frame, std::uint8_t expectedAddress)
{
	if (frame.size() < 4)
		throw sdk::ProtocolError("mercury: truncated answer (" + std::to_string(frame.size()) + " bytes)");
	if (frame.size() > 260)
		throw sdk::ProtocolError("mercury: oversize answer (" + std::to_string(frame.size()) + " bytes)");
	if (!crcMatches(frame)) throw sdk::ProtocolError("mercury: bad CRC in the answer");
	if (expectedAddress != 0 && frame[0] != expectedAddress)
		throw sdk::ProtocolError("mercury: answer from address " + std::to_string(frame[0]) + " instead of " +
			std::to_string(expectedAddress));
	Reply reply;
	reply.address = frame[0];
	if (frame.size() == 4)
	{
		reply.isStatus = true;
		reply.status = frame[1] & 0x0Fu;
	}
	else
	{
		reply.data.assign(frame.begin() + 1, frame.end() - 2);
	}
	return reply;
}


std::int64_t toUtc(const LocalTime& time, int utcOffsetMin) noexcept
{
	return sdk::civilToUnix(time.year, time.month, time.day, time.hour, time.minute, time.second) -
		static_cast<std::int64_t>(utcOffsetMin) * 60;
}


std::optional<std::uint8_t> fromBcd(std::uint8_t value) noexcept
{
	const unsigned hi = value >> 4, lo = value & 0x0Fu;
	if (hi > 9 || lo > 9) return std::nullopt;
	return static_cast<std::uint8_t>(hi * 10 + lo);
}


std::uint32_t energyWord(const std::uint8_t* p) noexcept
{
	return (static_cast<std::uint32_t>(p[1]) << 24) | (static_cast<std::uint32_t>(p[0]) << 16) |
		(static_cast<std::uint32_t>(p[3]) << 8) | static_cast<std::uint32_t>(p[2]);
}


EnergyRegisters decodeEnergy(std::span<const std::uint8_t> data)
{
	need(data, 16, "energy registers");
	EnergyRegisters r;
	for (std::size_t i = 0; i < 4; ++i)
	{
		const std::uint32_t v = energyWord(data.data() + 4 * i);
		if (v != 0xFFFFFFFFu) r.wh[i] = v;
	}
	return r;
}


SerialInfo decodeSerial(std::span<const std::uint8_t> data)
{
	need(data, 7, "serial number");
	SerialInfo info;
	char buf[16];
	for (std::size_t i = 0; i < 4; ++i)
	{
		if (data[i] > 99) throw sdk::ProtocolError("mercury: serial number byte above 99");
		std::snprintf(buf, sizeof buf, "%02u", static_cast<unsigned>(data[i]));
		info.serial += buf;
	}
	const unsigned day = data[4], month = data[5], year = data[6];
	if (month >= 1 && month <= 12 && year <= 99 && day >= 1 && day <= daysIn(2000 + static_cast<int>(year), month))
	{
		std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", 2000 + year, month, day);
		info.manufacturedOn = buf;
	}
	return info;
}


std::string decodeFirmware(std::span<const std::uint8_t> data)
{
	need(data, 3, "firmware version");
	return std::to_string(data[0]) + "." + std::to_string(data[1]) + "." + std::to_string(data[2]);
}


std::optional<FirmwareVersion> parseFirmware(std::string_view text) noexcept
{
	FirmwareVersion v;
	unsigned* const parts[3] = {&v.major, &v.minor, &v.patch};
	std::size_t at = 0;
	for (std::size_t i = 0; i < 3; ++i)
	{
		if (i > 0)
		{
			if (at >= text.size() || text[at] != '.') return std::nullopt;
			++at;
		}
		const std::size_t start = at;
		unsigned value = 0;
		while (at < text.size() && text[at] >= '0' && text[at] <= '9' && at - start < 3)
			value = value * 10 + static_cast<unsigned>(text[at++] - '0');
		if (at == start) return std::nullopt;
		*parts[i] = value;
	}
	if (at != text.size()) return std::nullopt;
	return v;
}


unsigned pulseConstant(unsigned code) noexcept
{
	switch (code)
	{
	case 0: return 5000;
	case 1: return 25000;
	case 2: return 1250;
	case 3: return 500;
	case 4: return 1000;
	case 5: return 250;
	default: return 0;
	}
}


Variant decodeVariant(std::span<const std::uint8_t> data)
{
	if (data.size() < 3 || data.size() > 12)
		throw sdk::ProtocolError("mercury: variant: expected 3 to 12 data bytes, got " + std::to_string(data.size()));
	Variant v;
	const std::uint8_t b2 = data[1];
	if (const unsigned a = pulseConstant(b2 & 0x0Fu); a != 0) v.pulsesPerKwh = a;
	v.phases = (b2 & 0x10u) ? 1 : 3;
	v.hasProfile = (b2 & 0x20u) != 0;
	v.directions = (b2 & 0x80u) ? 1 : 2;
	if (data.size() >= 4 && (data[3] & 0x80u)) v.profileRecords = 8192;
	return v;
}


LocalTime decodeClock(std::span<const std::uint8_t> data)
{
	need(data, 8, "clock");
	const auto t = makeTime(data[0], data[1], data[2], data[4], data[5], data[6]);
	if (!t) throw sdk::ProtocolError("mercury: the meter's clock is not a valid date and time");
	return *t;
}


JournalRecord decodeJournal(std::span<const std::uint8_t> data)
{
	if (data.size() != 12 && data.size() != 13)
		throw sdk::ProtocolError("mercury: journal record: expected 12 data bytes, got " + std::to_string(data.size()));
	JournalRecord r;
	r.first = makeTime(data[0], data[1], data[2], data[3], data[4], data[5]);
	r.second = makeTime(data[6], data[7], data[8], data[9], data[10], data[11]);
	return r;
}


LastRecord decodeLastRecord(std::span<const std::uint8_t> data)
{
	need(data, 9, "last profile record");
	LastRecord r;
	r.word = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
	r.status = data[2];
	r.time = makeTime(0x00, data[4], data[3], data[5], data[6], data[7]);
	r.periodMin = data[8];
	return r;
}


std::uint32_t lastRecordByteAddress(const LastRecord& last, const FirmwareVersion& firmware) noexcept
{
	return firmware >= kLastRecordInUnitsFrom ? static_cast<std::uint32_t>(last.word) * 0x10u : last.word;
}


ProfileRecord decodeProfileRecord(std::span<const std::uint8_t> data)
{
	need(data, 15, "profile record");
	ProfileRecord r;
	r.status = data[0];
	r.time = makeTime(0x00, data[2], data[1], data[3], data[4], data[5]);
	r.periodMin = data[6];
	for (std::size_t i = 0; i < 4; ++i)
	{
		const std::uint16_t v = static_cast<std::uint16_t>(data[7 + 2 * i] | (data[8 + 2 * i] << 8));
		if (v != 0xFFFFu) r.pulses[i] = v;
	}
	return r;
}


double pulsesToKwh(std::uint16_t pulses, unsigned pulsesPerKwh) noexcept
{
	return pulsesPerKwh == 0 ? 0.0 : static_cast<double>(pulses) / (2.0 * static_cast<double>(pulsesPerKwh));
}


std::vector<Measurement> decodeMeasurements(std::span<const std::uint8_t> data)
{
	if (data.empty() || data.size() > 12 || data.size() % 3 != 0)
		throw sdk::ProtocolError("mercury: instantaneous values: " + std::to_string(data.size()) +
			" data bytes is not 1 to 4 values of 3 bytes");
	std::vector<Measurement> out;
	for (std::size_t i = 0; i + 3 <= data.size(); i += 3)
	{
		Measurement m;
		m.magnitude = ((static_cast<std::uint32_t>(data[i]) & 0x3Fu) << 16) | (static_cast<std::uint32_t>(data[i + 2]) << 8) | data[i + 1];
		m.activeReverse = (data[i] & 0x80u) != 0;
		m.reactiveReverse = (data[i] & 0x40u) != 0;
		out.push_back(m);
	}
	return out;
}


} // namespace kabinet::mercury
