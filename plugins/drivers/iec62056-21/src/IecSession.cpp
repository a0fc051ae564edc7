//
// IecSession.cpp
//
// The session and its link: sign-on with the password, one read request and its answer (frame
// retries, one re-sign-on of a meter that dropped its session), break; the meter's local time.
//


#include "IecSession.h"

#include "IecFunctions.h"

#include <algorithm>
#include <chrono>
#include <thread>


namespace kabinet::iec {


namespace {


using Clock = std::chrono::steady_clock;


std::uint8_t withParity(std::uint8_t b)
{
	b &= 0x7F;
	unsigned ones = 0;
	for (std::uint8_t x = b; x; x >>= 1) ones += x & 1u;
	return (ones & 1u) ? static_cast<std::uint8_t>(b | 0x80) : b;
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


} // namespace kabinet::iec
