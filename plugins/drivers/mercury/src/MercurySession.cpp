//
// MercurySession.cpp
//


#include "MercurySession.h"

#include "Crc16.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <thread>


namespace kabinet::mercury {


namespace {


using Clock = std::chrono::steady_clock;


std::string hex(std::initializer_list<unsigned> bytes)
	/// "05 00 01": how objects are named in unavailable reports.
{
	std::string out;
	char buf[4];
	for (unsigned b: bytes)
	{
		std::snprintf(buf, sizeof buf, "%02X", b & 0xFFu);
		if (!out.empty()) out += ' ';
		out += buf;
	}
	return out;
}


const char* statusText(std::uint8_t status) noexcept
{
	switch (status)
	{
	case StatusBadCommand: return "not supported by this meter (invalid command or parameter)";
	case StatusInternal: return "internal error of the meter";
	case StatusAccessLevel: return "access level too low";
	case StatusClockCorrected: return "refused (clock already corrected today)";
	default: return "refused by the meter";
	}
}


std::string bare(const char* what)
	/// An error text without the driver's "mercury: " prefix, to be prefixed once with the command.
{
	std::string text(what);
	if (text.rfind("mercury: ", 0) == 0) text.erase(0, 9);
	return text;
}


long long millisLeft(Clock::time_point deadline) noexcept
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}


constexpr kb_quantity kEnergyQuantity[4] = {KB_Q_ENERGY_AP, KB_Q_ENERGY_AM, KB_Q_ENERGY_RP, KB_Q_ENERGY_RM};
constexpr const char* kChannelName[4] = {"A+", "A-", "R+", "R-"};


} // namespace


MercurySession::MercurySession(const DriverConfig& config, const MeterSettings& settings, sdk::Transport transport):
	_config(config),
	_settings(settings),
	_transport(transport)
{
	exchange(testLinkRequest(_settings.address), 1, 1, "00");
	openChannel();
}


void MercurySession::close() noexcept
{
	try
	{
		exchangeOnce(closeRequest(_settings.address), 1, 1);
	}
	catch (...)
	{
	}
}


//
// The dialogue
//


void MercurySession::pace()
{
	if (_config.interFrameMs == 0 || _lastRx == Clock::time_point{}) return;
	const auto ready = _lastRx + std::chrono::milliseconds(_config.interFrameMs);
	if (Clock::now() < ready) std::this_thread::sleep_until(ready);
}


Reply MercurySession::exchangeOnce(const Bytes& request, std::size_t minData, std::size_t maxData)
{
	pace();
	_transport.discardInput();
	_transport.write(request, _config.timeoutMs);

	const std::size_t minFrame = minData + 3, maxFrame = maxData + 3;
	const auto timeout = std::chrono::milliseconds(_config.timeoutMs);
	const auto gap = std::chrono::milliseconds(_config.frameGapMs);
	Bytes buf(maxFrame);
	std::size_t have = 0;
	Clock::time_point deadline = Clock::now() + timeout; // first byte, then the rest of the frame
	for (;;)
	{
		// A frame that already checks out may be complete: a status answer (4 bytes) or an answer of
		// variable length. Then the line's silence for frame_gap_ms ends it.
		const std::span<const std::uint8_t> got(buf.data(), have);
		const bool complete = (have == 4 && maxFrame > 4 && crcMatches(got)) ||
			(have >= minFrame && have < maxFrame && crcMatches(got));
		const Clock::time_point until = complete ? std::min(deadline, Clock::now() + gap) : deadline;
		const long long left = millisLeft(until);
		bool quiet = left <= 0;
		if (!quiet)
		{
			try
			{
				const std::size_t n = _transport.readSome(buf.data() + have, maxFrame - have, static_cast<std::uint32_t>(left));
				if (have == 0) deadline = Clock::now() + timeout;
				have += n;
				_lastRx = Clock::now();
				if (have >= maxFrame) break;
				continue;
			}
			catch (const sdk::TimeoutError&)
			{
				quiet = true;
			}
		}
		if (have == 0) throw sdk::TimeoutError("no answer within " + std::to_string(_config.timeoutMs) + " ms");
		if (complete) break;
		// A shorter frame whose CRC checks out is a whole answer of the wrong length, not a truncated one.
		if (have >= 4 && crcMatches(got)) break;
		throw sdk::ProtocolError("truncated answer (" + std::to_string(have) + " of " + std::to_string(maxFrame) + " bytes)");
	}

	Reply reply = decodeReply(std::span<const std::uint8_t>(buf.data(), have), _settings.address);
	if (!reply.isStatus && (reply.data.size() < minData || reply.data.size() > maxData))
		throw MalformedAnswer("-", "answer of " + std::to_string(reply.data.size()) + " data bytes where " +
			std::to_string(minData) + (minData == maxData ? "" : ".." + std::to_string(maxData)) + " were expected");
	return reply;
}


Reply MercurySession::exchange(const Bytes& request, std::size_t minData, std::size_t maxData, const std::string& object)
{
	// Every failure names the request ("mercury: 04 00: no answer within 150 ms"), so that the poll log
	// says which command failed.
	for (unsigned attempt = 0;; ++attempt)
	{
		try
		{
			return exchangeOnce(request, minData, maxData);
		}
		catch (const MalformedAnswer& exc)
		{
			if (attempt >= _config.frameRetries) throw MalformedAnswer(object, exc.reason());
			sdk::log(KB_LOG_DEBUG, "mercury: " + object + ": " + exc.reason() + "; repeating the request");
		}
		catch (const sdk::ProtocolError& exc)
		{
			if (attempt >= _config.frameRetries) throw sdk::ProtocolError("mercury: " + object + ": " + bare(exc.what()));
			sdk::log(KB_LOG_DEBUG, "mercury: " + object + ": " + bare(exc.what()) + "; repeating the request");
		}
		catch (const sdk::TimeoutError& exc)
		{
			if (attempt >= _config.frameRetries) throw sdk::TimeoutError("mercury: " + object + ": " + bare(exc.what()));
			sdk::log(KB_LOG_DEBUG, "mercury: " + object + ": " + bare(exc.what()) + "; repeating the request");
		}
		catch (const sdk::TransportError& exc)
		{
			throw sdk::TransportError("mercury: " + object + ": " + exc.what());
		}
	}
}


Bytes MercurySession::query(const Bytes& request, std::size_t minData, std::size_t maxData, const std::string& object)
{
	bool reopened = false;
	for (;;)
	{
		Reply reply;
		try
		{
			reply = exchange(request, minData, maxData, object);
		}
		catch (const MalformedAnswer& m)
		{
			malformed(object, m.reason());
		}
		if (!reply.isStatus) return std::move(reply.data);
		switch (reply.status)
		{
		case StatusNotOpen:
			// The meter closed the channel (240 s without a request, or it restarted): open it again once.
			if (reopened) throw sdk::ProtocolError("mercury: the meter closed the channel again (" + object + ")");
			sdk::log(KB_LOG_DEBUG, "mercury: channel closed by the meter; opening it again");
			openChannel();
			reopened = true;
			break;
		case StatusOk:
			throw sdk::ProtocolError("mercury: status answer where data was expected (" + object + ")");
		default:
			_malformedInARow = 0; // a proper answer: the line works
			throw Unavailable(reply.status, statusText(reply.status));
		}
	}
}


void MercurySession::malformed(const std::string& object, const std::string& reason)
{
	// One malformed answer fails its object; answers that keep making no sense mean a garbled line.
	constexpr unsigned kMaxInARow = 3;
	if (++_malformedInARow >= kMaxInARow)
		throw sdk::ProtocolError("mercury: " + object + ": " + reason + " (" + std::to_string(kMaxInARow) +
			" malformed answers in a row: the dialogue is given up)");
	throw MalformedAnswer(object, reason);
}


template <typename Decode>
auto MercurySession::ask(const Bytes& request, std::size_t minData, std::size_t maxData, const std::string& object, Decode decode)
{
	const Bytes data = query(request, minData, maxData, object);
	try
	{
		auto value = decode(std::span<const std::uint8_t>(data));
		_malformedInARow = 0;
		return value;
	}
	catch (const sdk::ProtocolError& e)
	{
		malformed(object, bare(e.what()));
	}
}


void MercurySession::openChannel()
{
	const Reply reply = exchange(openRequest(_settings.address, _settings.level, _settings.password), 1, 1, "01");
	if (!reply.isStatus) throw sdk::ProtocolError("mercury: 01: unexpected answer to the channel opening");
	switch (reply.status)
	{
	case StatusOk:
		return;
	case StatusBadCommand:
	case StatusAccessLevel:
		throw sdk::AuthError("mercury: the meter refused the password of access level " + std::to_string(_settings.level) +
			" (status " + std::to_string(reply.status) + ")");
	default:
		throw sdk::ProtocolError("mercury: the meter answered the channel opening with status " + std::to_string(reply.status));
	}
}


//
// Items
//


LocalTime MercurySession::meterClock()
{
	return ask(clockRequest(_settings.address), 8, 8, "04 00", decodeClock);
}


const Variant& MercurySession::variant()
{
	if (!_variant) _variant = ask(paramRequest(_settings.address, 0x12), 3, 12, "08 12", decodeVariant);
	return *_variant;
}


std::optional<FirmwareVersion> MercurySession::firmware()
{
	if (!_firmware)
	{
		try
		{
			_firmware = parseFirmware(ask(paramRequest(_settings.address, 0x03), 3, 3, "08 03", decodeFirmware));
		}
		catch (const Unavailable&)
		{
			_firmware = std::optional<FirmwareVersion>{};
		}
	}
	return *_firmware;
}


void MercurySession::readIdentity(sdk::ReadingSink& sink)
{
	sdk::Identity id;
	id.model = "Mercury 230/234";
	try
	{
		const SerialInfo info = ask(paramRequest(_settings.address, 0x00), 7, 7, "08 00", decodeSerial);
		id.serial = info.serial;
		id.manufacturedOn = info.manufacturedOn;
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_IDENTITY, "08 00", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_IDENTITY, m.object(), m.reason());
		return;
	}
	try
	{
		id.firmware = ask(paramRequest(_settings.address, 0x03), 3, 3, "08 03", decodeFirmware);
		_firmware = parseFirmware(id.firmware);
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_IDENTITY, "08 03", u.what());
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_IDENTITY, m.object(), m.reason());
	}
	sink.identity(id);
}


void MercurySession::readClock(sdk::ReadingSink& sink)
{
	try
	{
		const LocalTime t = meterClock();
		sink.clock(toUtc(t, _settings.utcOffsetMin), sdk::nowUnix());
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_CLOCK, "04 00", u.what());
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_CLOCK, m.object(), m.reason());
	}
}


void MercurySession::readEnergy(sdk::ReadingSink& sink)
{
	for (unsigned tariff = 0; tariff <= 4; ++tariff)
	{
		const std::string object = hex({0x05, 0x00, tariff});
		try
		{
			const EnergyRegisters regs = ask(energyRequest(_settings.address, 0, 0, static_cast<std::uint8_t>(tariff)), 16, 16, object, decodeEnergy);
			const std::int64_t ts = sdk::nowUnix();
			for (std::size_t ch = 0; ch < 4; ++ch)
			{
				if (regs.wh[ch])
					sink.value(kEnergyQuantity[ch], tariff, 0, static_cast<double>(*regs.wh[ch]) / 1000.0, ts);
				else
					sink.unavailable(KB_READ_ENERGY, object + " " + kChannelName[ch], "not kept by this meter");
			}
		}
		catch (const Unavailable& u)
		{
			sink.unavailable(KB_READ_ENERGY, object, u.what());
		}
		catch (const MalformedAnswer& m)
		{
			sink.failed(KB_READ_ENERGY, m.object(), m.reason());
		}
	}
}


void MercurySession::readInstant(sdk::ReadingSink& sink)
{
	enum Sign { Unsigned, ActiveSign, ReactiveSign };
	struct Group
	{
		std::uint8_t bwri;
		kb_quantity quantity;
		std::size_t count;  // values in the answer
		bool withTotal;     // the first value is the sum of phases
		double scale;       // to V, A, kW, kvar, kVA, Hz, degrees
		Sign sign;
	};
	static constexpr Group kGroups[] = {
		{0x00, KB_Q_POWER_P, 4, true, 1e-5, ActiveSign},     // P, 0.01 W
		{0x04, KB_Q_POWER_Q, 4, true, 1e-5, ReactiveSign},   // Q, 0.01 var
		{0x08, KB_Q_POWER_S, 4, true, 1e-5, Unsigned},       // S, 0.01 VA
		{0x11, KB_Q_VOLTAGE, 3, false, 0.01, Unsigned},      // U, 0.01 V
		{0x21, KB_Q_CURRENT, 3, false, 0.001, Unsigned},     // I, 0.001 A
		{0x30, KB_Q_POWER_FACTOR, 4, true, 0.001, ActiveSign}, // cos phi, 0.001
		{0x40, KB_Q_FREQUENCY, 1, true, 0.01, Unsigned},     // f, 0.01 Hz
		{0x51, KB_Q_ANGLE, 3, false, 0.01, Unsigned},        // angles U1-U2, U1-U3, U2-U3, 0.01 degree
	};
	for (const Group& g: kGroups)
	{
		const std::string object = hex({0x08, 0x16, g.bwri});
		try
		{
			const auto values = ask(paramRequest(_settings.address, 0x16, g.bwri), 3, 3 * g.count, object, decodeMeasurements);
			const std::int64_t ts = sdk::nowUnix();
			for (std::size_t i = 0; i < values.size(); ++i)
			{
				const Measurement& m = values[i];
				double v = static_cast<double>(m.magnitude) * g.scale;
				if ((g.sign == ActiveSign && m.activeReverse) || (g.sign == ReactiveSign && m.reactiveReverse)) v = -v;
				std::uint32_t phase = g.withTotal ? static_cast<std::uint32_t>(i) : static_cast<std::uint32_t>(i + 1);
				// The meter's angle order is U1-U2, U1-U3, U2-U3; phase n of KB_Q_ANGLE is L1-L2, L2-L3, L3-L1.
				if (g.quantity == KB_Q_ANGLE) phase = i == 0 ? 1 : (i == 1 ? 3 : 2);
				sink.value(g.quantity, 0, phase, v, ts);
			}
		}
		catch (const Unavailable& u)
		{
			sink.unavailable(KB_READ_INSTANT, object, u.what());
		}
		catch (const MalformedAnswer& m)
		{
			sink.failed(KB_READ_INSTANT, m.object(), m.reason());
		}
	}
}


void MercurySession::readBilling(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
	// Snapshots the meter keeps: the registers at the start of today (array C), of yesterday (D) and of
	// this month (B). Earlier month starts follow from the month-start registers and the energy of each
	// month in between (array 3, a 12-month window): start(m) = start(m + 1) - energy(m).
	const std::int64_t from = request.from, to = request.to;
	const auto inRange = [&](std::int64_t t) { return t >= from && t < to; };
	LocalTime now;
	try
	{
		now = meterClock();
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_BILLING, "04 00", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_BILLING, m.object(), m.reason());
		return;
	}
	const int off = _settings.utcOffsetMin;
	const LocalTime today{now.year, now.month, now.day};
	const std::int64_t todayStart = toUtc(today, off);
	const std::int64_t yesterdayStart = todayStart - 86400;

	using Registers = std::array<std::array<std::optional<std::uint32_t>, 4>, 5>; // [tariff][channel]
	const auto readArray = [&](std::uint8_t array, std::uint8_t month, Registers& out) -> bool
	{
		for (unsigned tariff = 0; tariff <= 4; ++tariff)
		{
			const std::string object = hex({0x05, static_cast<unsigned>((array << 4) | month), tariff});
			try
			{
				out[tariff] = ask(energyRequest(_settings.address, array, month, static_cast<std::uint8_t>(tariff)), 16, 16, object, decodeEnergy).wh;
			}
			catch (const Unavailable& u)
			{
				sink.unavailable(KB_READ_BILLING, object, u.what());
				return false;
			}
			catch (const MalformedAnswer& m)
			{
				sink.failed(KB_READ_BILLING, m.object(), m.reason());
				return false;
			}
		}
		return true;
	};
	const auto emit = [&](const Registers& regs, std::int64_t moment)
	{
		for (unsigned tariff = 0; tariff <= 4; ++tariff)
			for (std::size_t ch = 0; ch < 4; ++ch)
				if (regs[tariff][ch]) sink.value(kEnergyQuantity[ch], tariff, 0, static_cast<double>(*regs[tariff][ch]) / 1000.0, moment);
	};

	Registers regs;
	if (inRange(todayStart) && readArray(0x0C, 0, regs)) emit(regs, todayStart);
	if (inRange(yesterdayStart) && readArray(0x0D, 0, regs)) emit(regs, yesterdayStart);

	// Month starts: this month's, then back through the 12-month window while the range reaches.
	const auto monthStart = [&](int back) -> std::int64_t
	{
		int y = now.year, m = static_cast<int>(now.month) - back;
		while (m < 1)
		{
			m += 12;
			--y;
		}
		return toUtc(LocalTime{y, static_cast<unsigned>(m), 1}, off);
	};
	constexpr int kWindow = 11; // months before this one whose energy array 3 still holds
	int deepest = -1;
	for (int back = 0; back <= kWindow; ++back)
		if (monthStart(back) < to && monthStart(back) >= from) deepest = back;
	if (deepest < 0) return;
	if (from < monthStart(kWindow) && to > monthStart(kWindow + 1))
		sink.unavailable(KB_READ_BILLING, "05 3x", "month starts before the meter's 12-month window");
	Registers base;
	if (!readArray(0x0B, 0, base)) return;
	if (inRange(monthStart(0))) emit(base, monthStart(0));
	for (int back = 1; back <= deepest; ++back)
	{
		int m = static_cast<int>(now.month) - back;
		while (m < 1) m += 12;
		Registers energy;
		if (!readArray(0x03, static_cast<std::uint8_t>(m), energy)) return;
		for (unsigned tariff = 0; tariff <= 4; ++tariff)
			for (std::size_t ch = 0; ch < 4; ++ch)
			{
				auto& b = base[tariff][ch];
				const auto& e = energy[tariff][ch];
				if (b && e && *e <= *b) b = *b - *e;
				else b.reset();
			}
		if (inRange(monthStart(back))) emit(base, monthStart(back));
	}
}


void MercurySession::readProfile(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
	const Variant* v = nullptr;
	try
	{
		v = &variant();
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_PROFILE, "08 12", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_PROFILE, m.object(), m.reason());
		return;
	}
	if (!v->hasProfile)
	{
		sink.unavailable(KB_READ_PROFILE, "08 12", "this meter keeps no power profile");
		return;
	}
	if (!v->pulsesPerKwh)
	{
		sink.unavailable(KB_READ_PROFILE, "08 12", "unknown meter constant");
		return;
	}
	const unsigned a = *v->pulsesPerKwh;
	const std::uint32_t ring = v->profileRecords;
	// The unit of the last record's address depends on the firmware (see lastRecordByteAddress).
	std::optional<FirmwareVersion> fw;
	try
	{
		fw = firmware();
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_PROFILE, m.object(), m.reason());
		return;
	}
	if (!fw)
	{
		sink.unavailable(KB_READ_PROFILE, "08 03", "firmware version unknown: the address of the last profile record cannot be read");
		return;
	}
	LastRecord last;
	std::int64_t now = 0;
	try
	{
		now = toUtc(meterClock(), _settings.utcOffsetMin);
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_PROFILE, "04 00", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_PROFILE, m.object(), m.reason());
		return;
	}
	try
	{
		last = ask(paramRequest(_settings.address, 0x13), 9, 9, "08 13", decodeLastRecord);
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_PROFILE, "08 13", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_PROFILE, m.object(), m.reason());
		return;
	}
	if (!last.time) return; // nothing recorded yet
	if (last.periodMin == 0 || last.periodMin > 60)
	{
		sink.failed(KB_READ_PROFILE, "08 13", "integration period of " + std::to_string(last.periodMin) + " minutes");
		return;
	}
	const std::uint32_t lastAddress = lastRecordByteAddress(last, *fw);
	char fwText[32];
	std::snprintf(fwText, sizeof fwText, "%u.%u.%u", fw->major, fw->minor, fw->patch);
	if (lastAddress % 16 != 0 || lastAddress / 16 >= ring)
	{
		sink.failed(KB_READ_PROFILE, "08 13", "last profile record at byte address " + std::to_string(lastAddress) +
			" is no record of the profile memory (firmware " + fwText + ")");
		return;
	}
	const std::uint32_t lastIndex = lastAddress / 16;

	// Records follow each other every T minutes whether the meter was powered or not, so the record that
	// starts before `to` is found by counting back from the last one; from there the walk goes back record
	// by record (through address 0 to the end of the ring once it has wrapped) until the range start.
	const std::int64_t step = static_cast<std::int64_t>(last.periodMin) * 60;
	const std::int64_t lastStart = toUtc(*last.time, _settings.utcOffsetMin) - (_config.stampIsEnd ? step : 0);
	const std::int64_t to = request.to, from = request.from;
	std::int64_t k = lastStart >= to ? (lastStart - to) / step + 1 : 0;
	const std::int64_t kMax = last.wrapped() ? static_cast<std::int64_t>(ring) - 1 : static_cast<std::int64_t>(lastIndex);
	for (; k <= kMax; ++k)
	{
		const std::uint32_t index = static_cast<std::uint32_t>((static_cast<std::int64_t>(lastIndex) - k % ring + ring) % ring);
		const std::uint32_t byteAddress = index * 16;
		const std::string object = hex({0x06, (byteAddress & 0x10000u) ? 0x83u : 0x03u, (byteAddress >> 8) & 0xFFu, byteAddress & 0xFFu, 0x0F});
		ProfileRecord rec;
		try
		{
			rec = ask(profileRecordRequest(_settings.address, byteAddress), 15, 15, object, decodeProfileRecord);
		}
		catch (const Unavailable& u)
		{
			sink.unavailable(KB_READ_PROFILE, object, u.what());
			return;
		}
		catch (const MalformedAnswer& m)
		{
			// The walk stops at a record that makes no sense; the host drops the profile of this read (the
			// records already walked would leave a gap behind the cursor) and retries it.
			sink.failed(KB_READ_PROFILE, m.object(), m.reason());
			return;
		}
		if (!rec.time) break; // an empty record: the profile starts after it
		const std::int64_t length = static_cast<std::int64_t>(rec.periodMin != 0 && rec.periodMin <= 60 ? rec.periodMin : last.periodMin) * 60;
		const std::int64_t start = toUtc(*rec.time, _settings.utcOffsetMin) - (_config.stampIsEnd ? length : 0);
		if (start < from) break;
		if (start >= to || start + length > now) continue; // after the range, or not complete yet
		sdk::Interval interval;
		interval.start = start;
		interval.lengthS = static_cast<std::uint32_t>(length);
		double* const target[4] = {&interval.apKwh, &interval.amKwh, &interval.rpKvarh, &interval.rmKvarh};
		for (std::size_t ch = 0; ch < 4; ++ch)
			if (rec.pulses[ch]) *target[ch] = pulsesToKwh(*rec.pulses[ch], a);
		if (rec.incomplete()) interval.flags |= KB_INTERVAL_INCOMPLETE;
		sink.interval(interval);
	}
}


void MercurySession::readEvents(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
	struct Journal
	{
		std::uint8_t number;
		kb_event_class first;  // class of the record's first moment
		kb_event_class second; // of its second moment (KB_EV_OTHER: not reported)
		std::uint32_t phase;
	};
	// Per the command description: power and phase journals keep the switch-on time, then the switch-off
	// time; the case journal the opening, then the closing; the magnetic-field journal start, then end.
	static constexpr Journal kJournals[] = {
		{0x01, KB_EV_POWER_ON, KB_EV_POWER_OFF, 0},
		{0x03, KB_EV_PHASE_ON, KB_EV_PHASE_OFF, 1},
		{0x04, KB_EV_PHASE_ON, KB_EV_PHASE_OFF, 2},
		{0x05, KB_EV_PHASE_ON, KB_EV_PHASE_OFF, 3},
		{0x12, KB_EV_COVER_OPEN, KB_EV_COVER_CLOSE, 0},
		{0x1A, KB_EV_MAGNETIC_FIELD, KB_EV_OTHER, 0},
	};
	for (const Journal& j: kJournals)
	{
		char name[8];
		std::snprintf(name, sizeof name, "0x%02X", static_cast<unsigned>(j.number));
		for (unsigned record = 0; record < 10; ++record)
		{
			const std::string object = hex({0x04, j.number, record});
			JournalRecord rec;
			try
			{
				rec = ask(journalRequest(_settings.address, j.number, static_cast<std::uint8_t>(record)), 12, 12, object, decodeJournal);
			}
			catch (const Unavailable& u)
			{
				sink.unavailable(KB_READ_EVENTS, object, u.what());
				break;
			}
			catch (const MalformedAnswer& m)
			{
				sink.failed(KB_READ_EVENTS, m.object(), m.reason());
				break;
			}
			const auto report = [&](const std::optional<LocalTime>& t, kb_event_class cls)
			{
				if (!t || cls == KB_EV_OTHER) return;
				const std::int64_t ts = toUtc(*t, _settings.utcOffsetMin);
				if (ts < request.from || ts >= request.to) return;
				sdk::Event e;
				e.timestamp = ts;
				e.eventClass = cls;
				e.phase = j.phase;
				e.journal = name;
				e.code = -1;
				sink.event(e);
			};
			report(rec.first, j.first);
			report(rec.second, j.second);
		}
	}
}


} // namespace kabinet::mercury
