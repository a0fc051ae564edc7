//
// mercury_codec_test.cpp
//
// The pure codecs of the mercury driver: requests byte for byte against the protocol's computed vectors,
// answers decoded from the examples of the command description, and malformed input of every kind.
//


#include "Codec.h"
#include "Crc16.h"
#include "Settings.h"

#include "kabinet/driver.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>


using namespace kabinet::mercury;


namespace {


Bytes hexBytes(const std::string& text)
{
	Bytes out;
	unsigned value = 0;
	int nibbles = 0;
	for (char c: text)
	{
		int v = -1;
		if (c >= '0' && c <= '9') v = c - '0';
		else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
		if (v < 0) continue;
		value = value * 16 + static_cast<unsigned>(v);
		if (++nibbles == 2)
		{
			out.push_back(static_cast<std::uint8_t>(value));
			value = 0;
			nibbles = 0;
		}
	}
	return out;
}


/// An answer frame from an address and data bytes (CRC appended).
Bytes answer(std::uint8_t address, const std::string& data)
{
	return makeFrame(address, hexBytes(data));
}


} // namespace


TEST_CASE("CRC-16/MODBUS", "[mercury][codec]")
{
	const std::string check = "123456789";
	CHECK(crc16(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(check.data()), check.size())) == 0x4B37);
	CHECK(crcMatches(hexBytes("00 00 01 B0")));
	CHECK(crcMatches(hexBytes("01 00 00 20"))); // the description's test of the link at address 1
	CHECK_FALSE(crcMatches(hexBytes("00 00 01 B1")));
	CHECK_FALSE(crcMatches(hexBytes("01 B0")));
	CHECK_FALSE(crcMatches(Bytes{}));
}


TEST_CASE("requests come out byte for byte as computed", "[mercury][codec]")
{
	const std::array<std::uint8_t, 6> pw{1, 1, 1, 1, 1, 1};
	CHECK(testLinkRequest(0) == hexBytes("00 00 01 B0"));
	CHECK(openRequest(0, 1, pw) == hexBytes("00 01 01 01 01 01 01 01 01 77 81"));
	CHECK(closeRequest(0) == hexBytes("00 02 80 71"));
	CHECK(energyRequest(0, 0, 0, 0) == hexBytes("00 05 00 00 10 25"));
	CHECK(paramRequest(0, 0x00) == hexBytes("00 08 00 76 00"));
	CHECK(paramRequest(0, 0x16, 0x11) == hexBytes("00 08 16 11 4F 8A"));
	CHECK(paramRequest(0, 0x13) == hexBytes("00 08 13 37 CD"));
	CHECK(testLinkRequest(1) == hexBytes("01 00 00 20"));

	// Bodies of the description's examples (the CRC is ours, checked by crcMatches).
	const auto body = [](const Bytes& frame) { return Bytes(frame.begin(), frame.end() - 2); };
	CHECK(body(energyRequest(0x80, 3, 1, 0)) == hexBytes("80 05 31 00"));
	CHECK(body(journalRequest(0x80, 0x01, 0x02)) == hexBytes("80 04 01 02"));
	CHECK(body(clockRequest(0x80)) == hexBytes("80 04 00"));
	CHECK(body(profileRecordRequest(0x80, 0x10)) == hexBytes("80 06 03 00 10 0F"));
	CHECK(body(profileRecordRequest(0x80, 0x1FFF0)) == hexBytes("80 06 83 FF F0 0F"));
	CHECK(body(openRequest(0x80, 2, {2, 2, 2, 2, 2, 2})) == hexBytes("80 01 02 02 02 02 02 02 02"));
	for (const Bytes& f: {energyRequest(0x80, 3, 1, 0), journalRequest(7, 0x12, 9), profileRecordRequest(239, 0xFFF0)})
		CHECK(crcMatches(f));
}


TEST_CASE("answer frames are checked before use", "[mercury][codec]")
{
	SECTION("status answers")
	{
		const Reply ok = decodeReply(answer(0x80, "00"), 0x80);
		CHECK(ok.isStatus);
		CHECK(ok.status == StatusOk);
		CHECK(decodeReply(answer(5, "05"), 5).status == StatusNotOpen);
		CHECK(decodeReply(answer(5, "81"), 5).status == StatusBadCommand); // the high nibble is not the status
	}
	SECTION("data answers")
	{
		const Reply r = decodeReply(answer(0x80, "09 00 00"), 0x80);
		CHECK_FALSE(r.isStatus);
		CHECK(r.data == hexBytes("09 00 00"));
	}
	SECTION("address 0 accepts whichever meter answers, others must match")
	{
		CHECK(decodeReply(answer(17, "00"), 0).address == 17);
		CHECK_THROWS_AS(decodeReply(answer(17, "00"), 18), kabinet::sdk::ProtocolError);
	}
	SECTION("bad CRC, truncated, garbage, oversize")
	{
		Bytes f = answer(1, "09 00 00");
		f.back() ^= 0x01;
		CHECK_THROWS_AS(decodeReply(f, 1), kabinet::sdk::ProtocolError);
		CHECK_THROWS_AS(decodeReply(hexBytes("01 00 00"), 1), kabinet::sdk::ProtocolError);
		CHECK_THROWS_AS(decodeReply(Bytes{}, 1), kabinet::sdk::ProtocolError);
		CHECK_THROWS_AS(decodeReply(hexBytes("DE AD BE EF 42 17"), 0), kabinet::sdk::ProtocolError);
		CHECK_THROWS_AS(decodeReply(makeFrame(1, Bytes(300, 0x11)), 1), kabinet::sdk::ProtocolError);
	}
}


TEST_CASE("energy registers in the meter's byte order", "[mercury][codec]")
{
	// The description's example: A+ 2.672 kWh, A- not kept, R+ 1.000 kvarh, R- 0.
	const EnergyRegisters e = decodeEnergy(hexBytes("00 00 70 0A FF FF FF FF 00 00 E8 03 00 00 00 00"));
	CHECK(e.wh[0] == 2672u);
	CHECK_FALSE(e.wh[1].has_value());
	CHECK(e.wh[2] == 1000u);
	CHECK(e.wh[3] == 0u);
	const Bytes big = hexBytes("12 34 56 78");
	CHECK(energyWord(big.data()) == 0x34127856u);
	CHECK_THROWS_AS(decodeEnergy(hexBytes("00 00 70 0A")), kabinet::sdk::ProtocolError);
	CHECK_THROWS_AS(decodeEnergy(Bytes(17, 0)), kabinet::sdk::ProtocolError);
}


TEST_CASE("identity: serial, release date, firmware, variant", "[mercury][codec]")
{
	const SerialInfo s = decodeSerial(hexBytes("29 5A 40 43 16 06 14"));
	CHECK(s.serial == "41906467");
	CHECK(s.manufacturedOn == "2020-06-22");
	CHECK(decodeSerial(hexBytes("00 01 02 03 1F 02 15")).manufacturedOn.empty()); // 31 February: no date
	CHECK(decodeSerial(hexBytes("00 01 02 03 1D 02 14")).manufacturedOn == "2020-02-29");
	CHECK_THROWS_AS(decodeSerial(hexBytes("64 00 00 00 01 01 01")), kabinet::sdk::ProtocolError); // 100 is no digit pair
	CHECK_THROWS_AS(decodeSerial(hexBytes("29 5A 40 43 16 06")), kabinet::sdk::ProtocolError);

	CHECK(decodeFirmware(hexBytes("09 00 00")) == "9.0.0");
	CHECK_THROWS_AS(decodeFirmware(hexBytes("09 00")), kabinet::sdk::ProtocolError);

	// The description's variant example: 500 imp/kWh, profile kept, 3 phases, one direction, memory 3 of 131 KB.
	const Variant v = decodeVariant(hexBytes("B4 E3 C2 97 DF 58"));
	CHECK(v.pulsesPerKwh == 500u);
	CHECK(v.hasProfile);
	CHECK(v.phases == 3);
	CHECK(v.directions == 1);
	CHECK(v.profileRecords == 8192);
	const Variant w = decodeVariant(hexBytes("B4 F5 C3"));
	CHECK(w.pulsesPerKwh == 250u);
	CHECK(w.phases == 1);
	CHECK(w.profileRecords == 4096);
	CHECK_FALSE(decodeVariant(hexBytes("B4 6F C3 17")).pulsesPerKwh.has_value());
	CHECK(pulseConstant(0) == 5000);
	CHECK(pulseConstant(1) == 25000);
	CHECK(pulseConstant(2) == 1250);
	CHECK(pulseConstant(3) == 500);
	CHECK(pulseConstant(4) == 1000);
	CHECK(pulseConstant(5) == 250);
	CHECK(pulseConstant(6) == 0);
	CHECK_THROWS_AS(decodeVariant(hexBytes("B4 E3")), kabinet::sdk::ProtocolError);
	CHECK_THROWS_AS(decodeVariant(Bytes(13, 0)), kabinet::sdk::ProtocolError);
}


TEST_CASE("clock and local time", "[mercury][codec]")
{
	const LocalTime t = decodeClock(hexBytes("43 14 16 03 27 02 08 01")); // 16:14:43 Wed 27.02.2008, winter
	CHECK(t == LocalTime{2008, 2, 27, 16, 14, 43});
	CHECK(toUtc(t, 180) == kabinet::sdk::civilToUnix(2008, 2, 27, 13, 14, 43));
	CHECK(toUtc(t, -60) == kabinet::sdk::civilToUnix(2008, 2, 27, 17, 14, 43));
	CHECK_THROWS_AS(decodeClock(hexBytes("4A 14 16 03 27 02 08 01")), kabinet::sdk::ProtocolError); // not BCD
	CHECK_THROWS_AS(decodeClock(hexBytes("43 60 16 03 27 02 08 01")), kabinet::sdk::ProtocolError); // minute 60
	CHECK_THROWS_AS(decodeClock(hexBytes("43 14 16 03 30 02 08 01")), kabinet::sdk::ProtocolError); // 30 February
	CHECK_THROWS_AS(decodeClock(hexBytes("43 14 16 03 27 02 08")), kabinet::sdk::ProtocolError);
	CHECK(fromBcd(0x59) == 59);
	CHECK_FALSE(fromBcd(0x5A).has_value());
}


TEST_CASE("journal records", "[mercury][codec]")
{
	const JournalRecord r = decodeJournal(hexBytes("01 53 07 01 02 08 09 50 12 01 02 08"));
	CHECK(r.first == LocalTime{2008, 2, 1, 7, 53, 1});
	CHECK(r.second == LocalTime{2008, 2, 1, 12, 50, 9});
	const JournalRecord empty = decodeJournal(Bytes(12, 0x00));
	CHECK_FALSE(empty.first.has_value());
	CHECK_FALSE(empty.second.has_value());
	const JournalRecord open = decodeJournal(hexBytes("00 00 00 00 00 00 09 50 12 01 02 08"));
	CHECK_FALSE(open.first.has_value());
	CHECK(open.second.has_value());
	CHECK_FALSE(decodeJournal(Bytes(12, 0xFF)).first.has_value());
	CHECK(decodeJournal(hexBytes("53 23 10 23 01 08 59 23 10 23 01 08 00")).second == LocalTime{2008, 1, 23, 10, 23, 59});
	CHECK_THROWS_AS(decodeJournal(Bytes(6, 0)), kabinet::sdk::ProtocolError);
}


TEST_CASE("power profile: the last record's address by firmware generation", "[mercury][codec]")
{
	// The same 08 13 answer from both generations: address word 0x0120, 10:30 on 20 March 2024, T = 30.
	const LastRecord last = decodeLastRecord(hexBytes("01 20 08 10 30 20 03 24 1E"));
	CHECK(last.word == 0x0120);
	CHECK(last.time == LocalTime{2024, 3, 20, 10, 30, 0});
	// From firmware 7.1.0 on the word counts 16-byte units: record 0x120 at byte address 0x1200.
	CHECK(lastRecordByteAddress(last, FirmwareVersion{7, 1, 0}) == 0x1200u);
	CHECK(lastRecordByteAddress(last, FirmwareVersion{9, 1, 0}) == 0x1200u);
	CHECK(lastRecordByteAddress(last, FirmwareVersion{10, 0, 0}) == 0x1200u);
	// Older firmware sends the byte address itself: record 0x12 at byte address 0x0120.
	CHECK(lastRecordByteAddress(last, FirmwareVersion{7, 0, 9}) == 0x0120u);
	CHECK(lastRecordByteAddress(last, FirmwareVersion{2, 1, 0}) == 0x0120u);
	CHECK(lastRecordByteAddress(last, FirmwareVersion{6, 9, 99}) == 0x0120u);
	// The reads of that record, byte for byte (CRC-16/MODBUS, low byte first).
	CHECK(profileRecordRequest(0, 0x1200) == hexBytes("00 06 03 12 00 0F 68 5E"));
	CHECK(profileRecordRequest(0, 0x0120) == hexBytes("00 06 03 01 20 0F 80 5B"));
	// The 17th address bit of the newer generation: word 0x1FFF is byte address 0x1FFF0, read with 06 83.
	const LastRecord high = decodeLastRecord(hexBytes("1F FF 09 23 30 31 12 24 1E"));
	CHECK(lastRecordByteAddress(high, FirmwareVersion{8, 0, 0}) == 0x1FFF0u);
	CHECK(profileRecordRequest(0, 0x1FFF0) == hexBytes("00 06 83 FF F0 0F 95 AB"));

	CHECK(parseFirmware("7.1.0") == FirmwareVersion{7, 1, 0});
	CHECK(parseFirmware(decodeFirmware(hexBytes("09 01 00"))) == FirmwareVersion{9, 1, 0});
	CHECK(*parseFirmware("7.0.12") < kLastRecordInUnitsFrom);
	CHECK(*parseFirmware("10.0.0") > kLastRecordInUnitsFrom);
	CHECK_FALSE(parseFirmware("7.1").has_value());
	CHECK_FALSE(parseFirmware("7.1.0.1").has_value());
	CHECK_FALSE(parseFirmware("a.b.c").has_value());
	CHECK_FALSE(parseFirmware("").has_value());
}


TEST_CASE("power profile: last record, records, pulses to energy", "[mercury][codec]")
{
	const LastRecord last = decodeLastRecord(hexBytes("00 01 0A 09 00 04 03 08 1E"));
	CHECK(last.word == 1); // 16-byte units from firmware 7.1.0 on: byte address 0x0010
	CHECK(last.status == 0x0A);
	CHECK_FALSE(last.wrapped());
	CHECK(last.time == LocalTime{2008, 3, 4, 9, 0, 0});
	CHECK(last.periodMin == 30);
	CHECK(decodeLastRecord(hexBytes("0F FF 09 23 30 31 12 24 1E")).wrapped());
	CHECK(decodeLastRecord(hexBytes("0F FF 09 23 30 31 12 24 1E")).word == 0x0FFF);
	CHECK_FALSE(decodeLastRecord(Bytes(9, 0)).time.has_value());
	CHECK_THROWS_AS(decodeLastRecord(Bytes(8, 0)), kabinet::sdk::ProtocolError);

	// The description's record: 10:00 5 March 2008, T = 30 min, A+ 0x2904 pulses, A- not kept.
	const ProfileRecord rec = decodeProfileRecord(hexBytes("0A 10 00 05 03 08 1E 04 29 FF FF 00 00 00 00"));
	CHECK(rec.time == LocalTime{2008, 3, 5, 10, 0, 0});
	CHECK(rec.periodMin == 30);
	CHECK(rec.incomplete());
	REQUIRE(rec.pulses[0].has_value());
	CHECK(*rec.pulses[0] == 10500);
	CHECK_FALSE(rec.pulses[1].has_value());
	CHECK(rec.pulses[2] == 0);
	// With A = 1000: average power N·(60/T)/(2·A) = 10.5 kW as in the description, energy over the
	// 30 minutes N/(2·A) = 5.25 kWh.
	const double kwh = pulsesToKwh(*rec.pulses[0], 1000);
	CHECK(kwh == Approx(5.25));
	CHECK(kwh * 60.0 / rec.periodMin == Approx(10.5));
	CHECK(pulsesToKwh(2, 1000) == Approx(0.001)); // one pulse is 0.5 Wh
	CHECK_FALSE(decodeProfileRecord(Bytes(15, 0xFF)).time.has_value());
	CHECK_THROWS_AS(decodeProfileRecord(Bytes(14, 0)), kabinet::sdk::ProtocolError);
}


TEST_CASE("instantaneous values", "[mercury][codec]")
{
	const auto m = decodeMeasurements(hexBytes("40 2D 02 40 2D 02 00 00 00 80 87 13"));
	REQUIRE(m.size() == 4);
	CHECK(m[0].magnitude == 557); // cos phi 0.557 in the description's example
	CHECK(m[0].reactiveReverse);
	CHECK_FALSE(m[0].activeReverse);
	CHECK(m[2].magnitude == 0);
	CHECK(m[3].magnitude == 4999);
	CHECK(m[3].activeReverse);
	CHECK(decodeMeasurements(hexBytes("FF FF FF"))[0].magnitude == 0x3FFFFF);
	CHECK_THROWS_AS(decodeMeasurements(hexBytes("00 87")), kabinet::sdk::ProtocolError);
	CHECK_THROWS_AS(decodeMeasurements(Bytes{}), kabinet::sdk::ProtocolError);
	CHECK_THROWS_AS(decodeMeasurements(Bytes(15, 0)), kabinet::sdk::ProtocolError);
}


TEST_CASE("driver config and meter settings", "[mercury][settings]")
{
	const DriverConfig d = parseDriverConfig("{}");
	CHECK(d.timeoutMs == 300);
	CHECK(d.frameRetries == 2);
	CHECK(d.interFrameMs == 5);
	CHECK_FALSE(d.stampIsEnd);
	CHECK(parseDriverConfig(R"({"timeout_ms": 1000, "frame_retries": 0, "profile_stamp": "end"})").stampIsEnd);
	CHECK_THROWS_AS(parseDriverConfig(R"({"timeout": 1})"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(parseDriverConfig(R"({"timeout_ms": 5})"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(parseDriverConfig(R"({"timeout_ms": "300"})"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(parseDriverConfig("[1]"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(parseDriverConfig("{"), kabinet::sdk::ConfigError);

	const MeterSettings m = parseMeterSettings(R"({"address": 17})");
	CHECK(m.address == 17);
	CHECK(m.level == 1);
	CHECK(m.utcOffsetMin == 180);
	CHECK(m.password == std::array<std::uint8_t, 6>{1, 1, 1, 1, 1, 1});
	const MeterSettings admin = parseMeterSettings(R"({"address": 0, "level": 2, "utc_offset_min": 420})");
	CHECK(admin.password == std::array<std::uint8_t, 6>{2, 2, 2, 2, 2, 2});
	CHECK(admin.utcOffsetMin == 420);
	CHECK(parseMeterSettings(R"({"address": 1, "password": "1a2B30"})").password == std::array<std::uint8_t, 6>{1, 10, 2, 11, 3, 0});
	CHECK(parseMeterSettings(R"({"address": 1, "password": "111111", "password_encoding": "ascii"})").password ==
		std::array<std::uint8_t, 6>{0x31, 0x31, 0x31, 0x31, 0x31, 0x31});
	CHECK_THROWS_AS(parseMeterSettings("{}"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(parseMeterSettings(R"({"address": 241})"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(parseMeterSettings(R"({"address": 1, "level": 3})"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(parseMeterSettings(R"({"address": 1, "password": "12345"})"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(parseMeterSettings(R"({"address": 1, "password": "12345x"})"), kabinet::sdk::ConfigError);
	CHECK_THROWS_AS(parseMeterSettings(R"({"address": 1, "serial": "x"})"), kabinet::sdk::ConfigError);
	try
	{
		parseMeterSettings(R"({"address": 1, "password": "secr3t"})");
		FAIL("a bad password must be refused");
	}
	catch (const kabinet::sdk::ConfigError& e)
	{
		CHECK(std::string(e.what()).find("secr3t") == std::string::npos); // the value never reaches a message
	}
}
