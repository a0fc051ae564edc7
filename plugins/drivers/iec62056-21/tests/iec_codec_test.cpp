//
// iec_codec_test.cpp
//
// The pure frame codecs of the iec62056-21 driver: checksum vectors, request frames, answer decoding,
// value parsers, and malformed input (truncated, bad BCC, garbage, oversize) that must give errors.
//


#include "IecCodec.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>


using namespace kabinet::iec;


namespace {


std::vector<std::uint8_t> bytes(const std::string& s)
{
	return {s.begin(), s.end()};
}


std::uint8_t sumOf(const std::string& s)
{
	return bcc(Checksum::Energomera, bytes(s));
}


std::uint8_t xorOf(const std::string& s)
{
	return bcc(Checksum::Iec, bytes(s));
}


std::vector<std::uint8_t> dataFrame(Checksum kind, const std::string& body)
{
	std::vector<std::uint8_t> f;
	f.reserve(body.size() + 3);
	f.push_back(STX);
	for (char c : body) f.push_back(static_cast<std::uint8_t>(c));
	f.push_back(ETX);
	f.push_back(bcc(kind, std::span<const std::uint8_t>(f).subspan(1)));
	return f;
}


} // namespace


TEST_CASE("BCC vectors of the Energomera 7-bit sum and the IEC XOR", "[iec][codec]")
{
	// The computed vectors of the protocol notes.
	CHECK(sumOf("R1\x02" "ET0PE()\x03") == 0x37);
	CHECK(sumOf("R1\x02VOLTA()\x03") == 0x5F);
	CHECK(sumOf("B0\x03") == 0x75);
	CHECK(sumOf("VOLTA(237.58)\r\n\x03") == 0x28);
	CHECK(xorOf("B0\x03") == 0x71);
	// Published CE301 traffic: SNUMB request and answer, MODEL request, the operand prompt.
	CHECK(sumOf("R1\x02SNUMB()\x03") == '^');
	CHECK(sumOf("SNUMB(008841083000505)\r\n\x03") == 'j');
	CHECK(sumOf("R1\x02MODEL()\x03") == 'J');
	CHECK(sumOf("P0\x02(777777)\x03") == ' ');
	CHECK(bcc(Checksum::Energomera, {}) == 0);
	CHECK(bcc(Checksum::Iec, {}) == 0);
}


TEST_CASE("request frames", "[iec][codec]")
{
	CHECK(buildSignOn("") == bytes("/?!\r\n"));
	CHECK(buildSignOn("00000211") == bytes("/?00000211!\r\n"));
	CHECK_THROWS_AS(buildSignOn("a!b"), std::invalid_argument);
	CHECK_THROWS_AS(buildSignOn(std::string(33, '1')), std::invalid_argument);
	CHECK(buildOptionSelect('5') == std::vector<std::uint8_t>{0x06, '0', '5', '1', '\r', '\n'});
	CHECK(buildRead(Checksum::Energomera, "ET0PE") == bytes("\x01R1\x02" "ET0PE()\x03" "7"));
	CHECK(buildRead(Checksum::Energomera, "VOLTA") == bytes("\x01R1\x02VOLTA()\x03_"));
	CHECK(buildRead(Checksum::Energomera, "ECMPE") == bytes("\x01R1\x02" "ECMPE()\x03" "C"));
	CHECK(buildRead(Checksum::Energomera, "ENMPE", "04.22") == bytes("\x01R1\x02" "ENMPE(04.22)\x03" "D"));
	CHECK(buildRead(Checksum::Energomera, "EAMPE", "04.22") == bytes("\x01R1\x02" "EAMPE(04.22)\x03" "7"));
	CHECK(buildRead(Checksum::Energomera, "ECDPE") == bytes("\x01R1\x02" "ECDPE()\x03:"));
	CHECK(buildBreak(Checksum::Energomera) == bytes("\x01" "B0\x03u"));
	CHECK(buildBreak(Checksum::Iec) == bytes("\x01" "B0\x03q"));
	CHECK(buildPassword(Checksum::Energomera, "777777") == bytes("\x01P1\x02(777777)\x03!"));
	CHECK_THROWS_AS(buildPassword(Checksum::Energomera, "7(7"), std::invalid_argument);
	CHECK_THROWS_AS(buildRead(Checksum::Energomera, "A\x01"), std::invalid_argument);
}


TEST_CASE("identification line", "[iec][codec]")
{
	auto r = decodeIdentification(bytes("/EKT5CE301v11\r\n"));
	REQUIRE(r.value);
	CHECK(r.value->manufacturer == "EKT");
	CHECK(r.value->baudChar == '5');
	CHECK_FALSE(r.value->modeE);
	CHECK(r.value->ident == "CE301v11");
	CHECK(r.value->model == "CE301");
	CHECK(r.value->firmware == "11");

	r = decodeIdentification(bytes("/EMR5\\2CE2089.1\r\n"));
	REQUIRE(r.value);
	CHECK(r.value->manufacturer == "EMR");
	CHECK(r.value->modeE);
	CHECK(r.value->model == "CE2089.1");
	CHECK(r.value->firmware.empty());

	CHECK_FALSE(decodeIdentification(bytes("/EKT5CE301v11\r")).value);   // truncated
	CHECK_FALSE(decodeIdentification(bytes("EKT5CE301v11\r\n")).value);   // no '/'
	CHECK_FALSE(decodeIdentification(bytes("/E1T5CE301\r\n")).value);    // manufacturer not letters
	CHECK_FALSE(decodeIdentification(bytes("/EKT\r\n")).value);          // too short
	CHECK_FALSE(decodeIdentification(bytes("/EKT5CE\x01" "301\r\n")).value); // control character
	CHECK_FALSE(decodeIdentification(bytes("/EKT5" + std::string(200, 'A') + "\r\n")).value);
	CHECK_FALSE(decodeIdentification({}).value);
}


TEST_CASE("command frames: operand prompt and break", "[iec][codec]")
{
	auto r = decodeCommandFrame(Checksum::Energomera, bytes("\x01P0\x02(777777)\x03 "));
	REQUIRE(r.value);
	CHECK(r.value->command == "P0");
	CHECK(r.value->hasData);
	CHECK(r.value->data == "(777777)");

	r = decodeCommandFrame(Checksum::Energomera, buildBreak(Checksum::Energomera));
	REQUIRE(r.value);
	CHECK(r.value->command == "B0");
	CHECK_FALSE(r.value->hasData);

	CHECK(decodeCommandFrame(Checksum::Iec, buildBreak(Checksum::Iec)).value);
	// Round trips of the requests the driver sends.
	for (const Checksum kind : {Checksum::Energomera, Checksum::Iec})
	{
		auto p1 = decodeCommandFrame(kind, buildPassword(kind, "777777"));
		REQUIRE(p1.value);
		CHECK(p1.value->command == "P1");
		CHECK(p1.value->data == "(777777)");
		auto r1 = decodeCommandFrame(kind, buildRead(kind, "EADPE", "01.02.24"));
		REQUIRE(r1.value);
		CHECK(r1.value->command == "R1");
		CHECK(r1.value->data == "EADPE(01.02.24)");
	}
	CHECK_FALSE(decodeCommandFrame(Checksum::Iec, buildBreak(Checksum::Energomera)).value); // other BCC
	CHECK_FALSE(decodeCommandFrame(Checksum::Energomera, bytes("\x01P0\x02(777777)\x03!")).value); // bad BCC
	CHECK_FALSE(decodeCommandFrame(Checksum::Energomera, bytes("\x01P0\x02(7777")).value); // truncated
	CHECK_FALSE(decodeCommandFrame(Checksum::Energomera, bytes("\x02P0\x03\x03")).value);  // not SOH
	CHECK_FALSE(decodeCommandFrame(Checksum::Energomera, bytes("\x01\x03\x03")).value);    // too short
}


TEST_CASE("answer frames: values, repeated names, errors", "[iec][codec]")
{
	// Every line named, as CE301 meters answer.
	auto r = decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera,
		"ET0PE(10879.9644202)\r\nET0PE(8032.552885)\r\nET0PE(2847.4115352)\r\nET0PE(0.0)\r\nET0PE(0.0)\r\nET0PE(0.0)\r\n"));
	REQUIRE(r.value);
	REQUIRE(r.value->items.size() == 6);
	CHECK(r.value->errorCode == -1);
	CHECK(r.value->items[0].name == "ET0PE");
	CHECK(r.value->items[1].value == "8032.552885");
	// The name only on the first line.
	r = decodeDataFrame(Checksum::Iec, dataFrame(Checksum::Iec, "ET0PE(68.02)\r\n(45.29)\r\n(22.73)\r\n(0.00)\r\n"));
	REQUIRE(r.value);
	REQUIRE(r.value->items.size() == 4);
	CHECK(r.value->items[3].name == "ET0PE");
	CHECK(r.value->items[2].value == "22.73");
	// No line ends at all.
	r = decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, "VOLTA(228.93)VOLTA(230.02)VOLTA(235.12)"));
	REQUIRE(r.value);
	CHECK(r.value->items.size() == 3);
	// Error answers.
	r = decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, "(ERR12)"));
	REQUIRE(r.value);
	CHECK(r.value->errorCode == 12);
	r = decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, "EADPE(ERR18)\r\n"));
	REQUIRE(r.value);
	CHECK(r.value->errorCode == 18);
	CHECK(r.value->items[0].name == "EADPE");
	// The protocol notes' VOLTA answer.
	const auto volta = bytes("\x02VOLTA(237.58)\r\n\x03(");
	r = decodeDataFrame(Checksum::Energomera, volta);
	REQUIRE(r.value);
	CHECK(r.value->items[0].value == "237.58");
}


TEST_CASE("answer frames: malformed input gives an error", "[iec][codec]")
{
	const auto good = dataFrame(Checksum::Energomera, "VOLTA(237.58)\r\n");
	auto bad = good;
	bad.back() ^= 0x01;
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, bad).value);                   // bad BCC
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, std::span(good).first(good.size() / 2)).value); // truncated
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, {}).value);
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, bytes("\x02\x03")).value);
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, "")).value);       // no value
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, "VOLTA(1")).value); // no ')'
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, "VOLTA")).value);  // no '('
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, "A(1(2))")).value);
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, std::string(20, 'N') + "(1)")).value);
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, "A(" + std::string(300, '1') + ")")).value);
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, dataFrame(Checksum::Energomera, "A(\x01)")).value);
	std::vector<std::uint8_t> huge(kMaxFrame + 10, 'A');
	huge.front() = STX;
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, huge).value);                  // oversize
	const std::vector<std::uint8_t> garbage{0x9C, 0x11, 0xF3, 0x02, 0x55, 0x03, 0x7A};
	CHECK_FALSE(decodeDataFrame(Checksum::Energomera, garbage).value);
}


TEST_CASE("frame boundaries for the reader", "[iec][codec]")
{
	CHECK(scanLine(bytes("/EKT5CE3")).state == FrameState::Incomplete);
	CHECK(scanLine(bytes("/EKT5CE303v12\r\nX")).state == FrameState::Complete);
	CHECK(scanLine(bytes("/EKT5CE303v12\r\nX")).length == 15);
	CHECK(scanLine(bytes("XEKT")).state == FrameState::Invalid);
	CHECK(scanLine(bytes("/EK\x01")).state == FrameState::Invalid);
	CHECK(scanLine(bytes("/EKTW\rW")).state == FrameState::Invalid);
	CHECK(scanLine(bytes("/" + std::string(200, 'A'))).state == FrameState::Invalid);
	CHECK(scanBlock(bytes("\x02VOLTA(1)")).state == FrameState::Incomplete);
	CHECK(scanBlock(bytes("\x02VOLTA(1)\x03")).state == FrameState::Incomplete);
	const auto f = scanBlock(bytes("\x02VOLTA(1)\x03" "7extra"));
	CHECK(f.state == FrameState::Complete);
	CHECK(f.length == 11);
	CHECK(scanBlock(bytes("\x01P0\x02(1)\x03\x03")).state == FrameState::Complete); // BCC may equal ETX
	CHECK(scanBlock(bytes("\x15")).state == FrameState::Invalid);
	CHECK(scanBlock(bytes("\x02\x9C")).state == FrameState::Invalid);
	CHECK(scanBlock(bytes("\x02\x02")).state == FrameState::Invalid);
	CHECK(scanBlock(std::vector<std::uint8_t>(100, 'A')).state == FrameState::Invalid);
}


TEST_CASE("numbers, dates, times", "[iec][codec]")
{
	CHECK(parseDecimal("10879.9644202")->nano == 10879964420200LL);
	CHECK(parseDecimal("0.0")->nano == 0);
	CHECK(parseDecimal("-0.5")->nano == -500000000LL);
	CHECK(parseDecimal(" 12 ")->nano == 12000000000LL);
	CHECK(parseDecimal("5.1*kWh")->nano == 5100000000LL);
	CHECK(parseDecimal("000000000000123.5")->nano == 123500000000LL);
	CHECK(parseDecimal(".5")->nano == 500000000LL);
	CHECK(parseDecimal("1.1234567891234")->nano == 1123456789LL); // digits past 10^-9 dropped
	CHECK_FALSE(parseDecimal(""));
	CHECK_FALSE(parseDecimal("-"));
	CHECK_FALSE(parseDecimal("."));
	CHECK_FALSE(parseDecimal("1e5"));
	CHECK_FALSE(parseDecimal("1.2.3"));
	CHECK_FALSE(parseDecimal("ERR12"));
	CHECK_FALSE(parseDecimal("9999999999"));            // more than 9 integer digits
	CHECK_FALSE(parseDecimal(std::string(50, '1')));

	auto d = parseMeterDate("03.13.07.24");
	REQUIRE(d);
	CHECK(d->weekday == 3);
	CHECK(d->year == 2024);
	CHECK(d->month == 7);
	CHECK(d->day == 13);
	CHECK(parseMeterDate("3.11.09.24")->day == 11);
	CHECK_FALSE(parseMeterDate("13.07.24"));
	CHECK_FALSE(parseMeterDate("03.31.02.24"));
	CHECK_FALSE(parseMeterDate("09.01.01.24"));
	CHECK(parseDate("29.02.24"));
	CHECK_FALSE(parseDate("29.02.23"));
	CHECK_FALSE(parseDate("00.01.24"));
	auto t = parseTime("21:42:34");
	REQUIRE(t);
	CHECK(t->hour == 21);
	CHECK(t->second == 34);
	CHECK(parseTime("7:0:1"));
	CHECK_FALSE(parseTime("24:00:00"));
	CHECK_FALSE(parseTime("12:60:00"));
	CHECK_FALSE(parseTime("12:00"));
	CHECK_FALSE(parseTime("aa:bb:cc"));
}


TEST_CASE("journal records and profile days", "[iec][codec]")
{
	auto e = parseJournalEntry("31, 18.05.15, 13:30:21, 1");
	REQUIRE(e);
	CHECK(e->record == 31);
	CHECK(e->date.day == 18);
	CHECK(e->time.minute == 30);
	CHECK(e->info == 1);
	e = parseJournalEntry("7,01.02.24,00:00:05,3F,12345");
	REQUIRE(e);
	CHECK(e->info == 0x3F);
	CHECK(parseJournalEntry("0,00.00.00,00:00:00,00")->record == 0);
	CHECK_FALSE(parseJournalEntry("5,32.01.24,00:00:00,01"));
	CHECK_FALSE(parseJournalEntry("5,01.01.24,00:00:00,1FF"));
	CHECK_FALSE(parseJournalEntry("5,01.01.24"));
	CHECK_FALSE(parseJournalEntry("x"));
	CHECK_FALSE(parseJournalEntry(""));

	DataBlock block;
	block.items = {{"VPI01", "20.08.24,0.523,01"}, {"VPI01", "0.611,05"}, {"VPI01", "0.000,00"}};
	auto p = parseProfileDay(block);
	REQUIRE(p.value);
	REQUIRE(p.value->date);
	CHECK(p.value->date->day == 20);
	REQUIRE(p.value->entries.size() == 3);
	CHECK(p.value->entries[0].value.nano == 523000000LL);
	CHECK(p.value->entries[1].status == 0x05);
	block.items[1].value = "0.611";
	CHECK_FALSE(parseProfileDay(block).value);
	block.items[1].value = "x,01";
	CHECK_FALSE(parseProfileDay(block).value);
	block.items.assign(1441, {"VPI01", "0.1,01"});
	CHECK_FALSE(parseProfileDay(block).value);
}
