//
// iec_driver_test.cpp
//
// Loads libkabinet-iec62056-21.so the way kabinetd does and drives it over TCP against the in-process
// Energomera simulator ("iec"): identity, clock, energy, instantaneous values, billing snapshots, a week of
// 30-minute profile and the journals, compared with what the MeterModel computes; two meters on one bus;
// and the fault matrix (corrupt, truncated, missing, garbled answers, refused password, dropped session).
//
// Environment: KABINET_PLUGIN_OUT (the staged plugins).
//


#include "plugins/PluginHost.h"
#include "plugins/Driver.h"
#include "plugins/Transport.h"

#include "MeterModel.h"
#include "Simulator.h"

#include <catch2/catch.hpp>

#include "Poco/Environment.h"

#include <chrono>
#include <climits>
#include <cmath>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>


namespace {


using kabinet::DriverError;
using kabinet::DriverReading;
using kabinet::sim::Fault;
using kabinet::sim::FaultPlan;
using kabinet::sim::MeterConfig;


constexpr long long kDay = 86400;
constexpr int kOffsetMin = 180;


std::string pluginFolder()
{
	const std::string out = Poco::Environment::get("KABINET_PLUGIN_OUT", "");
	REQUIRE_FALSE(out.empty());
	return out + "/iec62056-21";
}


long long frozenNow()
	/// Yesterday 12:17:23 local time: far from midnight, close enough to the host's clock.
{
	const long long off = kOffsetMin * 60LL;
	const long long local = static_cast<long long>(std::time(nullptr)) + off;
	return (local / kDay - 1) * kDay + 12 * 3600 + 17 * 60 + 23 - off;
}


struct TimeFreeze
{
	explicit TimeFreeze(long long t)
	{
		kabinet::sim::freezeTime(t);
	}
	~TimeFreeze()
	{
		kabinet::sim::unfreezeTime();
	}
};


MeterConfig meterConfig(const std::string& serial, unsigned seed, long long now)
{
	MeterConfig c;
	c.serial = serial;
	c.seed = seed;
	c.utcOffsetMin = kOffsetMin;
	c.installedAt = now - 90 * kDay - 4321;
	c.basePowerKw = 2.0;
	return c;
}


std::shared_ptr<const kabinet::LoadedPlugin> plugin()
{
	static auto p = kabinet::PluginHost::loadFolder(pluginFolder());
	return p;
}


std::unique_ptr<kabinet::Driver> makeDriver(const std::string& config = R"({"timeout_ms": 300, "frame_retries": 1})")
{
	return kabinet::PluginHost::createDriver(plugin(), config);
}


std::string meterJson(const std::string& address, const std::string& extra = "")
{
	return R"({"address": ")" + address + R"(", "password": "777777", "utc_offset_min": 180)" + extra + "}";
}


long long whOf(double kwh)
{
	return std::llround(kwh * 1000.0);
}


const DriverReading::Value* findValue(const DriverReading& r, kb_quantity q, unsigned tariff, unsigned phase, long long ts = -1)
{
	for (const auto& v : r.values)
		if (v.quantity == q && v.tariff == tariff && v.phase == phase && (ts < 0 || v.ts == ts)) return &v;
	return nullptr;
}


bool hasFailure(const DriverReading& r, const std::string& objectPrefix)
{
	for (const auto& f : r.unavailable)
		if (f.object.rfind(objectPrefix, 0) == 0) return true;
	return false;
}


/// Power-failure windows of the model (off .. on).
std::vector<std::pair<long long, long long>> outages(const kabinet::sim::MeterModel& m, long long from, long long to)
{
	std::vector<std::pair<long long, long long>> out;
	long long off = -1;
	for (const auto& e : m.events(from - 2 * kDay, to + 2 * kDay))
	{
		if (e.kind == kabinet::sim::EvPowerOff) off = e.ts;
		if (e.kind == kabinet::sim::EvPowerOn && off >= 0)
		{
			out.push_back({off, e.ts});
			off = -1;
		}
	}
	return out;
}


/// Checks every interval reported against the model; returns how many there were.
std::size_t checkIntervals(const DriverReading& r, const kabinet::sim::MeterModel& m, long long from, long long to)
{
	const auto down = outages(m, from, to);
	std::map<long long, int> seen;
	for (const auto& i : r.intervals)
	{
		INFO("interval " << i.start);
		CHECK(i.start >= from);
		CHECK(i.start < to);
		CHECK(i.start % 1800 == 0);
		CHECK(i.lengthS == 1800u);
		CHECK(whOf(i.ap) == m.intervalWh(kabinet::sim::Channel::AP, i.start));
		CHECK(std::isnan(i.am));
		CHECK(std::isnan(i.rp));
		CHECK(std::isnan(i.rm));
		bool hit = false;
		for (const auto& [a, b] : down)
			if (a < i.start + 1800 && b >= i.start) hit = true;
		CHECK(((i.flags & KB_INTERVAL_INCOMPLETE) != 0) == hit);
		CHECK(++seen[i.start] == 1);
	}
	return r.intervals.size();
}


void checkEvents(const DriverReading& r, const kabinet::sim::MeterModel& m, long long from, long long to)
{
	const auto expected = m.events(from, to);
	REQUIRE(r.events.size() == expected.size());
	for (std::size_t i = 0; i < expected.size(); ++i)
	{
		INFO("event " << i << " at " << expected[i].ts << " kind " << expected[i].kind);
		CHECK(r.events[i].ts == expected[i].ts);
		CHECK(static_cast<int>(r.events[i].eventClass) == expected[i].kind);
		CHECK(r.events[i].phase == expected[i].phase);
		CHECK(r.events[i].journal.rfind("LOE", 0) == 0);
	}
}


void checkEnergy(const DriverReading& r, const kabinet::sim::MeterModel& m, long long now)
{
	for (unsigned t = 0; t <= 4; ++t)
	{
		const auto* v = findValue(r, KB_Q_ENERGY_AP, t, 0);
		REQUIRE(v);
		CHECK(whOf(v->value) == m.energyWh(kabinet::sim::Channel::AP, t, now));
	}
	CHECK(hasFailure(r, "A-, R+, R-"));
}


void checkInstant(const DriverReading& r, const kabinet::sim::MeterModel& m, long long now)
{
	const auto in = m.instant(now);
	for (unsigned p = 1; p <= 3; ++p)
	{
		REQUIRE(findValue(r, KB_Q_VOLTAGE, 0, p));
		CHECK(std::fabs(findValue(r, KB_Q_VOLTAGE, 0, p)->value - in.u[p - 1]) <= 0.0051);
		REQUIRE(findValue(r, KB_Q_CURRENT, 0, p));
		CHECK(std::fabs(findValue(r, KB_Q_CURRENT, 0, p)->value - in.i[p - 1]) <= 0.00051);
		REQUIRE(findValue(r, KB_Q_POWER_P, 0, p));
		CHECK(std::fabs(findValue(r, KB_Q_POWER_P, 0, p)->value - in.p[p]) <= 0.000051);
		REQUIRE(findValue(r, KB_Q_POWER_FACTOR, 0, p));
		CHECK(std::fabs(findValue(r, KB_Q_POWER_FACTOR, 0, p)->value - in.pf[p]) <= 0.00051);
	}
	REQUIRE(findValue(r, KB_Q_POWER_P, 0, 0));
	CHECK(std::fabs(findValue(r, KB_Q_POWER_P, 0, 0)->value - in.p[0]) <= 0.000051);
	REQUIRE(findValue(r, KB_Q_POWER_FACTOR, 0, 0));
	CHECK(std::fabs(findValue(r, KB_Q_POWER_FACTOR, 0, 0)->value - in.pf[0]) <= 0.00051);
	REQUIRE(findValue(r, KB_Q_FREQUENCY, 0, 0));
	CHECK(std::fabs(findValue(r, KB_Q_FREQUENCY, 0, 0)->value - in.f) <= 0.0051);
}


double seconds(std::chrono::steady_clock::time_point since)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}


} // namespace


TEST_CASE("iec62056-21: the plugin loads with its manifest", "[iec][driver]")
{
	auto p = plugin();
	REQUIRE(p);
	CHECK(p->manifest.name == "iec62056-21");
	CHECK(p->manifest.kind == "driver");
	CHECK(p->manifest.abi == "1.2");
	CHECK_THROWS_AS(makeDriver(R"({"timeout_ms": 5})"), std::exception);
	CHECK_THROWS_AS(makeDriver(R"({"checksum": "crc"})"), std::exception);
	CHECK_THROWS_AS(makeDriver(R"({"bogus": 1})"), std::exception);
	CHECK_NOTHROW(makeDriver("{}"));
}


TEST_CASE("iec62056-21: reads everything from one meter and matches the model", "[iec][driver]")
{
	const long long now = frozenNow();
	TimeFreeze freeze(now);
	kabinet::sim::Gateway gw("iec", {meterConfig("009217000123", 7, now)}, 0);
	const auto& model = gw.bus().meters.front()->model;
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gw.port(), 2000);

	SECTION("bad meter settings are a config error")
	{
		try
		{
			driver->open(R"({"address": "a!b"})", transport);
			FAIL("open accepted a bad address");
		}
		catch (const DriverError& e)
		{
			CHECK(e.status == KB_ERR_CONFIG);
		}
	}

	SECTION("identity, clock, energy, instantaneous values")
	{
		auto session = driver->open(meterJson("009217000123"), transport);
		DriverReading r;
		session->read(KB_READ_IDENTITY | KB_READ_CLOCK | KB_READ_ENERGY | KB_READ_INSTANT, 0, 0, r);
		REQUIRE(r.identity);
		CHECK(r.identity->serial == "009217000123");
		CHECK(r.identity->model == "CE303");
		CHECK(r.identity->firmware == "12");
		REQUIRE(r.clock);
		CHECK(r.clock->meterTime == now);
		CHECK(std::llabs(r.clock->hostTime - static_cast<long long>(std::time(nullptr))) <= 5);
		checkEnergy(r, model, now);
		checkInstant(r, model, now);
		session->close();
	}

	SECTION("the only meter on the line answers an empty address; the IEC checksum works too")
	{
		auto session = driver->open(R"({"checksum": "iec"})", transport);
		DriverReading r;
		session->read(KB_READ_IDENTITY | KB_READ_ENERGY, 0, 0, r);
		REQUIRE(r.identity);
		CHECK(r.identity->serial == "009217000123");
		checkEnergy(r, model, now);
	}

	SECTION("an 8N1 gateway: the driver adds and strips the 7E1 parity bit itself")
	{
		auto parity = makeDriver(R"({"timeout_ms": 300, "software_parity": true, "option_baud": "5"})");
		auto session = parity->open(meterJson("009217000123"), transport);
		DriverReading r;
		session->read(KB_READ_IDENTITY | KB_READ_ENERGY, 0, 0, r);
		REQUIRE(r.identity);
		CHECK(r.identity->serial == "009217000123");
		checkEnergy(r, model, now);
	}

	SECTION("a week of 30-minute profile and the journals of that week")
	{
		const long long to = now / 1800 * 1800;
		const long long from = to - 7 * kDay;
		auto session = driver->open(meterJson("009217000123"), transport);
		DriverReading r;
		session->read(KB_READ_PROFILE | KB_READ_EVENTS, from, to, r);
		CHECK(checkIntervals(r, model, from, to) == 7 * 48);
		checkEvents(r, model, from, to);
		CHECK(r.unavailable.empty());
		// Something happened that week.
		CHECK_FALSE(r.events.empty());
	}

	SECTION("profile before the meter's memory starts is reported unavailable, the rest is read")
	{
		auto young = meterConfig("009217000777", 9, now);
		young.installedAt = now - 10 * kDay - 4321;
		kabinet::sim::Gateway gw2("iec", {young}, 0);
		const auto& youngModel = gw2.bus().meters.front()->model;
		kabinet::TcpTransport transport2("127.0.0.1", gw2.port(), 2000);
		const long long from = youngModel.profileStart() - 2 * kDay;
		const long long to = youngModel.profileStart() + kDay;
		auto session = driver->open(meterJson("009217000777"), transport2);
		DriverReading r;
		session->read(KB_READ_PROFILE, from, to, r);
		CHECK(hasFailure(r, "VPI01("));
		CHECK(checkIntervals(r, youngModel, from, to) == 48);
	}

	SECTION("billing: registers at day and month starts")
	{
		const long long from = now - 40 * kDay;
		auto session = driver->open(meterJson("009217000123"), transport);
		DriverReading r;
		session->read(KB_READ_BILLING, from, now, r);
		const long long off = kOffsetMin * 60LL;
		long long day = ((from + off) / kDay + 1) * kDay - off;
		int days = 0, monthStarts = 0;
		for (; day < now; day += kDay, ++days)
		{
			INFO("day start " << day);
			for (unsigned t = 0; t <= 4; ++t)
			{
				const auto* v = findValue(r, KB_Q_ENERGY_AP, t, 0, day);
				REQUIRE(v);
				CHECK(whOf(v->value) == model.energyWh(kabinet::sim::Channel::AP, t, day));
			}
			const std::time_t local = static_cast<std::time_t>(day + off);
			std::tm parts{};
			gmtime_r(&local, &parts);
			if (parts.tm_mday == 1) ++monthStarts;
		}
		CHECK(days >= 39);
		CHECK(monthStarts >= 1);
		CHECK(r.values.size() == static_cast<std::size_t>(days) * 5);
		CHECK(r.unavailable.empty());
	}
}


TEST_CASE("iec62056-21: two meters on one bus, read in turn over one transport", "[iec][driver]")
{
	const long long now = frozenNow();
	TimeFreeze freeze(now);
	kabinet::sim::Gateway gw("iec", {meterConfig("009217000001", 3, now), meterConfig("009217000002", 11, now)}, 0);
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gw.port(), 2000);
	for (int round = 0; round < 2; ++round)
	{
		for (std::size_t i = 0; i < 2; ++i)
		{
			const auto& model = gw.bus().meters[i]->model;
			auto session = driver->open(meterJson(model.config().serial), transport);
			DriverReading r;
			session->read(KB_READ_IDENTITY | KB_READ_ENERGY | KB_READ_CLOCK, 0, 0, r);
			REQUIRE(r.identity);
			CHECK(r.identity->serial == model.config().serial);
			checkEnergy(r, model, now);
			session->close();
		}
	}
	// An empty address is not answered when the bus has two meters.
	auto start = std::chrono::steady_clock::now();
	try
	{
		driver->open("{}", transport);
		FAIL("an empty address was answered on a bus of two");
	}
	catch (const DriverError& e)
	{
		CHECK(e.status == KB_ERR_TIMEOUT);
	}
	CHECK(seconds(start) < 10);
	// A wrong address neither.
	try
	{
		driver->open(meterJson("1234"), transport);
		FAIL("a wrong address was answered");
	}
	catch (const DriverError& e)
	{
		CHECK(e.status == KB_ERR_TIMEOUT);
	}
}


TEST_CASE("iec62056-21: a wrong password is an auth error", "[iec][driver]")
{
	const long long now = frozenNow();
	TimeFreeze freeze(now);
	kabinet::sim::Gateway gw("iec", {meterConfig("009217000123", 7, now)}, 0);
	auto driver = makeDriver();
	kabinet::TcpTransport transport("127.0.0.1", gw.port(), 2000);
	try
	{
		driver->open(R"({"address": "009217000123", "password": "111111"})", transport);
		FAIL("a wrong password was accepted");
	}
	catch (const DriverError& e)
	{
		CHECK(e.status == KB_ERR_AUTH);
	}
	auto session = driver->open(meterJson("009217000123"), transport);
	DriverReading r;
	session->read(KB_READ_ENERGY, 0, 0, r);
	checkEnergy(r, gw.bus().meters.front()->model, now);
}


TEST_CASE("iec62056-21: fault matrix", "[iec][driver][faults]")
{
	const long long now = frozenNow();
	TimeFreeze freeze(now);
	kabinet::sim::Gateway gw("iec", {meterConfig("009217000123", 5, now)}, 0);
	auto& meter = *gw.bus().meters.front();
	const auto& model = meter.model;
	auto driver = makeDriver();
	const long long to = now / 1800 * 1800;
	const long long from = to - 3 * kDay;

	struct Case
	{
		Fault fault;
		kb_status persistent; /// status when the fault never ends
	};
	const Case cases[] = {
		{Fault::BadCrc, KB_ERR_PROTOCOL},
		{Fault::Truncated, KB_ERR_PROTOCOL},
		{Fault::Silence, KB_ERR_TIMEOUT},
		{Fault::Garbage, KB_ERR_PROTOCOL},
		{Fault::WrongPassword, KB_ERR_AUTH},
		{Fault::SessionTimeout, KB_ERR_TIMEOUT},
	};
	// Replies before the profile's third day: identification, operand prompt, ACK, two days of profile.
	const unsigned midProfile = 5;

	for (const Case& c : cases)
	{
		for (const bool middle : {false, true})
		{
			for (const unsigned count : {1u, UINT_MAX})
			{
				DYNAMIC_SECTION(kabinet::sim::faultName(c.fault) << (middle ? " in the middle of a profile read" : " at the start")
					<< (count == 1 ? ", once" : ", for good"))
				{
					kabinet::TcpTransport transport("127.0.0.1", gw.port(), 2000);
					meter.setFault(FaultPlan{c.fault, middle ? midProfile : 0u, count});
					const unsigned appliedBefore = meter.faultsApplied.load();
					DriverReading r;
					kb_status status = KB_OK;
					const auto start = std::chrono::steady_clock::now();
					try
					{
						auto session = driver->open(meterJson("009217000123"), transport);
						session->read(KB_READ_PROFILE | KB_READ_ENERGY, from, to, r);
					}
					catch (const DriverError& e)
					{
						status = e.status;
						INFO(e.what());
					}
					const double took = seconds(start);
					CHECK(took < 10);
					const bool deferred = c.fault == Fault::WrongPassword && middle; // due at the next sign-on only
					CHECK((meter.faultsApplied.load() > appliedBefore) != deferred);
					// Whatever was reported is right.
					checkIntervals(r, model, from, to);
					for (const auto& v : r.values)
						CHECK(whOf(v.value) == model.energyWh(kabinet::sim::Channel::AP, v.tariff, now));

					const bool passwordFault = c.fault == Fault::WrongPassword;
					if (count == 1 && !passwordFault)
					{
						// The driver's own bounded retry (or its re-sign-on) recovers.
						CHECK(status == KB_OK);
						CHECK(r.intervals.size() == 3 * 48);
						checkEnergy(r, model, now);
					}
					else if (passwordFault && middle)
					{
						// No password is presented during the read: the fault waits for the next sign-on.
						CHECK(status == KB_OK);
						kabinet::TcpTransport second("127.0.0.1", gw.port(), 2000);
						try
						{
							driver->open(meterJson("009217000123"), second);
							FAIL("the password was accepted while the fault was due");
						}
						catch (const DriverError& e)
						{
							CHECK(e.status == KB_ERR_AUTH);
						}
					}
					else
					{
						CHECK(status == (count == 1 ? KB_ERR_AUTH : c.persistent));
					}

					// After the fault's count is used up (or the fault is lifted) a new session reads correctly.
					meter.setFault(FaultPlan{});
					kabinet::TcpTransport fresh("127.0.0.1", gw.port(), 2000);
					auto session = driver->open(meterJson("009217000123"), fresh);
					DriverReading again;
					session->read(KB_READ_ENERGY | KB_READ_PROFILE, to - kDay, to, again);
					checkEnergy(again, model, now);
					CHECK(checkIntervals(again, model, to - kDay, to) == 48);
				}
			}
		}
	}
}
