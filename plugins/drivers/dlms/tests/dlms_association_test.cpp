// dlms_association_test.cpp — what a standard DLMS client reads first, as the simulated SPODES meter
// gives it and the driver's own codecs decode it: the association's object_list (class 15, attribute 2,
// sent in blocks), the clock's time_zone (class 8, attribute 3) and a profile's capture_period and
// entries_in_use (class 7, attributes 4 and 7). Then the plugin reading load profiles whose period is
// not 30 minutes (1 and 20 minutes) exactly as the model holds them.
#include "ApduCodec.h"
#include "AxdrCodec.h"
#include "Spodes.h"
#include "WrapperCodec.h"

#include "plugins/PluginHost.h"
#include "plugins/Driver.h"
#include "plugins/Transport.h"

#include "MeterModel.h"
#include "Simulator.h"

#include "kabinet/driver.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace kabinet::dlms;
using kabinet::sim::Channel;
using kabinet::sim::MeterConfig;

constexpr long long kNow = kabinet::sdk::civilToUnix(2024, 5, 20, 9, 17, 23); // the frozen simulator time
constexpr long long kDay = 86400;

struct Frozen {
    Frozen() { kabinet::sim::freezeTime(kNow); }
    ~Frozen() { kabinet::sim::unfreezeTime(); }
};

MeterConfig meterConfig(unsigned seed, unsigned profileMin = 30, long long installedAgo = 3 * kDay + 777)
{
    MeterConfig c;
    c.address = 1;
    c.serial = "00007001";
    c.seed = seed;
    c.phases = 3;
    c.installedAt = kNow - installedAgo;
    c.utcOffsetMin = 180;
    c.profileMin = profileMin;
    return c;
}

/// A reader association over the IEC 62056-47 wrapper, spoken with the driver's codecs.
class WrapperClient {
public:
    explicit WrapperClient(unsigned port, std::uint16_t client = 0x20) : transport_("127.0.0.1", port, 2000), client_(client)
    {
        apdu::AarqParams p;
        p.lowLevelSecurity = client == 0x20;
        p.password = client == 0x20 ? "12345678" : "";
        const apdu::Aare aare = apdu::decodeAare(request(apdu::encodeAarq(p)));
        REQUIRE(aare.result == 0);
    }

    /// GET of one attribute, following the block transfer; counts the blocks.
    Data get(std::uint16_t classId, const Obis& obis, std::int8_t attribute, unsigned* blocks = nullptr, Bytes* raw = nullptr)
    {
        apdu::GetResponse r = apdu::decodeGetResponse(request(apdu::encodeGetRequest(0xC1, classId, obis, attribute)));
        if (blocks) *blocks = 0;
        if (r.kind == apdu::GetResponse::Kind::Normal) {
            REQUIRE(r.success);
            if (raw) *raw = encodeData(r.data);
            return r.data;
        }
        REQUIRE(r.kind == apdu::GetResponse::Kind::Block);
        Bytes all;
        for (;;) {
            REQUIRE(r.success);
            all.insert(all.end(), r.raw.begin(), r.raw.end());
            if (blocks) ++*blocks;
            if (r.lastBlock) break;
            r = apdu::decodeGetResponse(request(apdu::encodeGetNext(0xC1, r.blockNumber)));
            REQUIRE(r.kind == apdu::GetResponse::Kind::Block);
        }
        if (raw) *raw = all;
        return decodeData(all);
    }

private:
    Bytes request(const Bytes& apdu)
    {
        const Bytes out = wrapper::encode(client_, 1, apdu);
        transport_.write(out.data(), out.size(), 2000);
        const Bytes header = readExact(wrapper::kHeaderSize);
        const auto h = wrapper::decodeHeader(header);
        REQUIRE(h.status == wrapper::DecodeStatus::Ok);
        return readExact(h.header.length);
    }

    Bytes readExact(std::size_t n)
    {
        Bytes out(n);
        std::size_t have = 0;
        while (have < n) have += transport_.read(out.data() + have, n - have, 2000);
        return out;
    }

    kabinet::TcpTransport transport_;
    std::uint16_t client_;
};

const spodes::ListedObject* find(const std::vector<spodes::ListedObject>& list, std::uint16_t classId, const Obis& o)
{
    for (const auto& e : list)
        if (e.classId == classId && e.obis == o) return &e;
    return nullptr;
}

std::shared_ptr<const kabinet::LoadedPlugin> plugin()
{
    static std::shared_ptr<const kabinet::LoadedPlugin> p = [] {
        const char* out = std::getenv("KABINET_PLUGIN_OUT");
        REQUIRE(out != nullptr);
        return kabinet::PluginHost::loadFolder(std::string(out) + "/dlms");
    }();
    return p;
}

} // namespace

TEST_CASE("dlms: the association's object list, time zone and entries in use, decoded by the driver's A-XDR decoder",
          "[dlms][association]")
{
    Frozen frozen;
    kabinet::sim::Gateway gw("dlms-wrapper", {meterConfig(2)});
    const auto& model = gw.bus().meters[0]->model;
    WrapperClient client(gw.port());

    unsigned blocks = 0;
    Bytes raw;
    const Data list = client.get(spodes::kClassAssociationLn, spodes::kCurrentAssociation, 2, &blocks, &raw);
    CHECK(blocks > 1); // longer than one APDU: sent with block transfer
    // Byte for byte, the first element (the association itself, class 15 version 1, nine attributes, four
    // methods): structure {long-unsigned 15, unsigned 1, octet-string 0.0.40.0.0.255, structure {array
    // of {integer id, enum read-only, null-data}, array of {integer id, enum no-access}}}.
    const Bytes first = {0x02, 0x04, 0x12, 0x00, 0x0F, 0x11, 0x01, 0x09, 0x06, 0x00, 0x00, 0x28, 0x00, 0x00, 0xFF,
                         0x02, 0x02, 0x01, 0x09, 0x02, 0x03, 0x0F, 0x01, 0x16, 0x01, 0x00};
    REQUIRE(raw.size() > 4 + first.size());
    CHECK(raw[0] == 0x01); // array
    const std::size_t at = raw[1] == 0x81 ? 3 : raw[1] == 0x82 ? 4 : 2;
    CHECK(Bytes(raw.begin() + static_cast<long>(at), raw.begin() + static_cast<long>(at + first.size())) == first);
    CHECK(encodeData(list) == raw); // the driver's encoder gives the same bytes back

    const auto objects = spodes::parseObjectList(list);
    CHECK(objects.size() == 6 + 20 + 4 + 23 + 3 + 10); // association, clock, identity; energy; interval; instant; profiles; journals
    const auto* association = find(objects, 15, spodes::kCurrentAssociation);
    REQUIRE(association);
    CHECK(association->version == 1);
    CHECK(association->readable(2));
    CHECK(association->methods.size() == 4);
    const auto* clock = find(objects, 8, spodes::kClock);
    REQUIRE(clock);
    CHECK(clock->attributes.size() == 9);
    CHECK(clock->readable(3));
    const auto* profile = find(objects, 7, spodes::kLoadProfile);
    REQUIRE(profile);
    CHECK(profile->version == 1);
    CHECK(profile->readable(spodes::kProfileEntriesInUse));
    const auto selectors = std::find_if(profile->selectors.begin(), profile->selectors.end(), [](const auto& s) { return s.first == 2; });
    REQUIRE(selectors != profile->selectors.end());
    CHECK(selectors->second == std::vector<std::int8_t>{1}); // the buffer by range
    for (std::uint8_t t = 0; t <= 4; ++t) CHECK(find(objects, 3, spodes::energyRegister(1, t)));
    CHECK(find(objects, 3, obis(1, 0, 1, 29, 0))); // an energy-style meter: energy per interval
    CHECK_FALSE(find(objects, 5, obis(1, 0, 1, 5, 0)));
    for (const auto& o : objects) CHECK(o.readable(1)); // every logical name is readable

    // Clock attribute 3: time_zone, minutes, in the sense of the date-time deviation (UTC+3 → -180).
    const Data tz = client.get(spodes::kClassClock, spodes::kClock, 3);
    CHECK(tz.type == DataType::Int16);
    CHECK(tz.asInt() == -180);
    // Attribute 1 of any listed object is its logical name.
    CHECK(client.get(spodes::kClassClock, spodes::kClock, 1).bytes == Bytes{0, 0, 1, 0, 0, 255});

    // The load profile: capture_period 1800 s, entries_in_use = the complete intervals since installation.
    CHECK(client.get(spodes::kClassProfile, spodes::kLoadProfile, spodes::kProfileCapturePeriod).asInt() == 1800);
    const long long lastEnd = kNow / 1800 * 1800;
    const long long firstEnd = model.profileStart() + 1800;
    CHECK(client.get(spodes::kClassProfile, spodes::kLoadProfile, spodes::kProfileEntriesInUse).asInt() == (lastEnd - firstEnd) / 1800 + 1);
}

TEST_CASE("dlms: a public association lists only what it reaches", "[dlms][association]")
{
    Frozen frozen;
    {
        kabinet::sim::Gateway wrapped("dlms-wrapper", {meterConfig(3)});
        WrapperClient client(wrapped.port(), 0x10);
        const auto objects = spodes::parseObjectList(client.get(spodes::kClassAssociationLn, spodes::kCurrentAssociation, 2));
        CHECK(objects.size() == 6); // the association, the clock, four identity objects
        CHECK(find(objects, 8, spodes::kClock));
        CHECK_FALSE(find(objects, 7, spodes::kLoadProfile));
    }
    kabinet::sim::Gateway gw("dlms", {meterConfig(3)});
    auto drv = kabinet::PluginHost::createDriver(plugin(), R"({"timeout_ms": 1500, "frame_retries": 2})");
    kabinet::TcpTransport transport("127.0.0.1", gw.port(), 2000);
    auto session = drv->open(R"({"server_logical": 1, "server_physical": 1, "client": 16, "utc_offset_min": 180})", transport);
    kabinet::DriverReading r;
    session->read(KB_READ_PROFILE, kNow - kDay, kNow, r);
    REQUIRE(r.unavailable.size() == 1);
    CHECK(r.unavailable[0].object == "1.0.99.1.0.255");
    CHECK(r.unavailable[0].reason == "not in the association's object list");
    CHECK(r.unavailable[0].status == KB_OK);
}

TEST_CASE("dlms: load profiles of 1 and 20 minutes are read as the meter holds them", "[dlms][association]")
{
    Frozen frozen;
    for (const unsigned minutes : {1u, 20u}) {
        DYNAMIC_SECTION(minutes << "-minute profile") {
            const long long period = minutes * 60LL;
            kabinet::sim::Gateway gw("dlms", {meterConfig(4 + minutes % 2, minutes)}); // energy and power styles
            const auto& model = gw.bus().meters[0]->model;
            auto drv = kabinet::PluginHost::createDriver(plugin(), R"({"timeout_ms": 1500, "frame_retries": 2})");
            kabinet::TcpTransport transport("127.0.0.1", gw.port(), 2000);
            auto session = drv->open(R"({"server_logical": 1, "server_physical": 1, "client": 32, "password": "12345678", "utc_offset_min": 180})",
                                     transport);
            const long long from = kNow - 6 * 3600, to = kNow;
            kabinet::DriverReading r;
            session->read(KB_READ_PROFILE, from, to, r);
            CHECK(r.unavailable.empty());
            long long expected = 0;
            for (long long s = (from + period - 1) / period * period; s + period <= kNow; s += period) ++expected;
            CHECK(static_cast<long long>(r.intervals.size()) == expected);
            for (const auto& i : r.intervals) {
                INFO("interval " << i.start);
                CHECK(i.lengthS == period);
                CHECK(i.start % period == 0);
                CHECK(std::fabs(i.ap * 1000.0 - double(model.intervalWh(Channel::AP, i.start, static_cast<unsigned>(period)))) <= 1.0);
                CHECK(std::fabs(i.rp * 1000.0 - double(model.intervalWh(Channel::RP, i.start, static_cast<unsigned>(period)))) <= 1.0);
            }
        }
    }
}

TEST_CASE("dlms: object_list of a version-0 association and malformed lists", "[dlms][codec]")
{
    // Version 0 of the association classes gives method access as a boolean.
    Data yes;
    yes.type = DataType::Boolean;
    yes.uinteger = 1;
    const Data element = Data::structure(
        {Data::u16(8), Data::u8(0), Data::octets(Bytes{0, 0, 1, 0, 0, 255}),
         Data::structure({Data::array({Data::structure({Data::i8(2), Data::enumeration(3), Data::null()}),
                                       Data::structure({Data::i8(3), Data::enumeration(0), Data::null()})}),
                          Data::array({Data::structure({Data::i8(1), yes})})})});
    const auto list = spodes::parseObjectList(decodeData(encodeData(Data::array({element}))));
    REQUIRE(list.size() == 1);
    CHECK(list[0].classId == 8);
    CHECK(list[0].obis == spodes::kClock);
    CHECK(list[0].readable(2));
    CHECK_FALSE(list[0].readable(3)); // no access
    CHECK_FALSE(list[0].readable(4)); // not listed
    REQUIRE(list[0].methods.size() == 1);
    CHECK(list[0].methods[0].second == 1);

    CHECK_THROWS_AS(spodes::parseObjectList(Data::u8(1)), kabinet::sdk::ProtocolError);
    CHECK_THROWS_AS(spodes::parseObjectList(Data::array({Data::structure({Data::u16(8), Data::u8(0)})})), kabinet::sdk::ProtocolError);
    CHECK_THROWS_AS(spodes::parseObjectList(Data::array({Data::structure(
                        {Data::u16(8), Data::u8(0), Data::octets(Bytes{0, 0, 1, 0, 0}), Data::structure({Data::array({}), Data::array({})})})})),
                    kabinet::sdk::ProtocolError); // a logical name of five bytes
    CHECK(spodes::parseObjectList(Data::array({})).empty());
}

TEST_CASE("dlms: a meter without object list, time zone and entries in use is read as before", "[dlms][association]")
{
    Frozen frozen;
    auto c = meterConfig(6);
    c.associationObjects = false;
    kabinet::sim::Gateway gw("dlms", {c});
    const auto& model = gw.bus().meters[0]->model;
    auto drv = kabinet::PluginHost::createDriver(plugin(), R"({"timeout_ms": 1500, "frame_retries": 2})");
    kabinet::TcpTransport transport("127.0.0.1", gw.port(), 2000);
    auto session = drv->open(R"({"server_logical": 1, "server_physical": 1, "client": 32, "password": "12345678", "utc_offset_min": 180})",
                             transport);
    const long long from = kNow - kDay, to = kNow;
    kabinet::DriverReading r;
    session->read(KB_READ_PROFILE | KB_READ_BILLING, from, to, r);
    CHECK(r.unavailable.empty());
    CHECK(r.intervals.size() == 47); // 09:30 yesterday to 08:30 today, the last complete one
    for (const auto& i : r.intervals) CHECK(std::fabs(i.ap * 1000.0 - double(model.intervalWh(Channel::AP, i.start))) <= 1.0);
    CHECK_FALSE(r.values.empty()); // the day's snapshot
}
