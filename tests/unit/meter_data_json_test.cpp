// meterDataFromJson: the ingest API's JSON batch as rows, defaults filled, the first field of a wrong JSON type
// named as list[index].field.
#include <catch2/catch.hpp>

#include "meters/MeterDataJson.h"
#include "util/Error.h"

#include <Poco/JSON/Parser.h>

using namespace kabinet;

namespace {
Poco::JSON::Object::Ptr parse(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>(); }

/// The field a refused batch names, or empty when it is taken.
std::string refused(const std::string& text) {
    try {
        meterDataFromJson(parse(text));
    } catch (const Error& e) {
        CHECK(e.status() == 422);
        return e.fields().empty() ? "?" : e.fields().begin()->first;
    }
    return "";
}
} // namespace

TEST_CASE("a JSON batch becomes rows with the defaults of each kind", "[meters][ingest]") {
    const auto b = meterDataFromJson(parse(R"({"readings":[{"meter_id":"m","ts":1767225600,"total":10.5,"t1":7}],
        "profile":[{"meter_id":"m","ts":1767225600,"p_plus":1.25}],
        "params":[{"meter_id":"m","ts":1767225600,"voltage":230}],
        "events":[{"meter_id":"m","ts_start":1767225600,"code":"magnet","category":"tamper","tamper":true,"ts_end":1767225660}]})"));
    REQUIRE(b.readings.size() == 1);
    CHECK(b.readings[0].kind == "latest");
    CHECK(b.readings[0].energy == "A+");
    CHECK(b.readings[0].source == "driver");
    CHECK(*b.readings[0].total == 10.5);
    CHECK(*b.readings[0].t1 == 7);
    CHECK_FALSE(b.readings[0].t2);
    REQUIRE(b.profile.size() == 1);
    CHECK(b.profile[0].intervalMin == 30);
    CHECK(*b.profile[0].pPlus == 1.25);
    REQUIRE(b.params.size() == 1);
    CHECK(b.params[0].phase == "S");
    REQUIRE(b.events.size() == 1);
    CHECK(b.events[0].severity == "info");
    CHECK(b.events[0].tamper);
    CHECK(*b.events[0].tsEnd == 1767225660);
}

TEST_CASE("the first field of a wrong JSON type is named with its list and index", "[meters][ingest]") {
    CHECK(refused(R"({"readings":{}})") == "readings");
    CHECK(refused(R"({"readings":[1]})") == "readings[0]");
    CHECK(refused(R"({"readings":[{"meter_id":"m","ts":1767225600},{"ts":1767225600}]})") == "readings[1].meter_id");
    CHECK(refused(R"({"readings":[{"meter_id":"m","ts":1767225600.5}]})") == "readings[0].ts");
    CHECK(refused(R"({"readings":[{"meter_id":"m","ts":true}]})") == "readings[0].ts");
    CHECK(refused(R"({"readings":[{"meter_id":"m","ts":1767225600,"total":"5"}]})") == "readings[0].total");
    CHECK(refused(R"({"profile":[{"meter_id":"m","ts":1767225600,"interval_min":7.5}]})") == "profile[0].interval_min");
    CHECK(refused(R"({"events":[{"meter_id":"m","ts_start":1767225600,"tamper":1}]})") == "events[0].tamper");
    CHECK(refused(R"({"params":[{"meter_id":5,"ts":1767225600}]})") == "params[0].meter_id");
    CHECK(refused(R"({"readings":[]})").empty());
}
