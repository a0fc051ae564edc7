//
// mercury_driver_test.cpp
//
// Loads libkabinet-mercury.so the way kabinetd does and reads simulated Mercury meters over TCP: identity,
// clock, energy, instantaneous values, billing snapshots, a week of the 30-minute profile and the week's
// journals, compared with what the meter model computes; two meters on one bus; the profile ring's
// wrap-around; and the fault matrix (corrupted, truncated, missing, garbled answers, refused passwords,
// channels the meter closes), at the session start and in the middle of a profile read.
//


#include "Simulator.h"

#include "plugins/PluginHost.h"
#include "plugins/Driver.h"
#include "plugins/Transport.h"

#include "kabinet/driver.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>


using kabinet::DriverError;
using kabinet::DriverReading;
using kabinet::sim::Channel;
using kabinet::sim::Fault;
using kabinet::sim::FaultPlan;
using kabinet::sim::MeterConfig;


namespace {


// 2024-03-20 10:17:23 UTC, 13:17:23 on the meters' clocks (UTC+3): not aligned to a half hour.
const long long kNow = kabinet::sdk::civilToUnix(2024, 3, 20, 10, 17, 23);
const std::string kFastConfig = R"({"timeout_ms": 300, "frame_retries": 2, "inter_frame_ms": 1})";


std::shared_ptr<const kabinet::LoadedPlugin> plugin()
{
	static const std::shared_ptr<const kabinet::LoadedPlugin> loaded = []
	{
		const char* out = std::getenv("KABINET_PLUGIN_OUT");
		REQUIRE(out != nullptr);
		return kabinet::PluginHost::loadFolder(std::string(out) + "/mercury");
	}();
	return loaded;
}


std::unique_ptr<kabinet::Driver> makeDriver(const std::string& config = kFastConfig)
{
	return kabinet::PluginHost::createDriver(plugin(), config);
}


MeterConfig meterConfig(unsigned address, const std::string& serial, unsigned seed)
{
	MeterConfig c;
	c.address = address;
	c.serial = serial;
	c.seed = seed;
	c.installedAt = kNow - 120LL * 86400 - 777;
	c.manufacturedOn = "2021-03-15";
	return c;
}


std::string meterJson(unsigned address, const std::string& extra = "")
{
	return "{\"address\": " + std::to_string(address) + ", \"utc_offset_min\": 180" + extra + "}";
}


struct Frozen
	/// Freezes the simulators' clock for one test.
{
	explicit Frozen(long long t)
	{
		kabinet::sim::freezeTime(t);
	}
	~Frozen()
	{
		kabinet::sim::unfreezeTime();
	}
};


constexpr Channel kChannels[4] = {Channel::AP, Channel::AM, Channel::RP, Channel::RM};


int channelOf(kb_quantity q)
{
	switch (q)
	{
	case KB_Q_ENERGY_AP: return 0;
	case KB_Q_ENERGY_AM: return 1;
	case KB_Q_ENERGY_RP: return 2;
	case KB_Q_ENERGY_RM: return 3;
	default: return -1;
	}
}


long long localMidnight(long long utc, int offsetMin, int daysBack = 0)
{
	const auto c = kabinet::sdk::unixToCivil(utc + offsetMin * 60LL);
	return kabinet::sdk::civilToUnix(c.year, c.month, c.day) - offsetMin * 60LL - daysBack * 86400LL;
}


long long localMonthStart(long long utc, int offsetMin, int monthsBack)
{
	const auto c = kabinet::sdk::unixToCivil(utc + offsetMin * 60LL);
	int y = c.year, m = static_cast<int>(c.month) - monthsBack;
	while (m < 1)
	{
		m += 12;
		--y;
	}
	return kabinet::sdk::civilToUnix(y, static_cast<unsigned>(m), 1) - offsetMin * 60LL;
}


/// Every interval reported matches the model: start on the half hour, energy within one pulse (0.5 Wh),
/// the incomplete flag exactly where the meter was switched off or on.
void checkIntervals(const std::vector<DriverReading::Interval>& intervals, const kabinet::sim::MeterModel& model)
{
	for (const auto& i: intervals)
	{
		INFO("interval at " << i.start);
		CHECK(i.start % 1800 == 0);
		CHECK(i.lengthS == 1800);
		const double got[4] = {i.ap, i.am, i.rp, i.rm};
		for (int ch = 0; ch < 4; ++ch)
			CHECK(std::fabs(got[ch] * 1000.0 - double(model.intervalWh(kChannels[ch], i.start, 1800))) <= 0.5 + 1e-9);
		bool switched = false;
		for (const auto& e: model.events(i.start, i.start + 1800))
			switched = switched || e.kind == kabinet::sim::EvPowerOff || e.kind == kabinet::sim::EvPowerOn;
		CHECK(((i.flags & KB_INTERVAL_INCOMPLETE) != 0) == switched);
	}
}


/// The complete intervals that start in [from, to) at `now`.
std::set<long long> expectedStarts(const kabinet::sim::MeterModel& model, long long from, long long to, long long now)
{
	std::set<long long> out;
	for (long long s = std::max(model.profileStart(), (from + 1799) / 1800 * 1800); s < to && s + 1800 <= now; s += 1800)
		out.insert(s);
	return out;
}


std::set<long long> startsOf(const std::vector<DriverReading::Interval>& intervals)
{
	std::set<long long> out;
	for (const auto& i: intervals) out.insert(i.start);
	return out;
}


void checkEnergy(const DriverReading& r, const kabinet::sim::MeterModel& model, long long now)
{
	int seen = 0;
	for (const auto& v: r.values)
	{
		const int ch = channelOf(v.quantity);
		if (ch < 0) continue;
		++seen;
		INFO("energy channel " << ch << " tariff " << v.tariff);
		CHECK(std::llround(v.value * 1000.0) == model.energyWh(kChannels[ch], v.tariff, now));
	}
	CHECK(seen == 20); // A+, A-, R+, R- for the total and T1..T4
}


std::string eventsText(const std::multiset<std::tuple<long long, int, unsigned>>& events)
{
	std::string out;
	for (const auto& [ts, cls, phase]: events)
		out += std::to_string(ts) + "/" + std::to_string(cls) + "/" + std::to_string(phase) + " ";
	return out;
}


double elapsedS(std::chrono::steady_clock::time_point since)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}


} // namespace


TEST_CASE("mercury: the plugin loads like the host loads it", "[mercury][driver]")
{
	const auto p = plugin();
	REQUIRE(p);
	CHECK(p->manifest.name == "mercury");
	CHECK(p->manifest.kind == "driver");
	CHECK(p->descriptor->kind == KB_PLUGIN_DRIVER);
	CHECK_THROWS(makeDriver(R"({"timeout_ms": "fast"})"));
	CHECK(makeDriver("{}"));
}


TEST_CASE("mercury: reads one meter completely and as the model says", "[mercury][driver]")
{
	Frozen frozen(kNow);
	kabinet::sim::Gateway gateway("mercury", {meterConfig(17, "41906467", 3)}, 0);
	const auto& model = gateway.bus().meters.front()->model;
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
	auto session = driver->open(meterJson(17), transport);

	SECTION("identity, clock, energy")
	{
		DriverReading r;
		session->read(KB_READ_IDENTITY | KB_READ_CLOCK | KB_READ_ENERGY, 0, 0, r);
		REQUIRE(r.identity);
		CHECK(r.identity->serial == "41906467");
		CHECK(r.identity->firmware == "9.1.0");
		CHECK(r.identity->manufacturedOn == "2021-03-15");
		CHECK_FALSE(r.identity->model.empty());
		REQUIRE(r.clock);
		CHECK(r.clock->meterTime == kNow);
		CHECK(std::llabs(r.clock->hostTime - kabinet::sdk::nowUnix()) < 60);
		checkEnergy(r, model, kNow);
		CHECK(r.unavailable.empty());
	}

	SECTION("instantaneous values within the protocol's resolution")
	{
		DriverReading r;
		session->read(KB_READ_INSTANT, 0, 0, r);
		const auto v = model.instant(kNow);
		std::map<std::pair<int, unsigned>, double> got;
		for (const auto& x: r.values) got[{x.quantity, x.phase}] = x.value;
		const auto near = [&](kb_quantity q, unsigned phase, double expected, double resolution)
		{
			INFO("quantity " << q << " phase " << phase);
			REQUIRE(got.count({q, phase}) == 1);
			CHECK(std::fabs(got[{q, phase}] - expected) <= resolution / 2 + 1e-9);
		};
		for (unsigned ph = 0; ph < 4; ++ph)
		{
			near(KB_Q_POWER_P, ph, v.p[ph], 1e-5);
			near(KB_Q_POWER_Q, ph, v.q[ph], 1e-5);
			near(KB_Q_POWER_S, ph, v.s[ph], 1e-5);
			near(KB_Q_POWER_FACTOR, ph, v.pf[ph], 1e-3);
		}
		for (unsigned ph = 1; ph <= 3; ++ph)
		{
			near(KB_Q_VOLTAGE, ph, v.u[ph - 1], 0.01);
			near(KB_Q_CURRENT, ph, v.i[ph - 1], 0.001);
			near(KB_Q_ANGLE, ph, v.angle[ph - 1], 0.01);
		}
		near(KB_Q_FREQUENCY, 0, v.f, 0.01);
		CHECK(r.values.size() == 4 * 4 + 3 * 3 + 1);
		CHECK(r.unavailable.empty());
	}

	SECTION("billing snapshots: start of today, of yesterday, of this and earlier months")
	{
		DriverReading r;
		const long long from = kNow - 100 * 86400LL;
		session->read(KB_READ_BILLING, from, kNow + 1, r);
		std::set<long long> expected = {localMidnight(kNow, 180), localMidnight(kNow, 180, 1)};
		for (int back = 0; back < 12; ++back)
			if (localMonthStart(kNow, 180, back) >= from) expected.insert(localMonthStart(kNow, 180, back));
		CHECK(expected.size() == 5); // 20 and 19 March, 1 March, 1 February, 1 January (1 December is before `from`)
		std::set<long long> moments;
		for (const auto& v: r.values)
		{
			const int ch = channelOf(v.quantity);
			REQUIRE(ch >= 0);
			moments.insert(v.ts);
			INFO("snapshot at " << v.ts << " channel " << ch << " tariff " << v.tariff);
			CHECK(std::llround(v.value * 1000.0) == model.energyWh(kChannels[ch], v.tariff, v.ts));
		}
		CHECK(moments == expected);
		CHECK(r.values.size() == expected.size() * 20);
		CHECK(r.unavailable.empty());

		DriverReading none;
		session->read(KB_READ_BILLING, kNow - 3600, kNow, none);
		CHECK(none.values.empty());
	}

	SECTION("a week of the 30-minute profile")
	{
		DriverReading r;
		const long long from = localMidnight(kNow, 180, 7), to = kNow;
		session->read(KB_READ_PROFILE, from, to, r);
		CHECK(startsOf(r.intervals) == expectedStarts(model, from, to, kNow));
		CHECK(r.intervals.size() == 7 * 48 + 26); // seven days and today until 13:00 local
		checkIntervals(r.intervals, model);
		CHECK(std::any_of(r.intervals.begin(), r.intervals.end(), [](const auto& i) { return (i.flags & KB_INTERVAL_INCOMPLETE) != 0; }));
		CHECK(r.unavailable.empty());

		DriverReading part;
		session->read(KB_READ_PROFILE, kNow - 5 * 3600, kNow - 3 * 3600, part);
		CHECK(startsOf(part.intervals) == expectedStarts(model, kNow - 5 * 3600, kNow - 3 * 3600, kNow));
		checkIntervals(part.intervals, model);
	}

	SECTION("the week's journals")
	{
		DriverReading r;
		const long long from = kNow - 7 * 86400LL, to = kNow;
		session->read(KB_READ_EVENTS, from, to, r);
		std::multiset<std::tuple<long long, int, unsigned>> got, expected;
		for (const auto& e: r.events)
		{
			got.insert({e.ts, static_cast<int>(e.eventClass), e.phase});
			CHECK(e.journal.rfind("0x", 0) == 0);
		}
		for (const auto& e: model.events(from, to))
			if (e.kind != kabinet::sim::EvFirmwareIntegrity) // no Mercury journal keeps it
				expected.insert({e.ts, e.kind, e.phase});
		CHECK(eventsText(got) == eventsText(expected));
		CHECK(std::any_of(r.events.begin(), r.events.end(), [](const auto& e) { return e.eventClass == KB_EV_POWER_OFF; }));
		CHECK(r.unavailable.empty());
	}

	SECTION("everything in one read")
	{
		DriverReading r;
		const long long from = kNow - 2 * 86400LL;
		session->read(KB_READ_IDENTITY | KB_READ_CLOCK | KB_READ_ENERGY | KB_READ_INSTANT | KB_READ_PROFILE | KB_READ_EVENTS,
			from, kNow, r);
		CHECK(r.identity);
		CHECK(r.clock);
		CHECK(startsOf(r.intervals) == expectedStarts(model, from, kNow, kNow));
		CHECK(r.unavailable.empty());
	}
	session->close();
}


TEST_CASE("mercury: two meters on one bus, read in turn over one transport", "[mercury][driver]")
{
	Frozen frozen(kNow);
	kabinet::sim::Gateway gateway("mercury", {meterConfig(1, "00000101", 1), meterConfig(2, "00000202", 2)}, 0);
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
	for (int round = 0; round < 2; ++round)
	{
		for (unsigned address: {1u, 2u})
		{
			auto session = driver->open(meterJson(address), transport);
			DriverReading r;
			session->read(KB_READ_IDENTITY | KB_READ_ENERGY, 0, 0, r);
			REQUIRE(r.identity);
			CHECK(r.identity->serial == (address == 1 ? "00000101" : "00000202"));
			checkEnergy(r, gateway.bus().byAddress(address)->model, kNow);
			session->close();
		}
	}
	// A meter that is not on the bus stays silent.
	const auto started = std::chrono::steady_clock::now();
	try
	{
		driver->open(meterJson(3), transport);
		FAIL("address 3 must not answer");
	}
	catch (const DriverError& e)
	{
		CHECK(e.status == KB_ERR_TIMEOUT);
	}
	CHECK(elapsedS(started) < 5);
}


TEST_CASE("mercury: address 0 reaches the single meter of a line", "[mercury][driver]")
{
	Frozen frozen(kNow);
	kabinet::sim::Gateway gateway("mercury", {meterConfig(77, "12345678", 5)}, 0);
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
	auto session = driver->open(meterJson(0), transport);
	DriverReading r;
	session->read(KB_READ_IDENTITY, 0, 0, r);
	REQUIRE(r.identity);
	CHECK(r.identity->serial == "12345678");
}


TEST_CASE("mercury: the profile walk wraps around address 0 of the ring", "[mercury][driver]")
{
	// 4197 complete records: the last at ring slot 100, the ring has wrapped, and a week back crosses slot 0.
	const long long now = 1800LL * 950000 + 1000;
	Frozen frozen(now);
	MeterConfig c = meterConfig(9, "00000009", 9);
	c.installedAt = now - 1000 - 4197LL * 1800;
	kabinet::sim::Gateway gateway("mercury", {c}, 0);
	const auto& model = gateway.bus().meters.front()->model;
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
	auto session = driver->open(meterJson(9), transport);
	DriverReading r;
	const long long from = now - 7 * 86400LL;
	session->read(KB_READ_PROFILE, from, now, r);
	CHECK(r.intervals.size() == 7 * 48 - 1); // `now` is 1000 s past a half hour
	CHECK(startsOf(r.intervals) == expectedStarts(model, from, now, now));
	checkIntervals(r.intervals, model);

	// Older than the ring: only what the ring still holds (4096 records).
	DriverReading old;
	session->read(KB_READ_PROFILE, now - 100 * 86400LL, now - 84 * 86400LL, old);
	const long long oldestKept = model.profileStart() + (4197 - 4096) * 1800LL;
	CHECK(startsOf(old.intervals) == expectedStarts(model, oldestKept, now - 84 * 86400LL, now));
	checkIntervals(old.intervals, model);
}


TEST_CASE("mercury: a meter whose profile has just started", "[mercury][driver]")
{
	Frozen frozen(kNow);
	MeterConfig c = meterConfig(4, "00000004", 4);
	c.installedAt = kNow - 3 * 3600;
	kabinet::sim::Gateway gateway("mercury", {c}, 0);
	const auto& model = gateway.bus().meters.front()->model;
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
	auto session = driver->open(meterJson(4), transport);
	DriverReading r;
	session->read(KB_READ_PROFILE, kNow - 86400, kNow, r);
	CHECK(startsOf(r.intervals) == expectedStarts(model, kNow - 86400, kNow, kNow));
	CHECK(r.intervals.size() == 5);
	checkIntervals(r.intervals, model);
}


TEST_CASE("mercury: profile records stamped with their interval's end", "[mercury][driver]")
{
	// The simulated meter stamps records with the interval start; a driver configured for end stamps
	// reads each record as the interval before it.
	Frozen frozen(kNow);
	kabinet::sim::Gateway gateway("mercury", {meterConfig(6, "00000006", 6)}, 0);
	const auto& model = gateway.bus().meters.front()->model;
	auto driver = makeDriver(R"({"timeout_ms": 300, "inter_frame_ms": 0, "profile_stamp": "end"})");
	kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
	auto session = driver->open(meterJson(6), transport);
	DriverReading r;
	session->read(KB_READ_PROFILE, kNow - 3 * 3600, kNow, r);
	// Records stamped 07:30 .. 09:30 UTC read as the intervals 07:00 .. 09:00; 07:00 is before the range.
	CHECK(startsOf(r.intervals) == std::set<long long>{kNow - 1043 - 9000, kNow - 1043 - 7200, kNow - 1043 - 5400, kNow - 1043 - 3600});
	for (const auto& i: r.intervals)
		CHECK(std::llround(i.ap * 1000.0) == model.intervalWh(Channel::AP, i.start + 1800, 1800));
}


TEST_CASE("mercury: a refused password is an authentication error", "[mercury][driver]")
{
	Frozen frozen(kNow);
	kabinet::sim::Gateway gateway("mercury", {meterConfig(5, "00000005", 5)}, 0);
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
	for (const std::string& extra: {std::string(R"(, "password": "123456")"), std::string(R"(, "password": "111111", "password_encoding": "ascii")"),
		std::string(R"(, "level": 2, "password": "111111")")})
	{
		try
		{
			driver->open(meterJson(5, extra), transport);
			FAIL("the password must be refused");
		}
		catch (const DriverError& e)
		{
			CHECK(e.status == KB_ERR_AUTH);
			CHECK(std::string(e.what()).find("123456") == std::string::npos);
		}
	}
	auto admin = driver->open(meterJson(5, R"(, "level": 2)"), transport);
	DriverReading r;
	admin->read(KB_READ_IDENTITY, 0, 0, r);
	CHECK(r.identity);
	try
	{
		driver->open(R"({"address": 5, "password": "12"})", transport);
		FAIL("bad settings must be refused");
	}
	catch (const DriverError& e)
	{
		CHECK(e.status == KB_ERR_CONFIG);
	}
}


TEST_CASE("mercury: fault matrix", "[mercury][driver][faults]")
{
	Frozen frozen(kNow);
	kabinet::sim::Gateway gateway("mercury", {meterConfig(21, "00000021", 7)}, 0);
	auto& meter = *gateway.bus().meters.front();
	const auto& model = meter.model;
	auto driver = makeDriver();
	const long long from = kNow - 2 * 86400LL;

	struct Case
	{
		Fault fault;
		unsigned count;       // replies (or refused requests) affected
		kb_status atStart;    // outcome of open + read at the session start (KB_OK: recovered)
		kb_status midProfile; // outcome of a profile read hit in the middle
	};
	const Case cases[] = {
		{Fault::BadCrc, UINT_MAX, KB_ERR_PROTOCOL, KB_ERR_PROTOCOL},
		{Fault::BadCrc, 2, KB_OK, KB_OK},
		{Fault::Truncated, UINT_MAX, KB_ERR_PROTOCOL, KB_ERR_PROTOCOL},
		{Fault::Truncated, 1, KB_OK, KB_OK},
		{Fault::Silence, UINT_MAX, KB_ERR_TIMEOUT, KB_ERR_TIMEOUT},
		{Fault::Silence, 2, KB_OK, KB_OK},
		{Fault::Garbage, UINT_MAX, KB_ERR_PROTOCOL, KB_ERR_PROTOCOL},
		{Fault::Garbage, 2, KB_OK, KB_OK},
		{Fault::WrongPassword, 1, KB_ERR_AUTH, KB_OK}, // no password is presented in the middle of a read
		{Fault::WrongPassword, UINT_MAX, KB_ERR_AUTH, KB_OK},
		{Fault::SessionTimeout, 1, KB_OK, KB_OK},     // re-opened once, the request repeated
		{Fault::SessionTimeout, UINT_MAX, KB_ERR_PROTOCOL, KB_ERR_PROTOCOL},
	};

	for (const Case& c: cases)
	{
		for (bool middle: {false, true})
		{
			INFO("fault " << kabinet::sim::faultName(c.fault) << " count " << c.count << (middle ? " in the middle of a profile read" : " at the session start"));
			kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
			const kb_status expected = middle ? c.midProfile : c.atStart;
			DriverReading r;
			kb_status outcome = KB_OK;
			const unsigned faultsBefore = meter.faultsApplied.load();
			const auto started = std::chrono::steady_clock::now();
			try
			{
				if (!middle) meter.setFault(FaultPlan{c.fault, 0, c.count});
				auto session = driver->open(meterJson(21), transport);
				if (middle) meter.setFault(FaultPlan{c.fault, 40, c.count}); // after 40 records of the walk
				session->read(middle ? KB_READ_PROFILE : (KB_READ_IDENTITY | KB_READ_PROFILE), from, kNow, r);
			}
			catch (const DriverError& e)
			{
				outcome = e.status;
			}
			const double took = elapsedS(started);
			CHECK(outcome == expected);
			CHECK(took < 10.0);
			// Whatever was reported is right, and a successful read is complete.
			checkIntervals(r.intervals, model);
			if (r.identity) CHECK(r.identity->serial == "00000021");
			if (outcome == KB_OK)
			{
				CHECK(startsOf(r.intervals) == expectedStarts(model, from, kNow, kNow));
				if (c.fault != Fault::WrongPassword) CHECK(meter.faultsApplied.load() > faultsBefore); // the fault did happen
			}

			// Once the fault is over a new session reads correctly.
			meter.setFault(FaultPlan{Fault::None, 0, 0});
			kabinet::TcpTransport fresh("127.0.0.1", gateway.port(), 2000);
			auto session = driver->open(meterJson(21), fresh);
			DriverReading after;
			session->read(KB_READ_IDENTITY | KB_READ_ENERGY, 0, 0, after);
			REQUIRE(after.identity);
			CHECK(after.identity->serial == "00000021");
			checkEnergy(after, model, kNow);
		}
	}
}


TEST_CASE("mercury: a session the meter closed while idle is opened again", "[mercury][driver][faults]")
{
	Frozen frozen(kNow);
	kabinet::sim::Gateway gateway("mercury", {meterConfig(33, "00000033", 8)}, 0);
	auto& meter = *gateway.bus().meters.front();
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
	auto session = driver->open(meterJson(33), transport);
	// Another dialogue closes the channel (as the meter does after 240 s without requests).
	{
		kabinet::TcpTransport other("127.0.0.1", gateway.port(), 2000);
		auto second = driver->open(meterJson(33), other);
		second->close();
	}
	DriverReading r;
	session->read(KB_READ_ENERGY, 0, 0, r);
	checkEnergy(r, meter.model, kNow);
}


TEST_CASE("mercury: older firmware sends the last record's byte address, newer 16-byte units", "[mercury][driver]")
{
	Frozen frozen(kNow);
	const long long from = kNow - 2 * 86400LL;
	for (const char* firmware: {"2.1.0", "7.0.5", "7.1.0", "9.1.0"})
	{
		DYNAMIC_SECTION("firmware " << firmware)
		{
			MeterConfig c = meterConfig(41, "00000041", 5);
			c.firmware = firmware;
			kabinet::sim::Gateway gateway("mercury", {c}, 0);
			const auto& model = gateway.bus().meters.front()->model;
			auto driver = makeDriver();
			kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
			auto session = driver->open(meterJson(41), transport);
			DriverReading r;
			session->read(KB_READ_PROFILE, from, kNow, r); // the firmware is read by the profile itself
			for (const auto& f: r.unavailable) INFO(f.object << ": " << f.reason);
			CHECK(r.unavailable.empty());
			CHECK(startsOf(r.intervals) == expectedStarts(model, from, kNow, kNow));
			checkIntervals(r.intervals, model);
			// Read with the identity first, the firmware is not asked for twice.
			DriverReading again;
			session->read(KB_READ_IDENTITY | KB_READ_PROFILE, from, kNow, again);
			REQUIRE(again.identity);
			CHECK(again.identity->firmware == firmware);
			CHECK(startsOf(again.intervals) == startsOf(r.intervals));
		}
	}
}


TEST_CASE("mercury: a malformed answer fails its object, the read goes on", "[mercury][driver][faults]")
{
	Frozen frozen(kNow);
	kabinet::sim::Gateway gateway("mercury", {meterConfig(23, "00000023", 9)}, 0);
	auto& meter = *gateway.bus().meters.front();
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gateway.port(), 2000);
	auto session = driver->open(meterJson(23), transport);

	SECTION("the clock: named 04 00 in the current values and in the profile")
	{
		meter.setFault(FaultPlan{Fault::Malformed, 0, UINT_MAX, "04 00"});
		DriverReading r;
		session->read(KB_READ_IDENTITY | KB_READ_CLOCK | KB_READ_ENERGY | KB_READ_INSTANT, 0, 0, r);
		CHECK_FALSE(r.clock.has_value());
		REQUIRE(r.identity);
		CHECK(r.identity->serial == "00000023");
		checkEnergy(r, meter.model, kNow);
		REQUIRE(r.unavailable.size() == 1);
		CHECK(r.unavailable[0].item == KB_READ_CLOCK);
		CHECK(r.unavailable[0].object == "04 00");
		CHECK(r.unavailable[0].status == KB_ERR_PROTOCOL);
		CHECK(r.unavailable[0].reason.find("data bytes") != std::string::npos);

		DriverReading p;
		session->read(KB_READ_PROFILE, kNow - 86400, kNow, p);
		CHECK(p.intervals.empty());
		REQUIRE(p.unavailable.size() == 1);
		CHECK(p.unavailable[0].item == KB_READ_PROFILE);
		CHECK(p.unavailable[0].object == "04 00"); // not 08 13: the clock read is what failed
		CHECK(p.unavailable[0].status == KB_ERR_PROTOCOL);
	}

	SECTION("one energy array: the others are reported")
	{
		meter.setFault(FaultPlan{Fault::Malformed, 0, UINT_MAX, "05 00 03"});
		DriverReading r;
		session->read(KB_READ_ENERGY, 0, 0, r);
		CHECK(r.values.size() == 16); // four of the five tariffs' arrays
		for (const auto& v: r.values) CHECK(v.tariff != 3);
		REQUIRE(r.unavailable.size() == 1);
		CHECK(r.unavailable[0].object == "05 00 03");
		CHECK(r.unavailable[0].status == KB_ERR_PROTOCOL);
	}

	SECTION("a profile record: the walk stops there and names it")
	{
		meter.setFault(FaultPlan{Fault::Malformed, 0, UINT_MAX, "06 03 67 40 0F"});
		DriverReading p;
		session->read(KB_READ_PROFILE, kNow - 3 * 86400, kNow, p);
		REQUIRE_FALSE(p.unavailable.empty());
		CHECK(p.unavailable.back().object == "06 03 67 40 0F");
		CHECK(p.unavailable.back().status == KB_ERR_PROTOCOL);
		CHECK(p.intervals.size() == 10); // the ten newer records walked before it
	}

	SECTION("answers that keep making no sense end the dialogue")
	{
		meter.setFault(FaultPlan{Fault::Malformed, 0, UINT_MAX, ""});
		DriverReading r;
		kb_status status = KB_OK;
		try
		{
			session->read(KB_READ_ENERGY, 0, 0, r);
		}
		catch (const DriverError& e)
		{
			status = e.status;
			CHECK(std::string(e.what()).find("05 00 02") != std::string::npos);
		}
		CHECK(status == KB_ERR_PROTOCOL);
		CHECK(r.unavailable.size() == 2); // the first two arrays failed as objects
	}
}
