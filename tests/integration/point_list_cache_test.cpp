// The point list kept by MeterService (PointListCache): a change made in this process through the stores is seen
// by the next request although the list is kept for a minute; the latest readings in it are read every time.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "meters/ManualPolicy.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "meters/MeterService.h"
#include "polling/PollStore.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
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
    test::FreshDatabase fresh;
    Database db{fresh.url(), 2};
    TenantRegistry tenants{test::sourceDir() + "/tenants", test::sourceDir() + "/scripts", LuaLimits{}};
    Migrator(db).migrate();
    tenants.persist(db);
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

    // Readings are never kept: each new one is in the next answer.
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

    // A change by another process (SQL here) waits for the list's time to live; without one it is seen at once.
    db.transaction([&](soci::session& s) { s << "UPDATE metering_points SET name = 'Сарай' WHERE tenant_id = 'sigma'"; });
    CHECK(onlyPoint(meters, *tenant, staff)->getValue<std::string>("name") == "Дом у реки");
    MeterService uncached(db, std::chrono::milliseconds(0));
    CHECK(onlyPoint(uncached, *tenant, staff)->getValue<std::string>("name") == "Сарай");
}
