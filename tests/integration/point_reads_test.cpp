// The point views' read path on the backend of this run: several points' readings asked at once answer what
// each point's own answer is, written as Poco::JSON writes the same values; a point the session does not see
// makes the whole batch "not found"; a consumer's list of points carries the latest reading of each.
#include <catch2/catch.hpp>

#include "SeededDatabase.h"
#include "TestContext.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "meters/GrantService.h"
#include "meters/MeterService.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Parser.h>

#include <ctime>
#include <sstream>

using namespace kabinet;

namespace {

std::string pocoText(const std::string& text) {
    std::ostringstream out;
    Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>()->stringify(out);
    return out.str();
}

} // namespace

TEST_CASE("several points' readings in one call answer each point's own text; an unseen point fails the batch", "[meters][reads]") {
    test::SeededDatabase seeded;
    Database& db = seeded.db;
    TenantRegistry& tenants = seeded.tenants;
    auto t = tenants.find("vges");
    REQUIRE(t);
    MeterRegistry reg(db);
    std::vector<std::string> points, meters;
    for (int i = 0; i < 3; ++i) {
        MeteringPoint p;
        p.name = "Точка " + std::to_string(i);
        p.number = "RD-" + std::to_string(i);
        points.push_back(reg.upsertPoint("vges", p));
        Meter m;
        m.pointId = points.back();
        m.model = "Меркурий 230";
        m.serial = "7000" + std::to_string(i);
        meters.push_back(reg.upsertMeter("vges", m));
    }
    MeteringPoint elsewhere;
    elsewhere.name = "Чужая точка";
    elsewhere.number = "RD-X";
    const std::string otherTenantPoint = reg.upsertPoint("voek", elsewhere);

    // Point 0: three days (one value with more than three decimals, a whole one, registers left empty);
    // point 1: one day; point 2: none.
    const long long now = static_cast<long long>(std::time(nullptr));
    const long long day = (now / 86400 - 3) * 86400 + 12 * 3600;
    MeterDataBatch b;
    for (int d = 0; d < 3; ++d)
        b.readings.push_back({meters[0], day + d * 86400LL, "latest", "A+", 1012.34567 + d, 12.34567 + d, 1000.0, std::nullopt, std::nullopt, "driver"});
    b.readings.push_back({meters[1], day, "latest", "A+", 5.5, 5.5, 0.0, std::nullopt, std::nullopt, "connector"});
    MeterDataSink(db).write("vges", b);

    MeterService service(db);
    SessionInfo op;
    op.userId = "operator-1";
    op.role = "operator";
    const Query q = {{"from", tz::localDate(now - 10 * 86400, t->utcOffset())}};

    const auto batch = service.readingsText(*t, op, points, q);
    REQUIRE(batch.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        INFO(batch[i]);
        CHECK(batch[i] == service.readingsText(*t, op, points[i], q));
        CHECK(batch[i] == pocoText(batch[i])); // the keys in Poco's order, numbers as Poco writes them
    }
    const int off = t->utcOffset();
    CHECK(batch[1] == "{\"energy\":\"A+\",\"rows\":[{\"date\":\"" + tz::localDate(day, off) +
                          "\",\"kind\":\"latest\",\"source\":\"connector\",\"t1\":5.5,\"t2\":0,\"t3\":null,\"t4\":null,\"total\":5.5,\"ts\":" +
                          std::to_string(day) + "}]}");
    CHECK(batch[0].find("\"t1\":12.346,\"t2\":1000,\"t3\":null") != std::string::npos);
    CHECK(batch[0].find("\"total\":1014.346,\"ts\":" + std::to_string(day + 2 * 86400)) != std::string::npos);
    CHECK(batch[2] == "{\"energy\":\"A+\",\"rows\":[]}");
    // The same point twice is answered twice.
    const auto twice = service.readingsText(*t, op, std::vector<std::string>{points[1], points[1]}, q);
    CHECK(twice == std::vector<std::string>{batch[1], batch[1]});

    // A point of another tenant is not found, whoever asks, and so is the whole batch.
    try {
        service.readingsText(*t, op, std::vector<std::string>{points[0], otherTenantPoint}, q);
        FAIL("the batch was answered");
    } catch (const Error& e) {
        CHECK(e.status() == 404);
        CHECK(e.code() == "point_not_found");
    }

    // A consumer granted point 0 only.
    db.transaction([&](soci::session& s) {
        s << "INSERT INTO users (tenant_id, user_id, kind, role, state, login_field, login, email, email_verified, phone_verified, "
             "password_hash, fields_json, notifications_json, created_at, updated_at) VALUES ('vges', 'reader-1', 'individual', "
             "'consumer', 'active', 'username', 'reader1', 'reader1@example.org', 1, 0, 'x', '{}', '{}', 0, 0)";
    });
    Poco::JSON::Object::Ptr grant = new Poco::JSON::Object;
    grant->set("user_id", "reader-1");
    grant->set("scope", "point");
    grant->set("ref", points[0]);
    GrantService(db).grant(*t, op, grant, false);
    SessionInfo consumer;
    consumer.userId = "reader-1";
    consumer.role = "consumer";
    consumer.kind = "individual";
    CHECK(service.readingsText(*t, consumer, std::vector<std::string>{points[0]}, q) == std::vector<std::string>{batch[0]});
    try {
        service.readingsText(*t, consumer, std::vector<std::string>{points[0], points[1]}, q);
        FAIL("a point not granted was answered");
    } catch (const Error& e) {
        CHECK(e.status() == 404);
    }
    try {
        service.readingsText(*t, consumer, points[1], q);
        FAIL("a point not granted was answered");
    } catch (const Error& e) {
        CHECK(e.status() == 404);
    }
    // A bad parameter of a point not seen is "not found" too; of a point seen, 422 naming the field.
    try {
        service.readingsText(*t, consumer, points[1], {{"kind", "weekly"}});
        FAIL("answered");
    } catch (const Error& e) {
        CHECK(e.status() == 404);
    }
    try {
        service.readingsText(*t, consumer, points[0], {{"kind", "weekly"}});
        FAIL("answered");
    } catch (const Error& e) {
        CHECK(e.status() == 422);
    }

    // The consumer's list: their one point, with its newest reading.
    const auto list = service.points(*t, consumer)->getArray("points");
    REQUIRE(list->size() == 1);
    const auto p0 = list->getObject(0);
    CHECK(p0->getValue<std::string>("id") == points[0]);
    CHECK(p0->getObject("latest")->getValue<long long>("ts") == day + 2 * 86400);
    CHECK(p0->getObject("latest")->getValue<double>("t1") == Approx(14.346));
    // Staff see all three; the point without readings has none.
    const auto all = service.points(*t, op)->getArray("points");
    REQUIRE(all->size() == 3);
    int withLatest = 0;
    for (std::size_t i = 0; i < all->size(); ++i) withLatest += all->getObject(static_cast<unsigned>(i))->isNull("latest") ? 0 : 1;
    CHECK(withLatest == 2);
}
