//
// driver.hpp
//
// Kabinet driver SDK: the C++20 side of the driver ABI in plugin.h (kb_driver_vtable), header-only.
//
// A driver plugin is two classes and one macro:
//
//     class MySession: public kabinet::sdk::Session
//     {
//     public:
//         MySession(const MySettings& settings, kabinet::sdk::Transport transport); // wakes, authenticates
//         void read(const kabinet::sdk::ReadRequest& request, kabinet::sdk::ReadingSink& sink) override;
//         void close() noexcept override;                                            // logs out
//     };
//
//     class MyDriver: public kabinet::sdk::Driver
//     {
//     public:
//         explicit MyDriver(std::string_view configJson);          // throws ConfigError on bad config
//         std::unique_ptr<kabinet::sdk::Session> open(std::string_view meterJson,
//                                                     kabinet::sdk::Transport transport) override;
//     };
//     KABINET_DRIVER_PLUGIN(MyDriver, "my-driver", "1.0.0", kMyConfigSchemaJson);
//
// Rules:
//  - Frame codecs are pure functions (bytes in, struct out; struct in, bytes out) in their own files, with
//    no I/O, so that they can be unit-tested and fuzzed. The session does the dialogue through Transport.
//  - Failures of the link are exceptions: TransportError (connection lost), TimeoutError (no answer in
//    time), ProtocolError (bad checksum, truncated or garbled frame, unexpected answer), AuthError
//    (password refused). They end the read; the host logs them and retries later.
//  - A failure of one object while the link works is a value, and the read goes on: sink.unavailable(...)
//    when the meter lacks it ("object unavailable", "not supported by this meter"), sink.failed(...) when
//    its answer checked out on the link but made no sense for the object (the host reports that item as
//    failed and keeps everything else). Only a link that stops working ends the read.
//  - Times given to the sink are Unix seconds in UTC; the meter's local time is converted with the
//    meter's utc_offset_min setting (civilToUnix below).
//  - Units: energy kWh / kvarh, power kW / kvar / kVA, U in V, I in A, f in Hz.
//


#ifndef KABINET_DRIVER_HPP
#define KABINET_DRIVER_HPP


#include "kabinet/sdk.hpp"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>


namespace kabinet::sdk {


//
// Calendar
//


constexpr std::int64_t civilToUnix(int year, unsigned month, unsigned day, unsigned hour = 0, unsigned minute = 0,
	unsigned second = 0) noexcept
	/// Seconds since 1970-01-01T00:00:00 of a proleptic Gregorian date and time, read as UTC. To convert a
	/// meter's local time to UTC, subtract the meter's offset: civilToUnix(...) - utcOffsetMin * 60.
{
	const int y = year - (month <= 2 ? 1 : 0);
	const int era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = static_cast<unsigned>(y - era * 400);
	const unsigned mp = month > 2 ? month - 3 : month + 9;
	const unsigned doy = (153 * mp + 2) / 5 + day - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
	return days * 86400 + hour * 3600 + minute * 60 + second;
}


struct Civil
	/// A calendar date and time of day.
{
	int year = 1970;
	unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
	unsigned weekday = 4; /// 0 = Sunday ... 6 = Saturday (ISO Monday = 1)
};


constexpr Civil unixToCivil(std::int64_t t) noexcept
	/// The inverse of civilToUnix. To show UTC t in a meter's local time, pass t + utcOffsetMin * 60.
{
	std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	const std::int64_t secs = t - days * 86400;
	Civil c;
	c.hour = static_cast<unsigned>(secs / 3600);
	c.minute = static_cast<unsigned>(secs % 3600 / 60);
	c.second = static_cast<unsigned>(secs % 60);
	c.weekday = static_cast<unsigned>(((days % 7) + 11) % 7);
	days += 719468;
	const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
	const unsigned doe = static_cast<unsigned>(days - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	c.day = doy - (153 * mp + 2) / 5 + 1;
	c.month = mp < 10 ? mp + 3 : mp - 9;
	c.year = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (c.month <= 2 ? 1 : 0));
	return c;
}


inline std::int64_t nowUnix() noexcept
	/// The host's clock, Unix seconds.
{
	return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}


//
// The transport
//


class Transport
	/// The byte stream to the meter that the host opened (a view of kb_transport; the host owns it and
	/// keeps it open until the session is closed). Every call is bounded by its timeout.
{
public:
	Transport() = default;

	explicit Transport(const kb_transport* transport) noexcept: _t(transport)
	{
	}

	void write(std::span<const std::uint8_t> bytes, std::uint32_t timeoutMs) const
		/// Writes all bytes. Throws TransportError or TimeoutError.
	{
		check();
		kb_status status = _t->write(_t->ctx, bytes.data(), bytes.size(), timeoutMs);
		raise(status, "write");
	}

	std::size_t readSome(std::uint8_t* data, std::size_t capacity, std::uint32_t timeoutMs) const
		/// Waits up to timeoutMs for input and returns what came (1..capacity bytes).
		/// Throws TimeoutError when nothing came, TransportError when the connection is gone.
	{
		check();
		std::size_t received = 0;
		kb_status status = _t->read(_t->ctx, data, capacity, &received, timeoutMs);
		raise(status, "read");
		if (received == 0 || received > capacity) throw TransportError("transport: read returned no data");
		return received;
	}

	std::vector<std::uint8_t> readExact(std::size_t count, std::uint32_t timeoutMs) const
		/// Reads exactly count bytes; the whole read is bounded by timeoutMs.
		/// Throws TimeoutError (with how many bytes came) when the answer stays short.
	{
		std::vector<std::uint8_t> out(count);
		std::size_t have = 0;
		const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
		while (have < count)
		{
			const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
			if (left <= 0)
				throw TimeoutError("timeout: " + std::to_string(have) + " of " + std::to_string(count) + " bytes received");
			try
			{
				have += readSome(out.data() + have, count - have, static_cast<std::uint32_t>(left));
			}
			catch (const TimeoutError&)
			{
				throw TimeoutError("timeout: " + std::to_string(have) + " of " + std::to_string(count) + " bytes received");
			}
		}
		return out;
	}

	void discardInput() const noexcept
		/// Drops pending input (stale bytes of an earlier dialogue).
	{
		if (_t && _t->discard_input) _t->discard_input(_t->ctx);
	}

	std::string description() const
		/// A short text naming the link, for log lines ("tcp 10.0.0.5:4001").
	{
		return _t && _t->description ? std::string(_t->description) : std::string("transport");
	}

	const kb_transport* raw() const noexcept
	{
		return _t;
	}

private:
	void check() const
	{
		if (!KABINET_SDK_HAS_FIELD(_t, kb_transport, discard_input) || !_t->write || !_t->read)
			throw InternalError("transport: the host passed no usable transport");
	}

	static void raise(kb_status status, const char* what)
	{
		switch (status)
		{
		case KB_OK: return;
		case KB_ERR_TIMEOUT: throw TimeoutError(std::string("timeout: no answer (") + what + ")");
		case KB_ERR_TRANSPORT: throw TransportError(std::string("transport: connection lost (") + what + ")");
		default: throw TransportError(std::string("transport: ") + what + " failed with " + statusName(status));
		}
	}

	const kb_transport* _t = nullptr;
};


//
// What a driver reports
//


struct ReadRequest
	/// What one read asks for.
{
	std::uint32_t items = 0;  /// kb_read_item bits
	std::int64_t from = 0;    /// profile and events: range start, UTC (inclusive)
	std::int64_t to = 0;      /// range end (exclusive)

	bool wants(kb_read_item item) const noexcept
	{
		return (items & static_cast<std::uint32_t>(item)) != 0;
	}
};


struct Identity
{
	std::string serial, model, firmware, manufacturedOn; /// manufacturedOn: "YYYY-MM-DD" or ""
};


struct Interval
{
	std::int64_t start = 0;
	std::uint32_t lengthS = 1800;
	double apKwh = std::numeric_limits<double>::quiet_NaN();
	double amKwh = std::numeric_limits<double>::quiet_NaN();
	double rpKvarh = std::numeric_limits<double>::quiet_NaN();
	double rmKvarh = std::numeric_limits<double>::quiet_NaN();
	std::uint32_t flags = 0;
};


struct Event
{
	std::int64_t timestamp = 0;
	kb_event_class eventClass = KB_EV_OTHER;
	std::uint32_t phase = 0;
	std::string journal;
	std::int32_t code = -1;
};


class ReadingSink
	/// The host's sink (a view of kb_reading_sink). Callbacks the host did not provide are skipped.
{
public:
	explicit ReadingSink(const kb_reading_sink* sink) noexcept: _s(sink)
	{
	}

	void identity(const Identity& id) const
	{
		if (!has(offsetof(kb_reading_sink, identity)) || !_s->identity) return;
		kb_identity c{sizeof(kb_identity), id.serial.c_str(), id.model.c_str(), id.firmware.c_str(), id.manufacturedOn.c_str()};
		_s->identity(_s->ctx, &c);
	}

	void clock(std::int64_t meterTime, std::int64_t hostTime) const
	{
		if (!has(offsetof(kb_reading_sink, clock)) || !_s->clock) return;
		kb_clock c{sizeof(kb_clock), meterTime, hostTime};
		_s->clock(_s->ctx, &c);
	}

	void value(kb_quantity quantity, std::uint32_t tariff, std::uint32_t phase, double v, std::int64_t timestamp) const
		/// One register value; tariff 0 = total (energy only), phase 0 = total / single phase.
	{
		if (!has(offsetof(kb_reading_sink, value)) || !_s->value) return;
		kb_value c{sizeof(kb_value), quantity, tariff, phase, v, timestamp};
		_s->value(_s->ctx, &c);
	}

	void interval(const Interval& i) const
	{
		if (!has(offsetof(kb_reading_sink, interval)) || !_s->interval) return;
		kb_interval c{sizeof(kb_interval), i.start, i.lengthS, i.apKwh, i.amKwh, i.rpKvarh, i.rmKvarh, i.flags};
		_s->interval(_s->ctx, &c);
	}

	void event(const Event& e) const
	{
		if (!has(offsetof(kb_reading_sink, event)) || !_s->event) return;
		kb_event c{sizeof(kb_event), e.timestamp, e.eventClass, e.phase, e.journal.c_str(), e.code};
		_s->event(_s->ctx, &c);
	}

	void unavailable(kb_read_item item, std::string_view object, std::string_view reason) const
		/// The meter lacks one object (it refused it) while the link works; the read goes on.
	{
		failure(item, object, reason, KB_OK);
	}

	void failed(kb_read_item item, std::string_view object, std::string_view reason) const
		/// The meter answered for one object, but the answer made no sense (wrong length, invalid date,
		/// impossible value); the read goes on and the host reports the item as failed (KB_ERR_PROTOCOL).
	{
		failure(item, object, reason, KB_ERR_PROTOCOL);
	}

private:
	bool has(std::size_t offset) const noexcept
	{
		return _s != nullptr && _s->struct_size >= offset + sizeof(void*);
	}

	void failure(kb_read_item item, std::string_view object, std::string_view reason, kb_status status) const
	{
		if (!has(offsetof(kb_reading_sink, unavailable)) || !_s->unavailable) return;
		const std::string o(object), r(reason);
		kb_read_failure c{sizeof(kb_read_failure), item, o.c_str(), r.c_str(), status};
		_s->unavailable(_s->ctx, &c);
	}

	const kb_reading_sink* _s;
};


//
// Sessions and drivers
//


class Session
	/// A session with one meter. The host calls read() any number of times, then close(), from one
	/// thread at a time.
{
public:
	virtual ~Session() = default;

	virtual void read(const ReadRequest& request, ReadingSink& sink) = 0;
		/// Reads what the request asks for, reporting through sink as it goes. Throws on link failures.

	virtual void close() noexcept
		/// Logs out if the link still works. Must not throw; bounded by the driver's timeouts.
	{
	}
};


class ItemSession: public Session
	/// A Session that reads item by item, always in the same order: identity, clock, energy, instantaneous
	/// values, billing snapshots, profile, events. A driver overrides the items its meters have; the others
	/// report one "not supported" failure each. beginRead() runs first (wake the line, re-open a session).
{
public:
	void read(const ReadRequest& request, ReadingSink& sink) override
	{
		beginRead();
		if (request.wants(KB_READ_IDENTITY)) readIdentity(sink);
		if (request.wants(KB_READ_CLOCK)) readClock(sink);
		if (request.wants(KB_READ_ENERGY)) readEnergy(sink);
		if (request.wants(KB_READ_INSTANT)) readInstant(sink);
		if (request.wants(KB_READ_BILLING)) readBilling(request, sink);
		if (request.wants(KB_READ_PROFILE)) readProfile(request, sink);
		if (request.wants(KB_READ_EVENTS)) readEvents(request, sink);
	}

protected:
	virtual void beginRead() {}
	virtual void readIdentity(ReadingSink& sink) { notSupported(sink, KB_READ_IDENTITY); }
	virtual void readClock(ReadingSink& sink) { notSupported(sink, KB_READ_CLOCK); }
	virtual void readEnergy(ReadingSink& sink) { notSupported(sink, KB_READ_ENERGY); }
	virtual void readInstant(ReadingSink& sink) { notSupported(sink, KB_READ_INSTANT); }
	virtual void readBilling(const ReadRequest&, ReadingSink& sink) { notSupported(sink, KB_READ_BILLING); }
	virtual void readProfile(const ReadRequest&, ReadingSink& sink) { notSupported(sink, KB_READ_PROFILE); }
	virtual void readEvents(const ReadRequest&, ReadingSink& sink) { notSupported(sink, KB_READ_EVENTS); }

private:
	static void notSupported(ReadingSink& sink, kb_read_item item)
	{
		sink.unavailable(item, "-", "not supported by this driver");
	}
};


class Driver
	/// A driver instance made from the driver's JSON config. open() may be called from several threads
	/// at once (for different meters).
{
public:
	virtual ~Driver() = default;

	virtual std::unique_ptr<Session> open(std::string_view meterJson, Transport transport) = 0;
		/// Opens a session to the meter that meterJson describes, over transport: wakes the line and
		/// authenticates. Throws ConfigError (bad settings), AuthError, TransportError, TimeoutError or
		/// ProtocolError.
};


template <typename D>
concept DriverImplementation = std::derived_from<D, Driver> && std::constructible_from<D, std::string_view>;


namespace detail {


template <DriverImplementation D>
kb_status driverCreate(const char* configJson, void** instance, kb_error_buf* error) noexcept
{
	if (instance) *instance = nullptr;
	return guard(error, [&]()
	{
		if (instance == nullptr) throw InternalError("create called without an instance out-pointer");
		if (configJson == nullptr) throw ConfigError("config: no configuration given");
		std::unique_ptr<Driver> driver = std::make_unique<D>(std::string_view(configJson));
		*instance = driver.release();
	});
}


inline void driverDestroy(void* instance) noexcept
{
	try
	{
		delete static_cast<Driver*>(instance);
	}
	catch (...)
	{
		log(KB_LOG_ERROR, "a driver destructor threw; ignored");
	}
}


inline kb_status driverOpen(void* instance, const char* meterJson, const kb_transport* transport, void** session,
	kb_error_buf* error) noexcept
{
	if (session) *session = nullptr;
	return guard(error, [&]()
	{
		if (instance == nullptr || session == nullptr) throw InternalError("open called with a null instance or out-pointer");
		if (meterJson == nullptr) throw ConfigError("meter: no settings given");
		std::unique_ptr<Session> s = static_cast<Driver*>(instance)->open(std::string_view(meterJson), Transport(transport));
		*session = s.release();
	});
}


inline kb_status driverRead(void* session, const kb_read_request* request, const kb_reading_sink* sink,
	kb_error_buf* error) noexcept
{
	return guard(error, [&]()
	{
		if (session == nullptr) throw InternalError("read called with a null session");
		if (!KABINET_SDK_HAS_FIELD(request, kb_read_request, to)) throw InternalError("read called without a usable request");
		ReadRequest r{request->items, request->from, request->to};
		ReadingSink s(sink);
		static_cast<Session*>(session)->read(r, s);
	});
}


inline void driverClose(void* session) noexcept
{
	if (session == nullptr) return;
	auto* s = static_cast<Session*>(session);
	try
	{
		s->close();
	}
	catch (...)
	{
	}
	try
	{
		delete s;
	}
	catch (...)
	{
		log(KB_LOG_ERROR, "a session destructor threw; ignored");
	}
}


inline constexpr kb_driver_vtable driverVtable{
	sizeof(kb_driver_vtable),
	&driverOpen,
	&driverRead,
	&driverClose,
};


} // namespace detail


template <DriverImplementation D>
constexpr kb_plugin_descriptor makeDriverDescriptor(const char* name, const char* version, const char* configSchemaJson) noexcept
	/// Builds the static descriptor of a driver plugin implemented by class D.
{
	return makeDescriptor(name, version, KB_PLUGIN_DRIVER, configSchemaJson, &detail::driverCreate<D>, &detail::driverDestroy,
		&detail::driverVtable);
}


} // namespace kabinet::sdk


#define KABINET_DRIVER_PLUGIN(DriverClass, pluginName, pluginVersion, configSchemaJson) \
	KABINET_DEFINE_PLUGIN_ENTRY((::kabinet::sdk::makeDriverDescriptor<DriverClass>(pluginName, pluginVersion, configSchemaJson)))
	/// Defines the exported kabinet_plugin_entry of a driver plugin implemented by DriverClass. name,
	/// version and schema must be static strings; name must equal the manifest's name.


#endif // KABINET_DRIVER_HPP
