//
// MercurySession.cpp
//
// The session and its dialogue: opening and closing the channel, one request and its answer
// (timeout, end of frame, bounded repetition), re-opening a channel the meter closed.
//


#include "MercurySession.h"

#include "MercuryAsk.h"
#include "Crc16.h"

#include <algorithm>
#include <thread>


namespace kabinet::mercury {


namespace {


using Clock = std::chrono::steady_clock;


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


long long millisLeft(Clock::time_point deadline) noexcept
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
}


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


} // namespace kabinet::mercury
