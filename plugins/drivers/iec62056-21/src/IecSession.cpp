//
// IecSession.cpp
//
// Which meter functions are read, and what was checked about them:
//  - SNUMB, DATE_ ("ww.dd.mm.yy", weekday first), TIME_, ET0PE (A+ from reset: total, T1..T5), ECMPE,
//    EAMPE(mm.yy), ENMPE(mm.yy), EADPE(dd.mm.yy), VOLTA, CURRE, POWEP, POWPP, COS_f, FREQU: names and
//    answer layouts seen in published traffic and configurations of CE301/CE303/CE102 meters.
//  - EAMPE / EADPE answer the energy consumed IN the month / day; ENMPE answers the register at the END
//    of the month (two independent sources agree; one of them with numbers: ENMPE(prev) = ET0PE - ECMPE).
//    KB_READ_BILLING therefore reports the register at a month start as ENMPE(previous month), and at a
//    day start as ENMPE(previous month) + the EADPE of the days of the month before it (archive values
//    only, so no race with the running register).
//  - Reverse and reactive energy (names such as ET0PI, ET0QE) and Q/S/angle functions could not be
//    confirmed by a second source for this dialect: they are reported unavailable, never asked for.
//  - UNVERIFIED for CE301/CE303: the 30-minute profile and the journals. The forms used are the ones the
//    manufacturer documents for its CE208/CE308 meters in the same IEC dialect: VPI01(dd.mm.yy) answers
//    VPI01(dd.mm.yy,value,status)(value,status)... for every interval of that day (status bit 0 = record
//    not empty, 2 = power down, 3 = clock set, 6 = clock failure, 7 = corrupt record); the value is taken
//    as the A+ energy of the interval in kWh. LOEzz() answers the event journal zz from the newest
//    record: LOEzz(rec,dd.mm.yy,hh:mm:ss,info[,extra]); journals 01 self-test, 04 power supply (info
//    1 = off, 0 = on), 08 voltage state per phase (two bits a phase, 3 = off), 28 terminal cover seal,
//    29 casing seal (2/3 = broken, 1 = sealed), 30 magnet. A meter that does not know these functions
//    answers ERR12, which becomes one sink.unavailable per function.
//


#include "IecSession.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>


namespace kabinet::iec {


namespace {


using Clock = std::chrono::steady_clock;

constexpr std::int64_t kDay = 86400;
constexpr int kBillingDaysMax = 128;   // day snapshots older than this are not asked for
constexpr int kBillingMonthsMax = 40;  // month snapshots older than this are not asked for
constexpr int kProfileDaysMax = 128;   // profile days older than this are not asked for


std::string errorText(int code)
{
	const char* what = "error";
	switch (code)
	{
	case 11: what = "command not supported"; break;
	case 12: what = "unknown function"; break;
	case 13: what = "wrong parameter structure"; break;
	case 14: what = "access button not pressed"; break;
	case 15: what = "access denied"; break;
	case 16: what = "programming not allowed"; break;
	case 17: what = "invalid parameter value"; break;
	case 18: what = "no such date / nothing fixed"; break;
	case 19: what = "access busy"; break;
	case 22: what = "answer too long"; break;
	default: break;
	}
	return "ERR" + std::to_string(code) + " (" + what + ")";
}


std::string dateParam(int year, unsigned month, unsigned day)
{
	char buf[48];
	std::snprintf(buf, sizeof buf, "%02u.%02u.%02d", day, month, year % 100);
	return buf;
}


std::string monthParam(int year, unsigned month)
{
	char buf[32];
	std::snprintf(buf, sizeof buf, "%02u.%02d", month, year % 100);
	return buf;
}


std::uint8_t withParity(std::uint8_t b)
{
	b &= 0x7F;
	unsigned ones = 0;
	for (std::uint8_t x = b; x; x >>= 1) ones += x & 1u;
	return (ones & 1u) ? static_cast<std::uint8_t>(b | 0x80) : b;
}


std::vector<Fixed> numbers(const DataBlock& block, const std::string& what)
{
	std::vector<Fixed> out;
	for (const auto& item : block.items)
	{
		auto v = parseDecimal(item.value);
		if (!v) throw sdk::ProtocolError(what + ": value is not a number");
		out.push_back(*v);
	}
	return out;
}


} // namespace


IecSession::IecSession(const DriverConfig& config, MeterSettings meter, sdk::Transport transport):
	_config(config),
	_meter(std::move(meter)),
	_transport(transport)
{
	signOn();
}


//
// The link
//


void IecSession::send(const std::vector<std::uint8_t>& bytes)
{
	if (!_config.softwareParity)
	{
		_transport.write(bytes, _config.timeoutMs);
		return;
	}
	std::vector<std::uint8_t> coded(bytes.size());
	std::transform(bytes.begin(), bytes.end(), coded.begin(), withParity);
	_transport.write(coded, _config.timeoutMs);
}


std::vector<std::uint8_t> IecSession::receive(Expect expect)
{
	std::vector<std::uint8_t> buf;
	std::uint8_t chunk[1024];
	const auto gap = std::chrono::milliseconds(_config.timeoutMs);
	const auto hardDeadline = Clock::now() + gap * 20;
	auto lastByte = Clock::now();
	for (;;)
	{
		const auto deadline = std::min(lastByte + gap, hardDeadline);
		const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
		if (left <= 0)
		{
			if (buf.empty()) throw sdk::TimeoutError("no answer within " + std::to_string(_config.timeoutMs) + " ms");
			throw sdk::ProtocolError("incomplete answer (" + std::to_string(buf.size()) + " bytes, then silence)");
		}
		std::size_t n = 0;
		try
		{
			n = _transport.readSome(chunk, sizeof chunk, static_cast<std::uint32_t>(left));
		}
		catch (const sdk::TimeoutError&)
		{
			continue;
		}
		lastByte = Clock::now();
		for (std::size_t i = 0; i < n; ++i) buf.push_back(_config.softwareParity ? static_cast<std::uint8_t>(chunk[i] & 0x7F) : chunk[i]);
		FrameScan scan;
		if (expect == Expect::Line)
			scan = scanLine(buf);
		else if (expect == Expect::AckOrBlock && (buf[0] == ACK || buf[0] == NAK))
			scan = {FrameState::Complete, 1};
		else
			scan = scanBlock(buf);
		if (scan.state == FrameState::Complete)
		{
			buf.resize(scan.length);
			return buf;
		}
		if (scan.state == FrameState::Invalid)
		{
			const bool nak = buf[0] == NAK;
			drain();
			if (nak) throw sdk::ProtocolError("the meter answered NAK");
			throw sdk::ProtocolError("garbled answer (" + std::to_string(buf.size()) + " bytes)");
		}
	}
}


void IecSession::drain() noexcept
{
	// Waits until the line has been quiet for a moment, so that the rest of a garbled answer does not
	// spoil the next one; bounded by the timeout.
	try
	{
		std::uint8_t chunk[512];
		const auto deadline = Clock::now() + std::chrono::milliseconds(std::min<std::uint32_t>(_config.timeoutMs, 1000));
		const std::uint32_t quietMs = std::min<std::uint32_t>(50, std::max<std::uint32_t>(10, _config.timeoutMs / 4));
		while (Clock::now() < deadline) _transport.readSome(chunk, sizeof chunk, quietMs);
	}
	catch (...)
	{
	}
	_transport.discardInput();
}


void IecSession::sendBreak() noexcept
{
	try
	{
		send(buildBreak(_meter.checksum));
	}
	catch (...)
	{
	}
}


void IecSession::signOnOnce()
{
	_transport.discardInput();
	send(buildSignOn(_meter.address));
	const auto line = receive(Expect::Line);
	auto id = decodeIdentification(line);
	if (!id.value) throw sdk::ProtocolError("identification: " + id.error);
	_ident = *id.value;
	const char baud = _config.optionBaud ? _config.optionBaud : _ident.baudChar;
	send(buildOptionSelect(baud, '1'));
	if (_config.baudSwitchDelayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(_config.baudSwitchDelayMs));
	const auto prompt = receive(Expect::Block);
	auto p0 = decodeCommandFrame(_meter.checksum, prompt);
	if (!p0.value)
	{
		const Checksum other = _meter.checksum == Checksum::Iec ? Checksum::Energomera : Checksum::Iec;
		if (decodeCommandFrame(other, prompt).value)
			throw sdk::ProtocolError(std::string("operand prompt: bad BCC; it fits the ") +
				(other == Checksum::Iec ? "\"iec\"" : "\"energomera\"") + " checksum: check the meter's checksum setting");
		throw sdk::ProtocolError("operand prompt: " + p0.error);
	}
	if (p0.value->command != "P0") throw sdk::ProtocolError("expected the operand prompt P0, got " + p0.value->command);
	send(buildPassword(_meter.checksum, _meter.password));
	const auto answer = receive(Expect::AckOrBlock);
	if (answer[0] == ACK) return;
	if (answer[0] == NAK) throw sdk::AuthError("the meter refused the password (NAK)");
	auto refused = decodeCommandFrame(_meter.checksum, answer);
	if (refused.value && refused.value->command == "B0") throw sdk::AuthError("the meter refused the password");
	throw sdk::ProtocolError("unexpected answer to the password");
}


void IecSession::signOn()
{
	std::string last;
	bool timeout = false;
	for (unsigned attempt = 0; attempt <= _config.frameRetries; ++attempt)
	{
		try
		{
			signOnOnce();
			_open = true;
			return;
		}
		catch (const sdk::TimeoutError& e)
		{
			timeout = true;
			last = e.what();
		}
		catch (const sdk::ProtocolError& e)
		{
			timeout = false;
			last = e.what();
		}
		sendBreak();
		drain();
	}
	_open = false;
	if (timeout) throw sdk::TimeoutError("sign-on: " + last);
	throw sdk::ProtocolError("sign-on: " + last);
}


DataBlock IecSession::exchange(const std::vector<std::uint8_t>& frame, const std::string& name)
{
	send(frame);
	const auto answer = receive(Expect::Block);
	auto decoded = decodeDataFrame(_meter.checksum, answer);
	if (!decoded.value) throw sdk::ProtocolError(decoded.error);
	for (const auto& item : decoded.value->items)
		if (!item.name.empty() && item.name != name) throw sdk::ProtocolError("the answer names " + item.name);
	return std::move(*decoded.value);
}


DataBlock IecSession::request(const std::string& name, const std::string& params)
{
	const auto frame = buildRead(_meter.checksum, name, params);
	const std::string what = name + "(" + params + ")";
	for (int round = 0;; ++round)
	{
		std::string last;
		bool timeout = false;
		for (unsigned attempt = 0; attempt <= _config.frameRetries; ++attempt)
		{
			try
			{
				return exchange(frame, name);
			}
			catch (const sdk::TimeoutError& e)
			{
				timeout = true;
				last = e.what();
			}
			catch (const sdk::ProtocolError& e)
			{
				timeout = false;
				last = e.what();
			}
			drain();
		}
		// A meter whose session timed out ignores R1 until it is signed on again: do that once.
		if (timeout && round == 0 && _reSignOns < 3)
		{
			++_reSignOns;
			sdk::log(KB_LOG_INFO, "no answer to " + name + ": signing on again");
			sendBreak();
			drain();
			signOn();
			continue;
		}
		if (timeout) throw sdk::TimeoutError(what + ": " + last + (round > 0 ? " (also after signing on again)" : ""));
		throw sdk::ProtocolError(what + ": " + last);
	}
}


std::optional<DataBlock> IecSession::query(const std::string& name, const std::string& params, kb_read_item item,
	sdk::ReadingSink& sink)
{
	DataBlock block = request(name, params);
	if (block.errorCode >= 0)
	{
		sink.unavailable(item, name + "(" + params + ")", errorText(block.errorCode));
		return std::nullopt;
	}
	return block;
}


void IecSession::close() noexcept
{
	// Ends programming mode; the meter does not answer a break.
	if (_open) sendBreak();
	_open = false;
}


//
// Time
//


std::int64_t IecSession::toUtc(const LocalDate& date, const LocalTime& time) const
{
	return sdk::civilToUnix(date.year, date.month, date.day, time.hour, time.minute, time.second) -
		static_cast<std::int64_t>(_meter.utcOffsetMin) * 60;
}


sdk::Civil IecSession::toLocal(std::int64_t utc) const
{
	return sdk::unixToCivil(utc + static_cast<std::int64_t>(_meter.utcOffsetMin) * 60);
}


//
// Reading
//


void IecSession::beginRead()
{
	if (!_open) signOn();
	_reSignOns = 0;
}


void IecSession::readIdentity(sdk::ReadingSink& sink)
{
	auto block = query("SNUMB", "", KB_READ_IDENTITY, sink);
	if (!block) return;
	sdk::Identity id;
	id.serial = block->items.front().value;
	id.model = _ident.model;
	id.firmware = _ident.firmware;
	sink.identity(id);
}


void IecSession::readClock(sdk::ReadingSink& sink)
{
	auto date = query("DATE_", "", KB_READ_CLOCK, sink);
	if (!date) return;
	auto time = query("TIME_", "", KB_READ_CLOCK, sink);
	if (!time) return;
	const std::int64_t host = sdk::nowUnix();
	auto t = parseTime(time->items.front().value);
	if (!t) throw sdk::ProtocolError("TIME_: not a time");
	if (t->hour == 0 && t->minute == 0 && t->second < 10)
	{
		// The date may have been read just before midnight: read it again.
		date = query("DATE_", "", KB_READ_CLOCK, sink);
		if (!date) return;
	}
	auto d = parseMeterDate(date->items.front().value);
	if (!d) throw sdk::ProtocolError("DATE_: not a date");
	sink.clock(toUtc(*d, *t), host);
}


void IecSession::readEnergy(sdk::ReadingSink& sink)
{
	if (auto block = query("ET0PE", "", KB_READ_ENERGY, sink))
	{
		const std::int64_t ts = sdk::nowUnix();
		const auto v = numbers(*block, "ET0PE");
		for (std::size_t tariff = 0; tariff < v.size() && tariff <= 4; ++tariff)
			sink.value(KB_Q_ENERGY_AP, static_cast<std::uint32_t>(tariff), 0, v[tariff].toDouble(), ts);
	}
	sink.unavailable(KB_READ_ENERGY, "A-, R+, R-", "not read: the function names for this dialect are not verified");
}


void IecSession::readInstant(sdk::ReadingSink& sink)
{
	// Values per phase as the meter gives them: 1 value = total / single phase, 3 = L1..L3,
	// 4 = L1..L3 and the total (the order documented for the CE308).
	const auto report = [&](const char* name, kb_quantity quantity, bool hasTotal)
	{
		auto block = query(name, "", KB_READ_INSTANT, sink);
		if (!block) return;
		const std::int64_t ts = sdk::nowUnix();
		const auto v = numbers(*block, name);
		if (v.size() == 1)
		{
			sink.value(quantity, 0, 0, v[0].toDouble(), ts);
			return;
		}
		for (std::size_t i = 0; i < v.size() && i < 3; ++i) sink.value(quantity, 0, static_cast<std::uint32_t>(i + 1), v[i].toDouble(), ts);
		if (hasTotal && v.size() >= 4) sink.value(quantity, 0, 0, v[3].toDouble(), ts);
	};
	report("VOLTA", KB_Q_VOLTAGE, false);
	report("CURRE", KB_Q_CURRENT, false);
	report("POWEP", KB_Q_POWER_P, true);
	if (auto block = query("POWPP", "", KB_READ_INSTANT, sink))
	{
		const std::int64_t ts = sdk::nowUnix();
		const auto v = numbers(*block, "POWPP");
		for (std::size_t i = 0; i < v.size() && i < 3; ++i) sink.value(KB_Q_POWER_P, 0, static_cast<std::uint32_t>(i + 1), v[i].toDouble(), ts);
	}
	report("COS_f", KB_Q_POWER_FACTOR, true);
	report("FREQU", KB_Q_FREQUENCY, false);
	sink.unavailable(KB_READ_INSTANT, "Q, S, angles", "not read: the function names for this dialect are not verified");
}


void IecSession::readBilling(const sdk::ReadRequest& req, sdk::ReadingSink& sink)
{
	const std::int64_t now = sdk::nowUnix();
	const std::int64_t from = req.from;
	const std::int64_t to = std::min(req.to, now + 1);
	if (from >= to) return;
	const std::int64_t off = static_cast<std::int64_t>(_meter.utcOffsetMin) * 60;

	// Archive values by function(params); empty when the meter did not give them.
	std::map<std::string, std::optional<std::vector<Fixed>>> cache;
	const auto fetch = [&](const std::string& name, const std::string& params) -> const std::optional<std::vector<Fixed>>&
	{
		const std::string key = name + "(" + params + ")";
		auto it = cache.find(key);
		if (it != cache.end()) return it->second;
		std::optional<std::vector<Fixed>> values;
		if (auto block = query(name, params, KB_READ_BILLING, sink)) values = numbers(*block, key);
		return cache.emplace(key, std::move(values)).first->second;
	};
	const auto prevMonth = [](int year, unsigned month) { return month == 1 ? std::pair{year - 1, 12u} : std::pair{year, month - 1}; };
	const auto report = [&](std::int64_t at, const std::vector<Fixed>& sum, std::size_t tariffs)
	{
		for (std::size_t t = 0; t < tariffs && t <= 4; ++t)
			sink.value(KB_Q_ENERGY_AP, static_cast<std::uint32_t>(t), 0, sum[t].toDouble(), at);
	};

	// Month starts in [from, to): the register at the end of the previous month.
	sdk::Civil c = toLocal(from);
	int year = c.year;
	unsigned month = c.month;
	bool tooOld = false;
	for (int guard = 0; guard < 1200; ++guard)
	{
		const std::int64_t start = sdk::civilToUnix(year, month, 1) - off;
		if (start >= to) break;
		if (start >= from)
		{
			if (start < now - kBillingMonthsMax * 31 * kDay)
				tooOld = true;
			else
			{
				const auto [py, pm] = prevMonth(year, month);
				if (const auto& v = fetch("ENMPE", monthParam(py, pm))) report(start, *v, v->size());
			}
		}
		if (++month > 12)
		{
			month = 1;
			++year;
		}
	}
	if (tooOld) sink.unavailable(KB_READ_BILLING, "ENMPE", "month snapshots older than " + std::to_string(kBillingMonthsMax) + " months are not asked for");

	// Day starts in [from, to) that are not month starts: the register at the end of the previous month
	// plus the energy of the days of this month before it.
	tooOld = false;
	c = toLocal(from);
	std::int64_t day = sdk::civilToUnix(c.year, c.month, c.day) - off;
	if (day < from) day += kDay;
	for (; day < to; day += kDay)
	{
		const sdk::Civil d = toLocal(day);
		if (d.day == 1) continue;
		if (day < now - kBillingDaysMax * kDay)
		{
			tooOld = true;
			continue;
		}
		const auto [py, pm] = prevMonth(d.year, d.month);
		const auto& base = fetch("ENMPE", monthParam(py, pm));
		if (!base) continue;
		std::vector<Fixed> sum = *base;
		std::size_t tariffs = sum.size();
		bool complete = true;
		for (unsigned k = 1; k < d.day && complete; ++k)
		{
			const auto& part = fetch("EADPE", dateParam(d.year, d.month, k));
			if (!part)
			{
				complete = false;
				break;
			}
			tariffs = std::min(tariffs, part->size());
			for (std::size_t t = 0; t < tariffs; ++t) sum[t].nano += (*part)[t].nano;
		}
		if (complete) report(day, sum, tariffs);
	}
	if (tooOld) sink.unavailable(KB_READ_BILLING, "EADPE", "day snapshots older than " + std::to_string(kBillingDaysMax) + " days are not asked for");
}


void IecSession::readProfile(const sdk::ReadRequest& req, sdk::ReadingSink& sink)
{
	const std::int64_t now = sdk::nowUnix();
	if (req.from >= req.to) return;
	const std::int64_t off = static_cast<std::int64_t>(_meter.utcOffsetMin) * 60;
	const sdk::Civil c = toLocal(req.from);
	bool tooOld = false;
	for (std::int64_t day = sdk::civilToUnix(c.year, c.month, c.day) - off; day < req.to && day <= now; day += kDay)
	{
		if (day + kDay <= now - kProfileDaysMax * kDay)
		{
			tooOld = true;
			continue;
		}
		const sdk::Civil d = toLocal(day);
		const std::string param = dateParam(d.year, d.month, d.day);
		const DataBlock block = request("VPI01", param);
		if (block.errorCode >= 0)
		{
			// ERR18: the day is not (or no longer) in the meter; anything else (ERR12: the meter does not
			// know the function) will not change for the next days.
			sink.unavailable(KB_READ_PROFILE, "VPI01(" + param + ")", errorText(block.errorCode));
			if (block.errorCode == 18) continue;
			break;
		}
		auto parsed = parseProfileDay(block);
		if (!parsed.value) throw sdk::ProtocolError("VPI01(" + param + "): " + parsed.error);
		const ProfileDay& p = *parsed.value;
		if (p.date && (p.date->year != d.year || p.date->month != d.month || p.date->day != d.day))
			continue; // the meter answered an earlier day: it has no record of this one (it was off)
		const std::size_t n = p.entries.size();
		if (n == 0 || kDay % static_cast<std::int64_t>(n) != 0 || kDay / static_cast<std::int64_t>(n) < 60)
			throw sdk::ProtocolError("VPI01(" + param + "): " + std::to_string(n) + " intervals in a day");
		const auto length = static_cast<std::uint32_t>(kDay / static_cast<std::int64_t>(n));
		for (std::size_t k = 0; k < n; ++k)
		{
			const ProfileEntry& e = p.entries[k];
			const std::int64_t start = day + static_cast<std::int64_t>(k) * length;
			if (start < req.from || start >= req.to) continue;
			if (!(e.status & 0x01) || (e.status & 0x80)) continue; // empty or corrupt record
			sdk::Interval interval;
			interval.start = start;
			interval.lengthS = length;
			interval.apKwh = e.value.toDouble();
			if (e.status & (0x04 | 0x08 | 0x40)) interval.flags |= KB_INTERVAL_INCOMPLETE;
			sink.interval(interval);
		}
	}
	if (tooOld)
		sink.unavailable(KB_READ_PROFILE, "VPI01", "profile days older than " + std::to_string(kProfileDaysMax) + " days are not asked for");
}


void IecSession::readEvents(const sdk::ReadRequest& req, sdk::ReadingSink& sink)
{
	if (req.from >= req.to) return;
	struct Journal
	{
		const char* name;
		int kind; // 0 power, 1 phases, 2 terminal cover, 3 cover, 4 magnet, 5 self-test
	};
	static constexpr Journal kJournals[] = {
		{"LOE04", 0}, {"LOE08", 1}, {"LOE28", 2}, {"LOE29", 3}, {"LOE30", 4}, {"LOE01", 5}};
	std::vector<sdk::Event> events;
	for (const Journal& journal : kJournals)
	{
		auto block = query(journal.name, "", KB_READ_EVENTS, sink);
		if (!block) continue;
		std::vector<JournalEntry> entries;
		for (const auto& item : block->items)
		{
			auto e = parseJournalEntry(item.value);
			if (!e) throw sdk::ProtocolError(std::string(journal.name) + ": bad journal record");
			if (e->record != 0) entries.push_back(*e);
		}
		std::sort(entries.begin(), entries.end(), [](const JournalEntry& a, const JournalEntry& b) { return a.record < b.record; });
		unsigned state[4] = {0, 0, 0, 0}; // journal 08: last state of each phase (0 = normal, 3 = off)
		for (const JournalEntry& e : entries)
		{
			const std::int64_t ts = toUtc(e.date, e.time);
			const auto add = [&](kb_event_class cls, std::uint32_t phase)
			{
				if (ts < req.from || ts >= req.to) return;
				sdk::Event ev;
				ev.timestamp = ts;
				ev.eventClass = cls;
				ev.phase = phase;
				ev.journal = journal.name;
				ev.code = e.info;
				events.push_back(std::move(ev));
			};
			switch (journal.kind)
			{
			case 0:
				add((e.info & 1) ? KB_EV_POWER_OFF : KB_EV_POWER_ON, 0);
				break;
			case 1:
				for (unsigned ph = 1; ph <= 3; ++ph)
				{
					const unsigned s = (e.info >> (2 * (ph - 1))) & 3u;
					if (s == state[ph]) continue;
					if (s == 3)
						add(KB_EV_PHASE_OFF, ph);
					else
					{
						if (state[ph] == 3) add(KB_EV_PHASE_ON, ph);
						if (s == 1) add(KB_EV_VOLTAGE_HIGH, ph);
						else if (s == 2) add(KB_EV_VOLTAGE_LOW, ph);
						else if (state[ph] != 3) add(KB_EV_VOLTAGE_NORMAL, ph);
					}
					state[ph] = s;
				}
				break;
			case 2:
			case 3:
			{
				const unsigned s = e.info & 3u;
				const bool terminal = journal.kind == 2;
				if (s >= 2) add(terminal ? KB_EV_TERMINAL_COVER_OPEN : KB_EV_COVER_OPEN, 0);
				else if (s == 1) add(terminal ? KB_EV_TERMINAL_COVER_CLOSE : KB_EV_COVER_CLOSE, 0);
				else add(KB_EV_OTHER, 0);
				break;
			}
			case 4:
				add((e.info & 1) ? KB_EV_MAGNETIC_FIELD : KB_EV_OTHER, 0);
				break;
			default:
				add((e.info & 0x03) ? KB_EV_FIRMWARE_INTEGRITY : KB_EV_OTHER, 0);
				break;
			}
		}
	}
	std::stable_sort(events.begin(), events.end(), [](const sdk::Event& a, const sdk::Event& b) { return a.timestamp < b.timestamp; });
	for (const auto& e : events) sink.event(e);
}


} // namespace kabinet::iec
