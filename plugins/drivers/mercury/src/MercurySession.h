//
// MercurySession.h
//
// A session with one Mercury 230/234/236 meter: the request/answer dialogue over the host's transport
// (answer timeout, bounded repetition of a lost or corrupted answer, re-opening a channel the meter closed)
// and the reading of each item. The dialogue is in MercurySession.cpp, the typed request in MercuryAsk.h,
// the items in MercuryIdentity.cpp (identity, clock), MercuryValues.cpp (energy, instantaneous values),
// MercuryBilling.cpp, MercuryProfile.cpp and MercuryEvents.cpp.
//


#ifndef KABINET_MERCURY_MERCURYSESSION_H
#define KABINET_MERCURY_MERCURYSESSION_H


#include "Codec.h"
#include "Settings.h"

#include "kabinet/driver.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>


namespace kabinet::mercury {


class Unavailable: public std::runtime_error
	/// The meter answered a request for one object with a refusal (status 1..4): the object is not
	/// available, the link works.
{
public:
	Unavailable(std::uint8_t status, const std::string& message): std::runtime_error(message), _status(status) {}

	std::uint8_t status() const noexcept
		/// The status byte of the refusal (1..4).
	{
		return _status;
	}

private:
	std::uint8_t _status;
};


class MalformedAnswer: public sdk::ProtocolError
	/// The meter answered a request with a frame that checks out on the link (CRC, address) but whose data
	/// makes no sense for the object asked (wrong length, invalid date, address outside the memory): that
	/// object fails, the link works and the read goes on.
{
public:
	MalformedAnswer(std::string object, std::string reason):
		sdk::ProtocolError("mercury: " + object + ": " + reason), _object(std::move(object)), _reason(std::move(reason))
	{
	}

	const std::string& object() const noexcept
		/// The object asked for, as its request bytes ("08 12").
	{
		return _object;
	}

	const std::string& reason() const noexcept
		/// What was wrong with the answer, without the object.
	{
		return _reason;
	}

private:
	std::string _object, _reason;
};


class MercurySession: public sdk::ItemSession
{
public:
	MercurySession(const DriverConfig& config, const MeterSettings& settings, sdk::Transport transport);
		/// Tests the link and opens the channel at the configured access level. Throws AuthError when the
		/// meter refuses the password, TimeoutError / ProtocolError / TransportError otherwise.


	void close() noexcept override;
		/// Closes the channel (one attempt, errors ignored).

private:
	Reply exchangeOnce(const Bytes& request, std::size_t minData, std::size_t maxData);
	Reply exchange(const Bytes& request, std::size_t minData, std::size_t maxData, const std::string& object);
	Bytes query(const Bytes& request, std::size_t minData, std::size_t maxData, const std::string& object);
	template <typename Decode>
	auto ask(const Bytes& request, std::size_t minData, std::size_t maxData, const std::string& object, Decode decode);
		/// query() and decode the data; an answer that does not decode is a MalformedAnswer of that object.
		/// Several malformed answers in a row mean a garbled line: a ProtocolError ends the read.
	[[noreturn]] void malformed(const std::string& object, const std::string& reason);
	void openChannel();
	void pace();

	LocalTime meterClock();
	const Variant& variant();
	std::optional<FirmwareVersion> firmware();
		/// The firmware version (08 03, read once per session; nullopt when the meter refuses it).

	void readIdentity(sdk::ReadingSink& sink) override;
	void readClock(sdk::ReadingSink& sink) override;
	void readEnergy(sdk::ReadingSink& sink) override;
	void readInstant(sdk::ReadingSink& sink) override;
	void readBilling(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;
	void readProfile(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;
	void readEvents(const sdk::ReadRequest& request, sdk::ReadingSink& sink) override;

	DriverConfig _config;
	MeterSettings _settings;
	sdk::Transport _transport;
	std::chrono::steady_clock::time_point _lastRx{};
	std::optional<Variant> _variant;
	std::optional<std::optional<FirmwareVersion>> _firmware; ///< read once: the version, or nullopt (refused / not a.b.c)
	unsigned _malformedInARow = 0;
};


} // namespace kabinet::mercury


#endif // KABINET_MERCURY_MERCURYSESSION_H
