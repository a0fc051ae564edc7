//
// waviot_answers_test.cpp
//
// The waviot connector's pure logic: WAVIoT answers as the published facts describe them (numbers as text,
// times in seconds or milliseconds, values as a map or a list), error answers, settings, the event map and
// the records built from them.
//


#include "Answers.h"
#include "EventMap.h"
#include "Records.h"
#include "Settings.h"

#include "kabinet/sdk.hpp"

#include "Poco/JSON/Parser.h"

#include <catch2/catch.hpp>


using namespace kabinet::waviot;


namespace {


Poco::JSON::Object::Ptr json(const std::string& text)
{
	Poco::JSON::Parser p;
	return p.parse(text).extract<Poco::JSON::Object::Ptr>();
}


const char* kMinimal = R"({"login":"kes","password":"secret","tree_id":"1"})";


} // namespace


TEST_CASE("waviot: channel values as a map of text values, in time order", "[waviot-unit]")
{
	const auto v = parseValues(json(R"({"status":"ok","values":{"1767227400":"1000.447","1767225600":"1000.000"}})"));
	REQUIRE(v.size() == 2);
	CHECK(v[0].ts == 1767225600);
	CHECK(v[0].raw == "1000.000");
	CHECK(v[1].ts == 1767227400);
	CHECK(number(v[1].raw) == Approx(1000.447));
}


TEST_CASE("waviot: channel values as a list with millisecond timestamps", "[waviot-unit]")
{
	const auto v = parseValues(json(R"({"values":[{"timestamp":1767227400000,"value":"2.5"},{"timestamp":"1767225600","value":1.25}]})"));
	REQUIRE(v.size() == 2);
	CHECK(v[0].ts == 1767225600);
	CHECK(number(v[0].raw) == Approx(1.25));
	CHECK(v[1].ts == 1767227400);
}


TEST_CASE("waviot: malformed channel answers are protocol errors, not empty data", "[waviot-unit]")
{
	CHECK_THROWS_AS(parseValues(json(R"({"status":"ok"})")), kabinet::sdk::ProtocolError);
	CHECK_THROWS_AS(parseValues(json(R"({"values":{"yesterday":"1"}})")), kabinet::sdk::ProtocolError);
	CHECK_THROWS_AS(parseValues(json(R"({"values":"1"})")), kabinet::sdk::ProtocolError);
	CHECK_THROWS_AS(parseObject(R"({"status":"ok","values":{"1767225600":"10)"), kabinet::sdk::ProtocolError);
	CHECK_THROWS_AS(parseObject("<html>502</html>"), kabinet::sdk::ProtocolError);
	CHECK_THROWS_AS(parseObject("[]"), kabinet::sdk::ProtocolError);
}


TEST_CASE("waviot: error answers carry the platform's code", "[waviot-unit]")
{
	const auto e = answerError(json(R"({"status":"error","message":"Authorization required","code":5})"));
	REQUIRE(e);
	CHECK(e->code == 5);
	CHECK(e->message == "Authorization required");
	CHECK_FALSE(answerError(json(R"({"status":"ok","modems":[]})")));
	const auto text = answerError(json(R"({"status":"error","message":"x","code":"2"})"));
	REQUIRE(text);
	CHECK(text->code == 2);
}


TEST_CASE("waviot: the login answer and the JWT's expiry", "[waviot-unit]")
{
	// header {"alg":"HS256"} . payload {"exp":1796309395} . signature
	const std::string jwt = "eyJhbGciOiAiSFMyNTYifQ.eyJleHAiOiAxNzk2MzA5Mzk1fQ.c2ln";
	const auto l = parseLogin(R"({"sc":"ok","rt":"refresh","WAVIOT_JWT":")" + jwt + R"(","sessid":"s1"})");
	CHECK(l.jwt == jwt);
	CHECK(l.refreshToken == "refresh");
	CHECK(l.sessionId == "s1");
	CHECK(l.expires == 1796309395);
	CHECK(jwtExpiry("not-a-jwt") == 0);
	CHECK_THROWS_AS(parseLogin(R"({"sc":"ok"})"), kabinet::sdk::ProtocolError);
}


TEST_CASE("waviot: modems, element info and modem info with numbers as text", "[waviot-unit]")
{
	const auto modems = parseModems(json(R"({"modems":[{"id":"3B2A10","battery":"3.60","temperature":"21"},{"battery":"1"},{"id":"3b2a11"}]})"));
	REQUIRE(modems.size() == 2);
	CHECK(modems[0].id == "3B2A10");
	CHECK(*modems[0].battery == Approx(3.6));
	CHECK(modems[1].id == "3b2a11");
	CHECK_FALSE(modems[1].battery);
	CHECK_THROWS_AS(parseModems(json(R"({"status":"ok"})")), kabinet::sdk::ProtocolError);

	const auto devices = parseElementInfo(json(R"({"devices":{"x":{"modem_id":"3B2A10","tree_name":"ФОБОС 1 № 01830400",
		"registrators":{"electro_ac_p_lsum_t1":{"id":"1","serial":"01830400"}}}}})"));
	REQUIRE(devices.count("3B2A10"));
	CHECK(devices.at("3B2A10").serial == "01830400");
	CHECK(devices.at("3B2A10").title == "ФОБОС 1 № 01830400");

	const auto info = parseModemInfo(json(R"({"status":"ok","modem":{"id":"3B2A10","modem_type":"fobos1","battery":"3.55",
		"last_station_time":"1796304600","last_info_message":1796301000000}})"));
	CHECK(info.type == "fobos1");
	CHECK(*info.battery == Approx(3.55));
	CHECK(*info.lastStationTime == 1796304600);
	CHECK(*info.lastInfoMessage == 1796301000);
	CHECK_THROWS_AS(parseModemInfo(json(R"({"status":"ok"})")), kabinet::sdk::ProtocolError);
}


TEST_CASE("waviot: tariff channels merge into readings; bad values become problems, never readings", "[waviot-unit]")
{
	std::vector<ChannelValues> channels = {
		{"electro_ac_p_lsum_t1", "t1", {{100, "6.000"}, {1900, "6.100"}, {3700, "abc"}}},
		{"electro_ac_p_lsum_t2", "t2", {{100, "4.000"}, {1900, "-1"}}},
		{"electro_ac_p_lsum_tsum", "total", {{100, "10.000"}, {1900, "10.100"}, {5000, "11"}}},
	};
	std::vector<std::string> problems;
	const auto rows = mergeReadings(channels, 100, 5000, problems);
	REQUIRE(rows.size() == 2); // 3700: nothing usable; 5000: outside [from, to)
	CHECK(rows[0].ts == 100);
	CHECK(rows[0].registers.at("t1") == Approx(6.0));
	CHECK(rows[0].registers.at("t2") == Approx(4.0));
	CHECK(rows[0].registers.at("total") == Approx(10.0));
	CHECK(rows[1].registers.count("t2") == 0);
	CHECK(problems.size() == 2);

	const auto record = json(readingsRecord("3B2A10", rows));
	const auto first = record->getArray("readings")->getObject(0);
	CHECK(first->getValue<std::string>("device") == "3B2A10");
	CHECK(first->getValue<long long>("ts") == 100);
	CHECK(first->getValue<std::string>("kind") == "latest");
	CHECK(first->getValue<std::string>("energy") == "A+");
	CHECK(first->getValue<double>("total") == Approx(10.0));
}


TEST_CASE("waviot: the event map classifies codes; unmapped codes are kept and never tamper", "[waviot-unit]")
{
	const auto map = EventMap::parse(json(R"({"17":{"code":"cover_open","category":"tamper","severity":"alarm","text":"Вскрытие крышки","tamper":true},
		"2":{"code":"power_off","category":"power","severity":"warning"}})"), json(R"({"category":"other","severity":"info"})"));
	CHECK(map.classify("17").tamper);
	CHECK(map.classify("17").code == "cover_open");
	CHECK(map.classify("2").category == "power");
	const auto unknown = map.classify("99\"<x>");
	CHECK(unknown.code == "waviot_99x");
	CHECK_FALSE(unknown.tamper);
	CHECK_FALSE(unknown.mapped);

	const auto record = json(eventsRecord("3B2A10", {{50, "17"}, {150, "2"}, {250, "17"}}, map, 100, 200));
	const auto events = record->getArray("events");
	REQUIRE(events->size() == 1);
	CHECK(events->getObject(0)->getValue<std::string>("code") == "power_off");
	CHECK(events->getObject(0)->getValue<long long>("ts_start") == 150);
	CHECK_FALSE(events->getObject(0)->getValue<bool>("tamper"));

	CHECK_THROWS_AS(EventMap::parse(json(R"({"17":{"category":"tamper"}})"), nullptr), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(EventMap::parse(json(R"({"17":{"code":"x","severity":"loud"}})"), nullptr), kabinet::sdk::ConfigError);
}


TEST_CASE("waviot: settings apply defaults and name the offending key", "[waviot-unit]")
{
	const auto s = Settings::parse(kMinimal);
	CHECK(s.apiUrl == "https://lk.waviot.ru/");
	CHECK(s.authUrl == "https://auth.waviot.ru/");
	CHECK(s.eventsChannel == "electro_event_log");
	REQUIRE(s.channels.size() == 5);
	CHECK(s.apiUrlOf("api.tree/get_modems") == "https://lk.waviot.ru/api.tree/get_modems/?");
	auto fails = [](const std::string& text, const std::string& key) {
		try
		{
			Settings::parse(text);
		}
		catch (const kabinet::sdk::ConfigError& e)
		{
			const std::string what = e.what();
			CHECK(what.rfind(key, 0) == 0);
			CHECK(what.find("secret") == std::string::npos);
			return;
		}
		FAIL("no ConfigError for " << key);
	};
	fails(R"({"login":"kes","password":"secret"})", "tree_id");
	fails(R"({"tree_id":"1","password":"secret"})", "login");
	fails(R"({"login":"kes","password":"secret","tree_id":"1","api_url":"ftp://x"})", "api_url");
	fails(R"({"login":"kes","password":"secret","tree_id":"1","channels":{"electro_ac_p_lsum_t1":"t9"}})", "channels.");
	fails(R"({"login":"kes","password":"secret","tree_id":"1","chunk_days":0})", "chunk_days");
	fails(R"({"login":"kes","password":"secret","tree_id":"1","colour":"red"})", "colour");
}


TEST_CASE("waviot: a device record from the modem tree, element info and modem info", "[waviot-unit]")
{
	ModemEntry m{"3B2A10", 3.6, 21.0};
	ElementDevice e{"3B2A10", "ФОБОС 1 № 01830400", "01830400"};
	ModemInfo i;
	i.type = "fobos1";
	i.battery = 3.55;
	i.lastStationTime = 1796304600;
	const auto d = json(deviceRecord(m, e, i, "1796304600"));
	CHECK(d->getValue<std::string>("key") == "3B2A10");
	CHECK(d->getValue<std::string>("serial") == "01830400");
	CHECK(d->getValue<double>("battery") == Approx(3.55));
	CHECK(d->getValue<long long>("last_message") == 1796304600);
	const auto bare = json(deviceRecord(m, std::nullopt, std::nullopt, ""));
	CHECK(bare->getValue<double>("battery") == Approx(3.6));
	CHECK(bare->get("last_message").isEmpty());
	CHECK(bare->getValue<std::string>("title") == "Модем WAVIoT 3B2A10");
}
