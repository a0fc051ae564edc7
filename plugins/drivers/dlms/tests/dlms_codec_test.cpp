//
// dlms_codec_test.cpp
//
// The pure DLMS codecs: byte vectors of the protocol references (CRC check value, computed SNRM / DISC,
// published SNRM, AARQ, AARE, GET and wrapper frames), round trips, and malformed input.
//

#include "ApduCodec.h"
#include "AxdrCodec.h"
#include "HdlcCodec.h"
#include "Spodes.h"
#include "WrapperCodec.h"

#include "kabinet/driver.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace kabinet::dlms;
using kabinet::sdk::ProtocolError;

namespace {

Bytes fromHex(const std::string& text)
{
    Bytes out;
    int high = -1;
    for (char c : text) {
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else continue;
        if (high < 0) high = v;
        else {
            out.push_back(static_cast<std::uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    return out;
}

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

} // namespace

TEST_CASE("CRC-16/X-25 check value", "[dlms][codec]")
{
    CHECK(hdlc::crc16(text("123456789")) == 0x906E);
}

TEST_CASE("HDLC addresses", "[dlms][codec]")
{
    CHECK(hdlc::encodeAddress(hdlc::clientAddress(0x10)) == Bytes{0x21});
    CHECK(hdlc::encodeAddress(hdlc::clientAddress(0x20)) == Bytes{0x41});
    CHECK(hdlc::encodeAddress(hdlc::clientAddress(0x30)) == Bytes{0x61});
    CHECK(hdlc::encodeAddress(hdlc::serverAddress(1, 0, 1)) == Bytes{0x03});
    CHECK(hdlc::encodeAddress(hdlc::serverAddress(1, 16, 2)) == fromHex("02 21"));
    CHECK(hdlc::encodeAddress(hdlc::serverAddress(1, 17, 4)) == fromHex("00 02 00 23"));
    CHECK(hdlc::encodeAddress(hdlc::serverAddress(1, 0x3FFF, 4)) == fromHex("00 02 FE FF"));
    CHECK(hdlc::encodeAddress(hdlc::serverAddress(0x1234, 0x2345, 4)) == fromHex("48 68 8C 8B"));
    CHECK_THROWS_AS(hdlc::serverAddress(1, 0x80, 2), std::invalid_argument);
    CHECK_THROWS_AS(hdlc::serverAddress(1, 0x4000, 4), std::invalid_argument);
    CHECK_THROWS_AS(hdlc::clientAddress(0x80), std::invalid_argument);
}

TEST_CASE("HDLC SNRM and DISC byte for byte", "[dlms][codec]")
{
    const auto server = hdlc::serverAddress(1, 0, 1);
    const auto client = hdlc::clientAddress(0x10);
    // The computed vectors of the reference notes.
    CHECK(hdlc::encodeFrame({server, client, hdlc::kSnrm, false, {}}) == fromHex("7E A0 07 03 21 93 0F 01 7E"));
    CHECK(hdlc::encodeFrame({server, client, hdlc::kDisc, false, {}}) == fromHex("7E A0 07 03 21 53 03 C7 7E"));
    // Published frames: SNRM without and with XID parameters (window RX 7), 4-byte server 1/17.
    CHECK(hdlc::encodeFrame({hdlc::serverAddress(1, 17, 4), hdlc::clientAddress(120), hdlc::kSnrm, false, {}}) ==
          fromHex("7EA00A00020023F193232E7E"));
    hdlc::LinkParams p;
    p.windowRx = 7;
    CHECK(hdlc::encodeXid(p) == fromHex("818012050180060180070400000001080400000007"));
    CHECK(hdlc::encodeFrame({hdlc::serverAddress(1, 17, 4), hdlc::clientAddress(0x10), hdlc::kSnrm, false, hdlc::encodeXid(p)}) ==
          fromHex("7EA0210002002321931964818012050180060180070400000001080400000007655E7E"));
}

TEST_CASE("HDLC XID round trip and limits", "[dlms][codec]")
{
    hdlc::LinkParams p;
    p.maxInfoTx = 512;
    p.maxInfoRx = 64;
    const auto back = hdlc::decodeXid(hdlc::encodeXid(p));
    CHECK(back.maxInfoTx == 512);
    CHECK(back.maxInfoRx == 64);
    CHECK(back.windowTx == 1);
    CHECK(hdlc::decodeXid({}).maxInfoTx == 128);
    CHECK_THROWS_AS(hdlc::decodeXid(fromHex("81 80 05 05 01")), ProtocolError);
    CHECK_THROWS_AS(hdlc::decodeXid(fromHex("81 81 00")), ProtocolError);
    CHECK_THROWS_AS(hdlc::decodeXid(fromHex("81 80 03 05 09 00")), ProtocolError);
}

TEST_CASE("HDLC I-frames: published AARQ and GET frames", "[dlms][codec]")
{
    const Bytes aarqFrame = fromHex(
        "7ea047000200234110974be6e6006036a1090607608574050801018a0207808b0760857405080201ac0a80083132333435363738"
        "be10040e01000000065f1f0400001f1fffffdc527e");
    const hdlc::Frame f = hdlc::parseFrame(aarqFrame);
    CHECK(f.dst == hdlc::serverAddress(1, 17, 4));
    CHECK(f.src == hdlc::clientAddress(0x20));
    CHECK(f.control == hdlc::iControl(0, 0));
    CHECK_FALSE(f.segmented);
    CHECK(hdlc::encodeFrame(f) == aarqFrame);

    // GET of the clock with a 2-byte server address (1/16), N(S) = N(R) = 3.
    Bytes info(std::begin(hdlc::kLlcRequest), std::end(hdlc::kLlcRequest));
    const Bytes get = apdu::encodeGetRequest(0xC1, 8, spodes::kClock, 2);
    CHECK(get == fromHex("C001C100080000010000FF0200"));
    info.insert(info.end(), get.begin(), get.end());
    CHECK(hdlc::encodeFrame({hdlc::serverAddress(1, 16, 2), hdlc::clientAddress(0x20), hdlc::iControl(3, 3), false, info}) ==
          fromHex("7EA01A022141763BA6E6E600C001C100080000010000FF0200601A7E"));

    // A published accepted AARE in a reply I-frame (N(R) = 1, N(S) = 0) from server 1 to client 0x20.
    const hdlc::Frame reply = hdlc::parseFrame(fromHex(
        "7EA0374103302179E6E7006129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000101402000007BC857E"));
    CHECK(reply.src == hdlc::serverAddress(1, 0, 1));
    CHECK(reply.dst == hdlc::clientAddress(0x20));
    CHECK(hdlc::isIFrame(reply.control));
    CHECK(hdlc::recvSeq(reply.control) == 1);
    CHECK(hdlc::sendSeq(reply.control) == 0);
    const apdu::Aare aare = apdu::decodeAare(std::span(reply.info).subspan(3));
    CHECK(aare.result == 0);
    CHECK(aare.initiateResponse);
    CHECK(aare.maxPdu == 0x200);
    CHECK((aare.conformance & apdu::kReaderConformance) == apdu::kReaderConformance);
}

TEST_CASE("HDLC segmentation bit and control helpers", "[dlms][codec]")
{
    hdlc::Frame f{hdlc::clientAddress(0x20), hdlc::serverAddress(1, 300, 4), hdlc::iControl(5, 2), true, Bytes(100, 0xAB)};
    const Bytes bytes = hdlc::encodeFrame(f);
    CHECK(bytes[1] == 0xA8);
    const hdlc::Frame back = hdlc::parseFrame(bytes);
    CHECK(back.segmented);
    CHECK(back.src == f.src);
    CHECK(back.info == f.info);
    CHECK(hdlc::sendSeq(back.control) == 5);
    CHECK(hdlc::recvSeq(back.control) == 2);
    CHECK(hdlc::isRr(hdlc::rrControl(6)));
    CHECK(hdlc::recvSeq(hdlc::rrControl(6)) == 6);
    CHECK(hdlc::isUnnumbered(0x63, hdlc::kUa));
    CHECK(hdlc::isUnnumbered(0x1F, hdlc::kDm));
    CHECK_FALSE(hdlc::isIFrame(hdlc::kSnrm));
    // A long frame uses the length bits of the format byte.
    hdlc::Frame big{hdlc::clientAddress(0x20), hdlc::serverAddress(1, 16, 4), hdlc::iControl(0, 0), false, Bytes(600, 0x11)};
    const Bytes bigBytes = hdlc::encodeFrame(big);
    CHECK((bigBytes[1] & 0x07) == 0x02);
    CHECK(hdlc::parseFrame(bigBytes).info.size() == 600);
}

TEST_CASE("HDLC decoder: malformed input", "[dlms][codec]")
{
    const Bytes good = fromHex("7E A0 07 03 21 93 0F 01 7E");
    SECTION("truncated frames are incomplete")
    {
        for (std::size_t n = 0; n < good.size(); ++n) {
            const auto r = hdlc::decodeFrame(std::span(good).first(n));
            CHECK(r.status == hdlc::DecodeStatus::Incomplete);
        }
        CHECK_THROWS_AS(hdlc::parseFrame(std::span(good).first(5)), ProtocolError);
    }
    SECTION("bad FCS, bad closing flag, bad HCS")
    {
        Bytes bad = good;
        bad[6] ^= 0x01;
        CHECK(hdlc::decodeFrame(bad).status == hdlc::DecodeStatus::Invalid);
        Bytes noFlag = good;
        noFlag.back() = 0x00;
        CHECK(hdlc::decodeFrame(noFlag).status == hdlc::DecodeStatus::Invalid);
        Bytes withInfo = hdlc::encodeFrame({hdlc::clientAddress(0x20), hdlc::serverAddress(1, 16, 4), 0x10, false, Bytes{1, 2, 3}});
        withInfo[9] ^= 0xFF; // HCS
        const auto r = hdlc::decodeFrame(withInfo);
        CHECK(r.status == hdlc::DecodeStatus::Invalid);
        CHECK_THROWS_AS(hdlc::parseFrame(withInfo), ProtocolError);
    }
    SECTION("garbage before the flag is skipped up to the flag")
    {
        Bytes g = fromHex("01 02 03");
        g.insert(g.end(), good.begin(), good.end());
        auto r = hdlc::decodeFrame(g);
        CHECK(r.status == hdlc::DecodeStatus::Invalid);
        CHECK(r.consumed == 3);
        r = hdlc::decodeFrame(std::span(g).subspan(3));
        CHECK(r.status == hdlc::DecodeStatus::Ok);
        CHECK(r.consumed == good.size() - 1);
    }
    SECTION("oversize and undersize lengths, wrong format type, bad addresses")
    {
        CHECK(hdlc::decodeFrame(fromHex("7E A7 FF 03")).status == hdlc::DecodeStatus::Incomplete);
        CHECK(hdlc::decodeFrame(fromHex("7E A0 03 03 21 7E")).status == hdlc::DecodeStatus::Invalid);
        CHECK(hdlc::decodeFrame(fromHex("7E B0 07 03 21 93 0F 01 7E")).status == hdlc::DecodeStatus::Invalid);
        // Address bytes without a terminating LSB: 5 bytes of even values.
        Bytes noEnd = fromHex("A0 0B 02 02 02 02 02 21 93");
        const std::uint16_t fcs = hdlc::crc16(noEnd);
        noEnd.insert(noEnd.begin(), 0x7E);
        noEnd.push_back(static_cast<std::uint8_t>(fcs));
        noEnd.push_back(static_cast<std::uint8_t>(fcs >> 8));
        noEnd.push_back(0x7E);
        CHECK(hdlc::decodeFrame(noEnd).status == hdlc::DecodeStatus::Invalid);
    }
    SECTION("random bytes never crash the decoder")
    {
        std::mt19937 rng(7);
        for (int i = 0; i < 20000; ++i) {
            Bytes b(rng() % 40);
            for (auto& x : b) x = static_cast<std::uint8_t>(rng());
            if (!b.empty() && rng() % 2) b[0] = 0x7E;
            if (b.size() > 1 && rng() % 2) b[1] = static_cast<std::uint8_t>(0xA0 | (b[1] & 0x0F));
            if (b.size() > 2 && rng() % 2) b[2] = static_cast<std::uint8_t>(b.size() - 2);
            const auto r = hdlc::decodeFrame(b);
            CHECK(r.consumed <= b.size());
        }
    }
}

TEST_CASE("Wrapper header", "[dlms][codec]")
{
    const Bytes get = fromHex("C001C100080000010000FF0200");
    // Published message: version 1, source wPort 1, destination wPort 1, 13 bytes.
    CHECK(wrapper::encode(1, 1, get) == fromHex("000100010001000DC001C100080000010000FF0200"));
    const Bytes msg = wrapper::encode(0x20, 1, get);
    auto r = wrapper::decode(msg);
    REQUIRE(r.status == wrapper::DecodeStatus::Ok);
    CHECK(r.header.source == 0x20);
    CHECK(r.header.destination == 1);
    CHECK(r.apdu == get);
    CHECK(r.consumed == msg.size());
    CHECK(wrapper::decode(std::span(msg).first(10)).status == wrapper::DecodeStatus::Incomplete);
    CHECK(wrapper::decode(std::span(msg).first(5)).status == wrapper::DecodeStatus::Incomplete);
    CHECK(wrapper::decode(fromHex("0002 0001 0001 0001 C0")).status == wrapper::DecodeStatus::Invalid);
    CHECK(wrapper::decode(fromHex("0001 0001 0001 0000")).status == wrapper::DecodeStatus::Invalid);
    CHECK(wrapper::decode(fromHex("0001 0001 0001 FFFF 00")).status == wrapper::DecodeStatus::Incomplete);
}

TEST_CASE("AARQ byte for byte", "[dlms][codec]")
{
    apdu::AarqParams p;
    p.password = "12345678";
    p.maxReceivePdu = 256;
    p.conformance = (1u << 11) | (1u << 12) | (1u << 19) | (1u << 20) | (1u << 21) | (1u << 22) | (1u << 23);
    // A published LLS AARQ (conformance 00 18 1F, max PDU 256).
    CHECK(apdu::encodeAarq(p) ==
          fromHex("6036A1090607608574050801018A0207808B0760857405080201AC0A80083132333435363738BE10040E01000000065F1F040000181F0100"));
    apdu::AarqParams pub;
    pub.lowLevelSecurity = false;
    pub.maxReceivePdu = 0xFFFF;
    pub.conformance = apdu::kReaderConformance;
    CHECK(apdu::encodeAarq(pub) == fromHex("601DA109060760857405080101BE10040E01000000065F1F0400001014FFFF"));
}

TEST_CASE("AARE: accepted, wrong password, service error", "[dlms][codec]")
{
    const apdu::Aare bad = apdu::decodeAare(fromHex("6129A109060760857405080101A203020101A305A10302010DBE10040E0800065F1F040000101400800007"));
    CHECK(bad.result == 1);
    CHECK(bad.diagnosticSource == 1);
    CHECK(bad.diagnostic == 13);
    CHECK(bad.maxPdu == 0x80);
    const apdu::Aare err = apdu::decodeAare(fromHex("611FA109060760857405080101A203020101A305A10302010DBE0604040E010600"));
    CHECK(err.result == 1);
    CHECK(err.serviceError);
    CHECK(err.serviceErrorChoice == 1);
    CHECK_THROWS_AS(apdu::decodeAare(fromHex("6129A1090607608574")), ProtocolError);
    CHECK_THROWS_AS(apdu::decodeAare(fromHex("6100")), ProtocolError);       // no result
    CHECK_THROWS_AS(apdu::decodeAare(fromHex("6203800100")), ProtocolError); // not an AARE
    CHECK_THROWS_AS(apdu::decodeAare(fromHex("6105A20302010")), ProtocolError);
    CHECK_THROWS_AS(apdu::decodeAare(fromHex("6108A203020100BE01")), ProtocolError);
}

TEST_CASE("GET requests and responses", "[dlms][codec]")
{
    const Obis profile = spodes::kLoadProfile;
    DateTime from = fromUtc(kabinet::sdk::civilToUnix(2024, 1, 1), 180, DeviationMode::Standard);
    DateTime to = fromUtc(kabinet::sdk::civilToUnix(2024, 1, 2), 180, DeviationMode::Standard);
    const apdu::Access a = apdu::rangeAccess(from, to);
    const Bytes req = apdu::encodeGetRequest(0xC2, 7, profile, 2, &a);
    CHECK(req == fromHex("C0 01 C2 0007 0100630100FF 02 01 01"
                         "02 04 02 04 12 0008 09 06 0000010000FF 0F 02 12 0000"
                         "09 0C 07E8 01 01 01 03 00 00 00 FF4C 00"
                         "09 0C 07E8 01 02 02 03 00 00 00 FF4C 00"
                         "01 00"));
    CHECK(apdu::encodeGetNext(0xC2, 7) == fromHex("C0 02 C2 00000007"));

    auto n = apdu::decodeGetResponse(fromHex("C4 01 C1 00 06 0001E240"));
    CHECK(n.kind == apdu::GetResponse::Kind::Normal);
    CHECK(n.success);
    CHECK(n.data.asInt() == 123456);
    auto dar = apdu::decodeGetResponse(fromHex("C4 01 C1 01 0B"));
    CHECK_FALSE(dar.success);
    CHECK(dar.accessResult == 11);
    CHECK(apdu::accessResultText(11) == "object-unavailable");
    auto blk = apdu::decodeGetResponse(fromHex("C4 02 C1 00 00000001 00 04 01020304"));
    CHECK(blk.kind == apdu::GetResponse::Kind::Block);
    CHECK_FALSE(blk.lastBlock);
    CHECK(blk.blockNumber == 1);
    CHECK(blk.raw == Bytes{1, 2, 3, 4});
    auto ex = apdu::decodeGetResponse(fromHex("D8 01 02"));
    CHECK(ex.kind == apdu::GetResponse::Kind::Error);
    CHECK_THROWS_AS(apdu::decodeGetResponse(fromHex("C4 01 C1 00 06 0001")), ProtocolError);
    CHECK_THROWS_AS(apdu::decodeGetResponse(fromHex("C4 02 C1 00 00000001 00 05 01020304")), ProtocolError);
    CHECK_THROWS_AS(apdu::decodeGetResponse(fromHex("C4 03 C1")), ProtocolError);
    CHECK_THROWS_AS(apdu::decodeGetResponse(fromHex("C4 01 C1 00 06 00000001 00")), ProtocolError);
    CHECK_THROWS_AS(apdu::decodeGetResponse(fromHex("C5 01 C1 00")), ProtocolError);
    CHECK(apdu::encodeRlrq() == fromHex("62 03 80 01 00"));
    CHECK_NOTHROW(apdu::decodeRlre(fromHex("63 03 80 01 00")));
    CHECK_THROWS_AS(apdu::decodeRlre(fromHex("63 05 80")), ProtocolError);
}

TEST_CASE("A-XDR data round trips", "[dlms][codec]")
{
    const Data value = Data::structure({
        Data::u8(1), Data::u16(0xBEEF), Data::u32(4000000000u), Data::u64(1ull << 40), Data::i8(-3), Data::i16(-300),
        Data::i32(-100000), Data::enumeration(30), Data::octets(fromHex("0102")), Data::visible("SPODES"),
        Data::array({Data::null(), Data::array({})}),
    });
    const Bytes bytes = encodeData(value);
    const Data back = decodeData(bytes);
    CHECK(encodeData(back) == bytes);
    CHECK(back.items[2].asInt() == 4000000000);
    CHECK(back.items[5].asInt() == -300);
    CHECK(back.items[9].asText() == "SPODES");
    // A long octet-string takes a multi-byte length.
    const Data longString = Data::octets(Bytes(300, 7));
    const Bytes longBytes = encodeData(longString);
    CHECK(longBytes[1] == 0x82);
    CHECK(decodeData(longBytes).bytes.size() == 300);
    // Floats, bit-string, boolean, long types.
    CHECK(decodeData(fromHex("17 3FC00000")).asDouble() == 1.5);
    CHECK(decodeData(fromHex("18 3FF8000000000000")).asDouble() == 1.5);
    CHECK(decodeData(fromHex("04 0A FF C0")).bits == 10);
    CHECK(decodeData(fromHex("14 FFFFFFFFFFFFFFFF")).asInt() == -1);
}

TEST_CASE("A-XDR compact-array", "[dlms][codec]")
{
    // compact-array of structure {u16, i8}: two elements.
    const Data d = decodeData(fromHex("13 02 02 12 0F 06 0001 FF 0002 05"));
    REQUIRE(d.type == DataType::Array);
    REQUIRE(d.items.size() == 2);
    CHECK(d.items[0].items[0].asInt() == 1);
    CHECK(d.items[0].items[1].asInt() == -1);
    CHECK(d.items[1].items[1].asInt() == 5);
    // compact-array of u32.
    const Data u = decodeData(fromHex("13 06 08 00000001 00000002"));
    CHECK(u.items.size() == 2);
    CHECK_THROWS_AS(decodeData(fromHex("13 00 02 00 00")), ProtocolError);             // elements without content
    CHECK_THROWS_AS(decodeData(fromHex("13 06 03 000000")), ProtocolError);            // partial element
    CHECK_THROWS_AS(decodeData(fromHex("13 01 FFFF 12 04 0001 0002")), ProtocolError); // array larger than its contents
}

TEST_CASE("A-XDR compact-array: regression inputs found by fuzzing", "[dlms][codec]")
{
    // A few bytes of type description describing millions of empty values (arrays of null): refused
    // instead of exhausting memory.
    CHECK_THROWS_AS(decodeData(fromHex("130202011102011100006301000000000000000001ff00006301000000000000000001ff")), ProtocolError);
    CHECK_THROWS_AS(apdu::decodeGetResponse(fromHex(
                        "c401e500130202110102c401c400010402010209001313131313133a01010202010102020211012d010001013101020400c401c400010000")),
                    ProtocolError);
    // Empty arrays in a structure next to a value: allowed, but bounded in how many values they expand to.
    const Data ok = decodeData(fromHex("13 02 02 11 01 0000 11 02 07 08"));
    CHECK(ok.items.size() == 2);
    Bytes many = fromHex("13 02 82 0400");
    many.push_back(0x11);
    for (int i = 1; i < 0x400; ++i) many.insert(many.end(), {0x01, 0x00, 0x00, 0x11});
    many.insert(many.end(), {0x82, 0x10, 0x00});
    many.insert(many.end(), 0x1000, 0x01);
    CHECK_THROWS_AS(decodeData(many), ProtocolError);
}

TEST_CASE("A-XDR decoder: malformed input", "[dlms][codec]")
{
    CHECK_THROWS_AS(decodeData(Bytes{}), ProtocolError);
    CHECK_THROWS_AS(decodeData(fromHex("09 05 0102")), ProtocolError);
    CHECK_THROWS_AS(decodeData(fromHex("01 FF")), ProtocolError);
    CHECK_THROWS_AS(decodeData(fromHex("01 84 FFFFFFFF")), ProtocolError);
    CHECK_THROWS_AS(decodeData(fromHex("09 85 0000000001 00")), ProtocolError);
    CHECK_THROWS_AS(decodeData(fromHex("07")), ProtocolError);
    CHECK_THROWS_AS(decodeData(fromHex("06 0001")), ProtocolError);
    CHECK_THROWS_AS(decodeData(fromHex("11 01 02")), ProtocolError); // bytes after the value
    // Nesting deeper than the limit.
    Bytes deep;
    for (int i = 0; i < 40; ++i) deep.insert(deep.end(), {0x01, 0x01});
    deep.push_back(0x00);
    CHECK_THROWS_AS(decodeData(deep), ProtocolError);
    CHECK_THROWS_AS(decodeData(fromHex("02 01 09")), ProtocolError);
    std::mt19937 rng(11);
    for (int i = 0; i < 20000; ++i) {
        Bytes b(rng() % 24);
        for (auto& x : b) x = static_cast<std::uint8_t>(rng() % 4 == 0 ? rng() % 0x1C : rng());
        try {
            (void)decodeData(b);
        } catch (const ProtocolError&) {
        }
    }
}

TEST_CASE("Date-time and the deviation", "[dlms][codec]")
{
    const std::int64_t t = kabinet::sdk::civilToUnix(2024, 3, 10, 12, 30, 15); // UTC
    const DateTime local = fromUtc(t, 180, DeviationMode::Standard);
    CHECK(local.hour == 15);
    CHECK(local.deviation == -180);
    CHECK(local.weekday == 7); // a Sunday
    CHECK(toUtc(local, 0, DeviationMode::Standard) == t);   // the deviation wins over the setting
    CHECK(toUtc(local, 180, DeviationMode::Ignore) == t);
    DateTime noDev = local;
    noDev.deviation = static_cast<std::int16_t>(0x8000);
    CHECK(toUtc(noDev, 180, DeviationMode::Standard) == t);
    CHECK(toUtc(noDev, 240, DeviationMode::Standard) == t - 3600);
    const DateTime inverted = fromUtc(t, 180, DeviationMode::Inverted);
    CHECK(inverted.deviation == 180);
    CHECK(toUtc(inverted, 0, DeviationMode::Inverted) == t);
    const Bytes bytes = encodeDateTime(local);
    CHECK(bytes == fromHex("07E8 03 0A 07 0F 1E 0F 00 FF4C 00"));
    const DateTime back = decodeDateTime(bytes);
    CHECK(toUtc(back, 0, DeviationMode::Standard) == t);
    DateTime wrong = back;
    wrong.month = 2;
    wrong.day = 30;
    CHECK_FALSE(toUtc(wrong, 0, DeviationMode::Standard).has_value());
    wrong = back;
    wrong.year = 0xFFFF;
    CHECK_FALSE(toUtc(wrong, 0, DeviationMode::Standard).has_value());
    CHECK_THROWS_AS(decodeDateTime(fromHex("07E8 03")), ProtocolError);
    CHECK(dateTimeOf(Data::octets(bytes)).has_value());
    CHECK_FALSE(dateTimeOf(Data::octets(fromHex("0102"))).has_value());
}

TEST_CASE("OBIS codes and the SPODES event table", "[dlms][codec]")
{
    CHECK(Obis::parse("1.0.99.1.0.255") == spodes::kLoadProfile);
    CHECK(spodes::kLoadProfile.toString() == "1.0.99.1.0.255");
    CHECK_THROWS_AS(Obis::parse("1.0.99.1.0"), std::invalid_argument);
    CHECK_THROWS_AS(Obis::parse("1.0.99.1.0.256"), std::invalid_argument);
    CHECK(spodes::eventMeaning(2, 1).eventClass == KB_EV_POWER_OFF);
    CHECK(spodes::eventMeaning(2, 2).eventClass == KB_EV_POWER_ON);
    CHECK(spodes::eventMeaning(0, 3).eventClass == KB_EV_PHASE_OFF);
    CHECK(spodes::eventMeaning(0, 3).phase == 2);
    CHECK(spodes::eventMeaning(4, 1).eventClass == KB_EV_MAGNETIC_FIELD);
    CHECK(spodes::eventMeaning(4, 3).eventClass == KB_EV_TERMINAL_COVER_OPEN);
    CHECK(spodes::eventMeaning(4, 4).eventClass == KB_EV_COVER_OPEN);
    CHECK(spodes::eventMeaning(6, 4).eventClass == KB_EV_FIRMWARE_INTEGRITY);
    CHECK(spodes::eventMeaning(7, 13).eventClass == KB_EV_FIRMWARE_INTEGRITY);
    CHECK(spodes::eventMeaning(4, 99).eventClass == KB_EV_OTHER);
    CHECK(spodes::toQuantityUnit(KB_Q_ENERGY_AP, 1500, spodes::kUnitWh) == 1.5);
    CHECK_FALSE(spodes::toQuantityUnit(KB_Q_ENERGY_AP, 1500, spodes::kUnitVarh).has_value());
    CHECK(spodes::applyScaler(12345, -2) == Approx(123.45));
}
