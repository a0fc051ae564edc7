// The point list and the latest readings kept by MeterService (PointListCache, LatestReadingCache): a change made
// in this process through the stores or the sink is seen by the next request although both are kept for a minute;
// one made by another process waits for the time to live.
#include <catch2/catch.hpp>

#include "SeededDatabase.h"
#include "TestContext.h"
#include "meters/LatestReadingCache.h"
#include "meters/ManualPolicy.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "meters/MeterService.h"
#include "meters/PointReadStore.h"
#include "polling/PollStore.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <ctime>

using namespace kabinet;

namespace {

Poco::JSON::Object::Ptr onlyPoint(MeterService& meters, Tenant& t, const SessionInfo& who) {
    auto list = meters.points(t, who)->getArray("points");
    REQUIRE(list->size() == 1);
    return list->getObject(0);
}

} // namespace

TEST_CASE("a kept point list follows the registry, the poll links and the readings at once", "[meters][cache]") {
    test::SeededDatabase seeded(2);
    Database& db = seeded.db;
    TenantRegistry& tenants = seeded.tenants;
    // A tenant whose policy refuses manual readings of a polled meter, so that a new poll link shows.
    auto tenant = tenants.find("sigma");
    REQUIRE(tenant);
    const bool allowedUnpolled = manualAvailability(*tenant, false, false)->getValue<bool>("allowed");
    const bool allowedPolled = manualAvailability(*tenant, false, true)->getValue<bool>("allowed");
    REQUIRE(allowedUnpolled != allowedPolled);

    MeterService meters(db, std::chrono::minutes(1));
    SessionInfo staff;
    staff.userId = "operator";
    staff.role = "operator";
    MeterRegistry reg(db);
    const std::string point = reg.upsertPoint("sigma", {"", "", "", "Дом", "ТУ-7001", "electricity", "г. Симферополь, ул. Мира, д. 1", "Щит",
                                                      "2023-01-01", "T1", std::nullopt});
    auto p = onlyPoint(meters, *tenant, staff);
    CHECK(p->getValue<std::string>("name") == "Дом");
    CHECK(p->getObject("meter")->getValue<std::string>("model").empty());
    CHECK(p->get("latest").isEmpty());

    // Kept: asked again, the same list (nothing changed).
    CHECK(onlyPoint(meters, *tenant, staff)->getValue<std::string>("name") == "Дом");

    // The point renamed and given a meter through the registry: seen by the next request.
    reg.upsertPoint("sigma", {point, "", "", "Дом у реки", "ТУ-7001", "electricity", "г. Симферополь, ул. Мира, д. 1", "Щит", "2023-01-01", "T1",
                             std::nullopt});
    CHECK(onlyPoint(meters, *tenant, staff)->getValue<std::string>("name") == "Дом у реки");
    Meter m;
    m.pointId = point;
    m.model = "Нева МТ 114";
    m.serial = "7001";
    const std::string meter = reg.upsertMeter("sigma", m);
    p = onlyPoint(meters, *tenant, staff);
    CHECK(p->getObject("meter")->getValue<std::string>("model") == "Нева МТ 114");
    CHECK(p->getObject("manual_readings")->getValue<bool>("allowed") == allowedUnpolled);

    // Readings are kept, and the sink forgets them: each new one is in the next answer.
    const long long now = static_cast<long long>(std::time(nullptr));
    MeterDataSink sink(db);
    for (int i = 0; i < 2; ++i) {
        MeterDataBatch b;
        b.readings.push_back({meter, now - 3600 + i * 60, "latest", "A+", 100.0 + i, 100.0 + i, std::nullopt, std::nullopt, std::nullopt, "driver"});
        sink.write("sigma", b);
        p = onlyPoint(meters, *tenant, staff);
        REQUIRE_FALSE(p->get("latest").isEmpty());
        CHECK(p->getObject("latest")->getValue<long long>("ts") == now - 3600 + i * 60);
        CHECK(p->getObject("latest")->getValue<double>("total") == Approx(100.0 + i));
    }

    // A poll link (the server reads the meter itself): manual readings follow the tenant's policy at once.
    PollStore polls(db, "test");
    polls.upsertGateway("sigma", "gw-cache", "127.0.0.1", 9, "Шлюз");
    polls.linkMeter("sigma", meter, "gw-cache", "mercury230", "{}");
    CHECK(onlyPoint(meters, *tenant, staff)->getObject("manual_readings")->getValue<bool>("allowed") == allowedPolled);

    // A change by another process (SQL here) waits for the time to live; without one it is seen at once.
    db.transaction([&](soci::session& s) {
        s << "UPDATE metering_points SET name = 'Сарай' WHERE tenant_id = 'sigma'";
        s << "UPDATE latest_readings SET total = 555 WHERE tenant_id = 'sigma'";
    });
    p = onlyPoint(meters, *tenant, staff);
    CHECK(p->getValue<std::string>("name") == "Дом у реки");
    CHECK(p->getObject("latest")->getValue<double>("total") == Approx(101.0));
    MeterService uncached(db, std::chrono::milliseconds(0));
    p = onlyPoint(uncached, *tenant, staff);
    CHECK(p->getValue<std::string>("name") == "Сарай");
    CHECK(p->getObject("latest")->getValue<double>("total") == Approx(555.0));
}

TEST_CASE("a latest reading read while the sink writes that meter is not kept", "[meters][cache]") {
    test::SeededDatabase seeded(2);
    Database& db = seeded.db;
    MeterRegistry reg(db);
    const std::string point = reg.upsertPoint("sigma", {"", "", "", "Дом", "ТУ-7002", "electricity", "г. Симферополь, ул. Мира, д. 2", "Щит",
                                                      "2023-01-01", "T1", std::nullopt});
    Meter m;
    m.pointId = point;
    m.model = "Нева МТ 114";
    m.serial = "7002";
    const std::string meter = reg.upsertMeter("sigma", m);
    const long long now = static_cast<long long>(std::time(nullptr));
    MeterDataSink sink(db);
    auto write = [&](double total, long long ts) {
        MeterDataBatch b;
        b.readings.push_back({meter, ts, "latest", "A+", total, total, std::nullopt, std::nullopt, std::nullopt, "driver"});
        sink.write("sigma", b);
    };
    write(10.0, now - 7200);

    PointReadStore reads(db);
    LatestReadingCache cache(std::chrono::minutes(1));
    int loads = 0;
    auto load = [&](const std::vector<std::string>& ids) {
        ++loads;
        return reads.latestReadings("sigma", ids);
    };
    // Read while a batch of the meter is written (the write lands between the read and the keep): nothing kept,
    // the next request reads again and sees the new reading.
    auto first = cache.get("sigma", {meter}, [&](const std::vector<std::string>& ids) {
        auto rows = load(ids);
        write(20.0, now - 3600);
        return rows;
    });
    REQUIRE(first.count(meter) == 1);
    CHECK(first.at(meter).total == Approx(10.0));
    CHECK(cache.size() == 0);
    auto second = cache.get("sigma", {meter}, load);
    CHECK(loads == 2);
    REQUIRE(second.count(meter) == 1);
    CHECK(second.at(meter).total == Approx(20.0));
    CHECK(second.at(meter).ts == now - 3600);
    // Kept now: the third request reads nothing; a meter with no reading is kept as such.
    CHECK(cache.get("sigma", {meter}, load).at(meter).total == Approx(20.0));
    CHECK(loads == 2);
    CHECK(cache.get("sigma", {meter, "no-such-meter"}, load).count("no-such-meter") == 0);
    CHECK(loads == 3);
    CHECK(cache.get("sigma", {meter, "no-such-meter"}, load).size() == 1);
    CHECK(loads == 3);
    // Another tenant's meter of the same id is another entry.
    CHECK(cache.get("vges", {meter}, [&](const std::vector<std::string>& ids) {
                   ++loads;
                   return reads.latestReadings("vges", ids);
               }).empty());
    CHECK(loads == 4);
    // A reading older than the kept one leaves latest_readings as it is; the cache forgets and reads it again.
    write(5.0, now - 86400);
    CHECK(cache.get("sigma", {meter}, load).at(meter).total == Approx(20.0));
    CHECK(loads == 5);
}
