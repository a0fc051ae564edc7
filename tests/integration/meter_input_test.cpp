// Meter data in and out on the backend of this run: the ingest route refuses bad rows whole (nothing stored,
// no partition created), manual readings are checked against the meter's readings before and after them and
// are not taken for polled meters, the point report carries its facts, date cells and rounded values under a
// readable file name, and the power profile is answered hourly as well as half-hourly.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "JsonText.h"
#include "TestContext.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "storage/Database.h"
#include "util/TimeZones.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <ctime>
#include <fstream>
#include <regex>

using namespace kabinet;
using test::HttpResult;
using test::KabinetdProcess;

namespace {

using test::obj;

const std::map<std::string, std::string> kIngest = {{"Authorization", "Bearer ingest-token-0123456789"}};
const char* const kNbsp = "\u00a0";

/// A server, a database and two СИГМА points: one read by hand, one polled by the server; an administrator's session.
struct Site {
    test::FreshDatabase db;
    KabinetdProcess server{db.url(), {"--ingest-token", "ingest-token-0123456789"}};
    Database direct{db.url(), 2};
    std::string point, meter, polledPoint, polledMeter, cookie, csrf;
    long long now = static_cast<long long>(std::time(nullptr));
    int offset = 0;

    Site() {
        MeterRegistry reg(direct);
        const std::string acc = reg.upsertAccount("sigma", {"", "SIG-101", "", "ООО «Пекарня»", "г. Симферополь, ул. Гагарина, д. 3"});
        point = reg.upsertPoint("sigma", {"", acc, "", "Пекарня «Хлеб/Соль»", "91-ТУ-101", "electricity", "г. Симферополь, ул. Гагарина, д. 3",
                                          "ВРУ", "", "T1", std::nullopt});
        Meter m;
        m.pointId = point;
        m.model = "ФОБОС 1";
        m.modification = "ФОБОС 1 NB-Fi 5(80) А";
        m.serial = "01234567";
        m.phases = 1;
        m.tariffZones = 1;
        meter = reg.upsertMeter("sigma", m);
        polledPoint = reg.upsertPoint("sigma", {"", acc, "", "Склад", "91-ТУ-102", "electricity", "г. Симферополь", "ВРУ", "", "T1", std::nullopt});
        m.pointId = polledPoint;
        m.model = "Энергомера CE308";
        m.modification = "CE308 S31.543";
        m.serial = "01234568";
        polledMeter = reg.upsertMeter("sigma", m);
        direct.transaction([&](soci::session& s) {
            s << "INSERT INTO gateways (tenant_id, gateway_id, host, port) VALUES ('sigma', 'gw-1', '127.0.0.1', 4001)";
            s << "INSERT INTO meter_links (tenant_id, meter_id, gateway_id, driver) VALUES ('sigma', :m, 'gw-1', 'mercury')", soci::use(polledMeter);
        });
        offset = tz::offsetSeconds(obj(server.request("GET", "/t/sigma/api/v1/tenant").body)->getValue<std::string>("timezone"));
        std::string out;
        REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "sigma", "--email", "data@sigma.example",
                                  "--database", db.url(), "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                                 out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-7"}}) == 0);
        auto r = server.request("POST", "/t/sigma/api/v1/session", R"({"login":"data@sigma.example","password":"Admin-Password-7"})");
        INFO(r.body);
        REQUIRE(r.status == 200);
        std::smatch found;
        const std::string setCookie = r.headers["Set-Cookie"];
        REQUIRE(std::regex_search(setCookie, found, std::regex("kabinet_session=([^;]*)")));
        cookie = found[1];
        csrf = obj(r.body)->getValue<std::string>("csrf");
    }
    HttpResult call(const std::string& method, const std::string& path, const std::string& body = "") {
        return server.request(method, "/t/sigma/api/v1/" + path, body, {{"Cookie", "kabinet_session=" + cookie}, {"X-CSRF-Token", csrf}});
    }
    std::string day(int back) const { return tz::localDate(now - back * 86400LL, offset); }
    long long at(int back, int hour, int minute = 0) const { return tz::localMidnight(day(back), offset) + hour * 3600 + minute * 60; }
    long long count(const std::string& sql) {
        long long n = 0;
        direct.read([&](soci::session& s) { s << sql, soci::into(n); });
        return n;
    }
    void store(long long ts, double total, const std::string& energy = "A+") {
        MeterDataBatch b;
        b.readings.push_back({meter, ts, "latest", energy, total, energy == "A+" ? std::optional<double>(total) : std::nullopt, std::nullopt,
                              std::nullopt, std::nullopt, "driver"});
        MeterDataSink(direct).write("sigma", b);
    }
};

std::string field(const HttpResult& r, const std::string& name) {
    auto f = obj(r.body)->getObject("fields");
    return f && f->has(name) ? f->getValue<std::string>(name) : std::string("(no field " + name + " in " + r.body + ")");
}

} // namespace

TEST_CASE("ingest validates every field of every row first; a refused batch leaves no rows and no partitions", "[data][ingest]") {
    Site s;
    const std::string path = "/t/sigma/api/v1/ingest/meter-data";
    const std::string m = s.meter;
    const std::string good = R"({"meter_id":")" + m + R"(","ts":)" + std::to_string(s.now - 3600) + R"(,"total":10.5,"t1":10.5})";
    struct Case {
        std::string body, field;
    };
    const Case cases[] = {
        {R"({"readings":[)" + good + R"(,{"meter_id":null,"ts":1700000000,"total":1}]})", "readings[1].meter_id"},
        {R"({"readings":[{"meter_id":")" + m + R"(","ts":-1,"total":1}]})", "readings[0].ts"},
        {R"({"readings":[{"meter_id":")" + m + R"(","ts":true,"total":1}]})", "readings[0].ts"},
        {R"({"readings":[{"meter_id":")" + m + R"(","ts":99999999999,"total":1}]})", "readings[0].ts"}, // year 5138
        {R"({"readings":[)" + good + R"(,{"meter_id":")" + m + R"(","ts":1700000000,"total":-5}]})", "readings[1].total"},
        {R"({"readings":[{"meter_id":")" + m + R"(","ts":1700000000,"t1":true}]})", "readings[0].t1"},
        {R"({"profile":[{"meter_id":")" + m + R"(","ts":1700000000,"p_plus":-0.5}]})", "profile[0].p_plus"},
        {R"({"events":[{"meter_id":")" + m + R"(","ts_start":1700000000,"ts_end":1690000000,"code":"x","category":"power"}]})", "events[0].ts_end"},
        {R"({"readings":[)" + good + R"(,{"meter_id":")" + m + R"(","ts":1700000000,"kind":"guess","total":1}]})", "readings[1].kind"},
        {R"({"profile":[{"meter_id":")" + m + R"(","ts":1700000000,"interval_min":7,"p_plus":1}]})", "profile[0].interval_min"},
        {R"({"params":[{"meter_id":")" + m + R"(","ts":1700000000,"phase":"D","voltage":230}]})", "params[0].phase"},
        {R"({"events":[{"meter_id":")" + m + R"(","ts_start":1700000000,"code":"x","category":"power","severity":"panic"}]})", "events[0].severity"},
        {R"({"events":[{"meter_id":")" + m + R"(","ts_start":1700000000,"code":"","category":"power"}]})", "events[0].code"},
        // Rows of 2003 first, then one of a meter the tenant does not have: refused before any partition exists.
        {R"({"readings":[{"meter_id":")" + m + R"(","ts":1041379200,"total":1},{"meter_id":"no-such","ts":1044057600,"total":1}],)"
         R"("profile":[{"meter_id":")" + m + R"(","ts":1041379200,"p_plus":1}]})",
         "readings[1].meter_id"},
    };
    for (const auto& c : cases) {
        INFO(c.body);
        auto r = s.server.request("POST", path, c.body, kIngest);
        INFO(r.body);
        CHECK(r.status == 422);
        CHECK(obj(r.body)->getObject("fields")->has(c.field));
    }
    CHECK(s.count("SELECT COUNT(*) FROM readings WHERE tenant_id = 'sigma'") == 0);
    CHECK(s.count("SELECT COUNT(*) FROM profile WHERE tenant_id = 'sigma'") == 0);
    CHECK(s.count("SELECT COUNT(*) FROM meter_events WHERE tenant_id = 'sigma'") == 0);
    CHECK_THAT(field(s.server.request("POST", path, cases[4].body, kIngest), "readings[1].total"), Catch::Contains("отрицательным"));
    if (test::backend() == "postgresql") {
        CHECK(s.count("SELECT COUNT(*) FROM pg_class WHERE relkind = 'r' AND (relname LIKE 'readings_y2003%' OR relname LIKE 'profile_y2003%')") == 0);
        // The same rows for a meter of the tenant: stored, and their months get their partitions (only those).
        auto r = s.server.request("POST", path,
                                  R"({"readings":[{"meter_id":")" + m + R"(","ts":1041379200,"total":1},{"meter_id":")" + m +
                                      R"(","ts":1072915200,"total":2}]})",
                                  kIngest);
        REQUIRE(r.status == 200);
        CHECK(s.count("SELECT COUNT(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE 'readings_y200%'") == 2);
    }
}

TEST_CASE("manual readings lie between the meter's readings before and after them; polled meters are not offered", "[data][manual]") {
    Site s;
    // The meter's own readings: two days ago, yesterday 00:00 and 17:30, and a moment ago.
    s.store(s.at(2, 0), 58900);
    s.store(s.at(1, 0), 59000);
    s.store(s.at(1, 17, 30), 59100);
    s.store(s.now - 120, 59141.174);
    const std::string base = "points/" + s.point + "/manual-readings";

    // Yesterday (stands for 12:00): not above the 17:30 reading.
    auto r = s.call("POST", base, R"({"date":")" + s.day(1) + R"(","t1":59150})");
    INFO(r.body);
    CHECK(r.status == 422);
    CHECK(field(r, "t1") == std::string("Показание не может быть больше последующего (59") + kNbsp + "100)");
    // Today: a reading of this moment, not below the latest one (a moment ago), in Russian number format.
    r = s.call("POST", base, R"({"t1":"59120"})");
    CHECK(r.status == 422);
    CHECK(field(r, "t1") == std::string("Показание не может быть меньше предыдущего (59") + kNbsp + "141,174)");
    // Plausible: between them. Pending (СИГМА's operator approves).
    r = s.call("POST", base, R"({"date":")" + s.day(1) + R"(","t1":"59050,5"})");
    REQUIRE(r.status == 201);
    r = s.call("POST", base, R"({"t1":59150})");
    REQUIRE(r.status == 201);
    const std::string pending = obj(r.body)->getValue<std::string>("id");
    // The meter reads less after the submission: the operator can no longer approve it.
    s.store(s.now + 30, 59145);
    r = s.call("POST", "operator/manual-readings/" + pending + "/approve");
    CHECK(r.status == 409);
    CHECK_THAT(r.body, Catch::Contains("больше последующего"));
    CHECK(s.count("SELECT COUNT(*) FROM readings WHERE tenant_id = 'sigma' AND source = 'consumer'") == 0);

    // A polled meter: the point says so and the server refuses, unless the tenant allows (it does not here).
    auto polled = obj(s.call("GET", "points/" + s.polledPoint).body);
    REQUIRE(polled->has("manual_readings"));
    CHECK_FALSE(polled->getObject("manual_readings")->getValue<bool>("allowed"));
    CHECK(polled->getObject("meter")->getValue<bool>("polled"));
    CHECK(obj(s.call("GET", "points/" + s.point).body)->getObject("manual_readings")->getValue<bool>("allowed"));
    r = s.call("POST", "points/" + s.polledPoint + "/manual-readings", R"({"t1":100})");
    INFO(r.body);
    CHECK(r.status == 403);
    CHECK_THAT(r.body, Catch::Contains("передаются автоматически"));
    const auto points = obj(s.call("GET", "points").body)->getArray("points");
    REQUIRE(points->size() == 2);
    for (const auto& p : *points) {
        auto po = p.extract<Poco::JSON::Object::Ptr>();
        CHECK(po->getObject("manual_readings")->getValue<bool>("allowed") == (po->getValue<std::string>("id") == s.point));
    }
}

TEST_CASE("the point report: facts, date cells, values to three decimals, A+/A−/R+/R−, a readable file name", "[data][report]") {
    Site s;
    // Registers with binary noise in their sums: 982 345.2 + 2.083 = 982347.2830000001.
    s.store(s.at(3, 0), 982345.2);
    s.store(s.at(2, 0), 982345.2 + 2.083);
    s.store(s.at(1, 0), 982345.2 + 2.083 + 1.5);
    s.store(s.at(2, 0), 100.25, "R+");
    const std::string from = s.day(3), to = s.day(2);
    auto r = s.call("GET", "points/" + s.point + "/report?format=xlsx&group=day&from=" + from + "&to=" + to);
    REQUIRE(r.status == 200);
    const std::string disposition = r.headers["Content-Disposition"];
    INFO(disposition);
    // «Отчёт_Пекарня_«Хлеб_Соль»_<from>_<to>.xlsx» as UTF-8, and an ASCII fallback.
    CHECK_THAT(disposition, Catch::StartsWith("attachment; filename=\"Otchet_91-101_" + from + "_" + to + ".xlsx\""));
    CHECK_THAT(disposition, Catch::Contains("filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82_"));
    CHECK_THAT(disposition, Catch::Contains("_" + from + "_" + to + ".xlsx"));
    CHECK(disposition.find('/') == std::string::npos);

    // The workbook's first sheet as XML (an XLSX is a zip).
    const std::string dir = test::tempDir("report");
    {
        std::ofstream f(dir + "/r.xlsx", std::ios::binary);
        f << r.body;
    }
    std::string xml;
    REQUIRE(test::runProgram({"/usr/bin/python3", "-c",
                              "import sys, zipfile\n"
                              "z = zipfile.ZipFile(sys.argv[1])\n"
                              "print(z.read('xl/worksheets/sheet1.xml').decode())\n"
                              "print(z.read('xl/worksheets/sheet2.xml').decode())\n"
                              "print(z.read('xl/sharedStrings.xml').decode())\n"
                              "print(z.read('xl/styles.xml').decode())\n",
                              dir + "/r.xlsx"},
                             xml) == 0);
    // Rounded: the register sum 982347.2829999999 is stored as the number 982347.283 (the XML carries the
    // double with 16 significant digits; it reads back as exactly 982347.283), and so is every other value.
    std::smatch v;
    REQUIRE(std::regex_search(xml, v, std::regex(R"(<v>(982347\.28\d*)</v>)")));
    CHECK(std::stod(v[1]) == 982347.283);
    const std::regex number(R"(<c r="[B-Z]\d+" s="\d+"><v>([-0-9.E+]+)</v></c>)");
    int numbers = 0;
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), number); it != std::sregex_iterator(); ++it, ++numbers) {
        const double x = std::stod((*it)[1]);
        CHECK(x == std::round(x * 1000) / 1000);
    }
    CHECK(numbers >= 6);
    // Dates are numbers (serial days) in a cell with a date format, not text.
    CHECK(xml.find("dd.mm.yyyy") != std::string::npos);
    std::smatch m;
    CHECK(std::regex_search(xml, m, std::regex(R"(<c r="A\d+" s="\d+"><v>\d{5}(\.\d+)?</v></c>)")));
    // Facts and columns.
    for (const char* text : {"Точка учёта", "Прибор учёта", "Период", "A+, кВт·ч", "A−, кВт·ч", "R+, квар·ч", "R−, квар·ч",
                             "ФОБОС 1 NB-Fi 5(80) А, зав. № 01234567"})
        CHECK_THAT(xml, Catch::Contains(text));
    CHECK(xml.find("ФОБОС 1 ФОБОС 1") == std::string::npos);

    // CSV: the same facts, dates as дд.мм.гггг, decimal comma to three places.
    r = s.call("GET", "points/" + s.point + "/report?format=csv&group=day&from=" + from + "&to=" + to);
    REQUIRE(r.status == 200);
    CHECK_THAT(r.body, Catch::Contains("Период;с " + from.substr(8, 2) + "." + from.substr(5, 2) + "." + from.substr(0, 4)));
    CHECK_THAT(r.body, Catch::Contains("982347,283"));
    CHECK_THAT(r.headers["Content-Disposition"], Catch::Contains(".csv"));
    r = s.call("GET", "points/" + s.polledPoint + "/report?format=csv");
    REQUIRE(r.status == 200);
    CHECK_THAT(r.body, Catch::Contains("Прибор учёта;Энергомера CE308 S31.543, зав. № 01234568"));
}

TEST_CASE("the power profile is answered hourly as well as half-hourly", "[data][profile]") {
    Site s;
    const std::string day = s.day(1);
    const long long start = tz::localMidnight(day, s.offset);
    MeterDataBatch b;
    for (int half = 0; half < 48; ++half) {
        if (half == 5) continue; // 02:30–03:00 missing
        b.profile.push_back({s.meter, start + half * 1800, 30, 1.0 + half, 0.0, half % 2 ? 0.5 : std::optional<double>(), std::nullopt});
    }
    MeterDataSink(s.direct).write("sigma", b);
    auto half = obj(s.call("GET", "points/" + s.point + "/profile?from=" + day + "&to=" + day).body);
    CHECK(half->getValue<int>("interval_min") == 30);
    CHECK(half->getArray("rows")->size() == 47);
    auto r = s.call("GET", "points/" + s.point + "/profile?from=" + day + "&to=" + day + "&interval=60");
    INFO(r.body);
    auto hourly = obj(r.body);
    CHECK(hourly->getValue<int>("interval_min") == 60);
    auto rows = hourly->getArray("rows");
    REQUIRE(rows->size() == 24);
    // Hour 0: half-hours of 1 and 2 kW → 1.5 kW average (= 1.5 kWh in the hour).
    CHECK(rows->getObject(0)->getValue<long long>("ts") == start);
    CHECK(rows->getObject(0)->getValue<double>("p_plus") == Approx(1.5));
    CHECK(rows->getObject(1)->getValue<double>("p_plus") == Approx(3.5));
    // Hour 2 lacks its second half: no value rather than a wrong one.
    CHECK(rows->getObject(2)->isNull("p_plus"));
    // Q+ only in every second half-hour: no full hour of it.
    CHECK(rows->getObject(0)->isNull("q_plus"));
    CHECK(rows->getObject(23)->getValue<double>("p_plus") == Approx(47.5));
    CHECK(s.call("GET", "points/" + s.point + "/profile?interval=45").status == 422);
}
