// The backup drill on the backend of this run: a server takes registrations and meter readings through HTTP
// while `kabinet backup` copies it; the backup is restored into a fresh database and a fresh data dir, and a new
// kabinetd on them answers as the first one did at the moment of the backup — the same people (who log in with
// their passwords and their sessions), the same readings (an unbroken prefix of what was sent: one consistent
// moment), the same case with its document and the same archive file (from the data dir), byte for byte, and the
// same key of stored secrets.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TenantClient.h"
#include "JsonText.h"
#include "TestContext.h"
#include "meters/MeterRegistry.h"
#include "storage/Database.h"
#include "storage/Migrations.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace kabinet;
using test::HttpResult;
using test::KabinetdProcess;

namespace {

using Clock = std::chrono::steady_clock;
using Obj = Poco::JSON::Object::Ptr;

using test::obj;

const std::string kToken = "ingest-token-backup-0123456789";

/// The tenants of the drill: ВОЭК (meters, the ingest route, archives) and the fixture tenant grid6 (registration by
/// e-mail and password alone, cases with documents).
std::string drillTenants() {
    static const std::string dir = [] {
        const std::string d = test::tempDir("backup-tenants");
        std::filesystem::copy(test::sourceDir() + "/tenants/voek", d + "/voek", std::filesystem::copy_options::recursive);
        std::filesystem::copy(test::sourceDir() + "/tests/fixtures/tenants-cases", d, std::filesystem::copy_options::recursive);
        return d;
    }();
    return dir;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// A small well-formed PDF with a marker.
std::string pdf(const std::string& words) {
    return "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + words + "\ntrailer << /Root 1 0 R >>\n%%EOF\n";
}

/// POST of a multipart form (text fields, one file) with the client's session.
HttpResult postForm(test::TenantClient& c, const std::string& path, const std::vector<std::pair<std::string, std::string>>& fields,
                    const std::string& fileField, const std::string& fileName, const std::string& content) {
    const std::string b = "----kabinet-backup-boundary-3c9e";
    std::string body;
    for (const auto& [k, v] : fields) body += "--" + b + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
    body += "--" + b + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\"" + fileName +
            "\"\r\nContent-Type: application/pdf\r\n\r\n" + content + "\r\n--" + b + "--\r\n";
    return c.server.request("POST", "/t/" + c.tenant + "/api/v1/" + path, body,
                            {{"Cookie", "kabinet_session=" + c.cookie}, {"X-CSRF-Token", c.csrf}, {"Content-Type", "multipart/form-data; boundary=" + b}});
}

/// Registers a grid6 person through the API; true on 201, else the answer in `why`.
bool registerPerson(KabinetdProcess& server, const std::string& email, std::string* why = nullptr) {
    test::TenantClient c(server, "grid6");
    auto r = c.call("POST", "registration", R"({"kind":"individual","fields":{"email":")" + email + R"(","password":"Secret123"}})");
    if (r.status != 201 && why) *why = std::to_string(r.status) + " " + r.body;
    return r.status == 201;
}

std::string cliPath() { return test::binaryDir() + "/core/kabinet"; }

/// Runs the kabinet CLI; returns its exit code, its output in `out`.
int cli(std::vector<std::string> args, std::string& out, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), cliPath());
    args.insert(args.end(), {"--tenants", drillTenants(), "--scripts", test::sourceDir() + "/scripts"});
    return test::runProgram(args, out, env);
}

/// The date `days` from today (UTC), YYYY-MM-DD.
std::string day(int days) {
    const std::time_t t = std::time(nullptr) + days * 86400L;
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&t));
    return buf;
}

std::set<std::string> grid6Emails(Database& db) {
    std::set<std::string> out;
    db.read([&](soci::session& s) {
        soci::rowset<std::string> rows = s.prepare << "SELECT email FROM users WHERE tenant_id = 'grid6' AND email LIKE 'load-%'";
        for (const auto& e : rows) out.insert(e);
    });
    return out;
}

std::vector<long long> readingTimes(Database& db, const std::string& meter) {
    std::vector<long long> out;
    db.read([&](soci::session& s) {
        soci::rowset<long long> rows = (s.prepare << "SELECT ts FROM readings WHERE tenant_id = 'voek' AND meter_id = :m ORDER BY ts", soci::use(meter));
        for (long long t : rows) out.push_back(t);
    });
    return out;
}

} // namespace

TEST_CASE("backup drill: back up under load, restore into a fresh database, the new server serves the same data", "[backup][drill]") {
    test::FreshDatabase source;
    KabinetdProcess server{source.url(), {"--tenants", drillTenants(), "--ingest-token", kToken}};
    REQUIRE(server.running());
    Database direct(source.url(), 2);

    // Data that stays still: a ВОЭК meter, a grid6 person with a case and its document, administrators' sessions.
    MeterRegistry reg(direct);
    const std::string account = reg.upsertAccount("voek", {"", "3300900900", "", "ООО «Резерв»", "г. Владимир, ул. Кирова, д. 1"});
    const std::string point =
        reg.upsertPoint("voek", {"", account, "", "Склад", "ТУ-0900", "electricity", "г. Владимир", "ВРУ", "", "T1", std::nullopt});
    Meter m;
    m.pointId = point;
    m.model = "Меркурий 230";
    m.serial = "90000001";
    m.phases = 3;
    m.tariffZones = 1;
    const std::string meter = reg.upsertMeter("voek", m);
    const auto voekAdmin = test::adminSession(server, source.url(), "voek");
    // An archive the administrator requested, built by the job worker into the data dir (a user file of the data dir).
    std::string out;
    REQUIRE(cli({"users", "create-admin", "--tenant", "voek", "--email", "archivist@voek.example", "--database", source.url()}, out,
                {{"KABINET_ADMIN_PASSWORD", "Admin-Password-5"}}) == 0);
    test::TenantClient archivist(server, "voek");
    REQUIRE(archivist.login("archivist@voek.example", "Admin-Password-5").status == 200);
    auto requested = archivist.call("POST", "archive", R"({"from":")" + day(-20) + R"(","to":")" + day(-1) + R"("})");
    INFO(requested.body);
    REQUIRE(requested.status == 201);
    const std::string archiveId = obj(requested.body)->getValue<std::string>("id");
    direct.transaction([&](soci::session& s) { s << "UPDATE jobs SET run_after = 0 WHERE job_id = :id", soci::use(archiveId); });
    std::string archiveState;
    for (int i = 0; i < 150 && archiveState != "done"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        archiveState = obj(archivist.call("GET", "archive").body)->getArray("requests")->getObject(0)->getValue<std::string>("state");
    }
    REQUIRE(archiveState == "done");
    const auto archiveCsv = archivist.call("GET", "archive/" + archiveId + "/file?format=csv");
    REQUIRE(archiveCsv.status == 200);

    test::TenantClient person(server, "grid6");
    REQUIRE(registerPerson(server, "still@example.ru"));
    REQUIRE(person.login("still@example.ru", "Secret123").status == 200);
    const std::string photo = pdf("the meter, photographed before the backup");
    auto filed = postForm(person, "cases", {{"kind", "meter_check"}, {"fields", R"({"serial":"90000001","text":"Проверьте счётчик"})"}}, "doc.photo",
                          "фото.pdf", photo);
    INFO(filed.body);
    REQUIRE(filed.status == 201);
    const std::string caseId = obj(filed.body)->getValue<std::string>("id");
    auto view = person.call("GET", "cases/" + caseId);
    REQUIRE(view.status == 200);
    const std::string docId = obj(view.body)->getArray("documents")->getObject(0)->getValue<std::string>("id");

    // The write load: people registering, and a reading every minute of the past 20 days, one request each.
    const long long firstTs = (static_cast<long long>(std::time(nullptr)) / 60 - 20 * 1440) * 60;
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::pair<Clock::time_point, Clock::time_point>> registered; // i → (sent, answered 201)
    std::vector<std::pair<Clock::time_point, Clock::time_point>> ingested;
    std::atomic<int> failures{0};
    std::string firstFailure;
    std::thread people([&] {
        for (int i = 0; !stop; ++i) {
            const auto sent = Clock::now();
            std::string why;
            const bool ok = registerPerson(server, "load-" + std::to_string(i) + "@example.ru", &why);
            std::lock_guard<std::mutex> l(mu);
            if (!ok && failures++ == 0) firstFailure = "registration: " + why;
            registered.push_back({sent, Clock::now()});
        }
    });
    std::thread readings([&] {
        for (int i = 0; !stop && i < 20 * 1440; ++i) {
            const std::string row = R"({"readings":[{"meter_id":")" + meter + R"(","ts":)" + std::to_string(firstTs + i * 60LL) +
                                    R"(,"total":)" + std::to_string(1000 + i) + R"(,"t1":)" + std::to_string(1000 + i) + "}]}";
            const auto sent = Clock::now();
            auto r = server.request("POST", "/t/voek/api/v1/ingest/meter-data", row, {{"Authorization", "Bearer " + kToken}});
            std::lock_guard<std::mutex> l(mu);
            if (r.status != 200 && failures++ == 0) firstFailure = "ingest: " + std::to_string(r.status) + " " + r.body;
            ingested.push_back({sent, Clock::now()});
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));

    const std::string folder = test::tempDir("backup") + "/drill";
    const auto backupStart = Clock::now();
    const int backupRc = cli({"backup", "--to", folder, "--database", source.url(), "--data-dir", server.dataDir()}, out);
    const auto backupEnd = Clock::now();
    // The load goes on until a registration and a reading have been sent (and answered) after the backup ended.
    auto answeredAfter = [&](const auto& list) {
        std::lock_guard<std::mutex> l(mu);
        for (const auto& [sent, done] : list)
            if (sent > backupEnd) return true;
        return false;
    };
    for (int i = 0; i < 600 && !(answeredAfter(registered) && answeredAfter(ingested)); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stop = true;
    people.join();
    readings.join();
    INFO(out);
    REQUIRE(backupRc == 0);
    INFO(firstFailure);
    CHECK(failures == 0);
    // The load really ran across the backup.
    auto answeredBefore = [](const auto& list, Clock::time_point t) {
        std::size_t n = 0;
        for (const auto& [sent, done] : list) n += done < t;
        return n;
    };
    auto sentBefore = [](const auto& list, Clock::time_point t) {
        std::size_t n = 0;
        for (const auto& [sent, done] : list) n += sent < t;
        return n;
    };
    REQUIRE(answeredBefore(ingested, backupStart) > 0);
    REQUIRE(ingested.size() > sentBefore(ingested, backupEnd));
    REQUIRE(registered.size() > sentBefore(registered, backupEnd));

    // The manifest: backend, schema level, the database and the secret key with their digests.
    const auto manifest = obj(readFile(folder + "/manifest.json"));
    CHECK(manifest->getValue<std::string>("format") == "kabinet-backup");
    CHECK(manifest->getValue<int>("format_version") == 1);
    CHECK(manifest->getValue<std::string>("backend") == test::backend());
    CHECK(manifest->getValue<int>("schema_version") == Migrator::latestKnown());
    std::set<std::string> kinds;
    for (const auto& f : *manifest->getArray("files")) kinds.insert(f.extract<Obj>()->getValue<std::string>("kind"));
    CHECK(kinds.count("database") == 1);
    CHECK(kinds.count("secret-key") == 1);

    // Restore into a fresh database and a fresh data dir.
    test::FreshDatabase target;
    const std::string restoredDir = test::tempDir("restored") + "/data";
    const auto restoreStart = Clock::now();
    const int restoreRc = cli({"restore", "--from", folder, "--database", target.url(), "--data-dir", restoredDir}, out);
    const double restoreSeconds = std::chrono::duration<double>(Clock::now() - restoreStart).count();
    INFO(out);
    REQUIRE(restoreRc == 0);
    WARN("backup under load " << std::chrono::duration<double>(backupEnd - backupStart).count() << " s, restore " << restoreSeconds << " s ("
                              << test::backend() << ")");
    CHECK(readFile(restoredDir + "/secret.key") == readFile(server.dataDir() + "/secret.key"));
    CHECK(readFile(restoredDir + "/secret.key").size() > 0);

    // The restored database is one moment of the first: every person answered before the backup began is there,
    // nobody who asked after it ended; the readings are an unbroken run from the first one sent.
    Database restored(target.url(), 2);
    const auto people1 = grid6Emails(direct), people2 = grid6Emails(restored);
    for (std::size_t i = 0; i < registered.size(); ++i) {
        const std::string email = "load-" + std::to_string(i) + "@example.ru";
        INFO(email);
        if (registered[i].second < backupStart) CHECK(people2.count(email) == 1);
        if (registered[i].first > backupEnd) CHECK(people2.count(email) == 0);
        if (people2.count(email)) CHECK(people1.count(email) == 1);
    }
    const auto times2 = readingTimes(restored, meter);
    REQUIRE(times2.size() >= answeredBefore(ingested, backupStart));
    CHECK(times2.size() <= sentBefore(ingested, backupEnd));
    for (std::size_t i = 0; i < times2.size(); ++i) {
        INFO(i);
        REQUIRE(times2[i] == firstTs + static_cast<long long>(i) * 60);
    }

    // A new server on the restored database and data dir answers as the first did.
    KabinetdProcess again{target.url(), {"--tenants", drillTenants(), "--ingest-token", kToken, "--data-dir", restoredDir}};
    REQUIRE(again.running());
    // The administrator's session of before the backup still holds; the readings are the first ones sent.
    const std::string readingsPath = "/t/voek/api/v1/points/" + point + "/readings";
    auto before = server.request("GET", readingsPath, "", voekAdmin);
    auto after = again.request("GET", readingsPath, "", voekAdmin);
    INFO(after.body);
    REQUIRE(before.status == 200);
    REQUIRE(after.status == 200);
    auto rowsBefore = obj(before.body)->getArray("rows"), rowsAfter = obj(after.body)->getArray("rows");
    REQUIRE(rowsAfter->size() == times2.size());
    // The answer lists rows by time (newest or oldest first): the restored rows are the oldest of the first server's.
    std::vector<std::string> a, b;
    auto text = [](const Poco::Dynamic::Var& v) {
        std::ostringstream s;
        v.extract<Obj>()->stringify(s);
        return s.str();
    };
    for (const auto& r : *rowsBefore) a.push_back(text(r));
    for (const auto& r : *rowsAfter) b.push_back(text(r));
    const bool oldestFirst = std::equal(b.begin(), b.end(), a.begin());
    const bool newestFirst = a.size() >= b.size() && std::equal(b.begin(), b.end(), a.end() - static_cast<long>(b.size()));
    CHECK((oldestFirst || newestFirst));
    CHECK(again.request("GET", "/t/voek/api/v1/points/" + point, "", voekAdmin).body ==
          server.request("GET", "/t/voek/api/v1/points/" + point, "", voekAdmin).body);

    // The archive: its file came with the data dir and downloads the same.
    CHECK(readFile(restoredDir + "/archive/voek/" + archiveId + ".csv") == archiveCsv.body);
    test::TenantClient archivist2(again, "voek", archivist.cookie, archivist.csrf);
    auto archiveAgain = archivist2.call("GET", "archive/" + archiveId + "/file?format=csv");
    CHECK(archiveAgain.status == 200);
    CHECK(archiveAgain.body == archiveCsv.body);

    // The person: the same session, the same profile, the same case, the document byte for byte; and a login.
    test::TenantClient same(again, "grid6", person.cookie, person.csrf);
    CHECK(same.call("GET", "me").body == person.call("GET", "me").body);
    CHECK(same.call("GET", "cases/" + caseId).body == person.call("GET", "cases/" + caseId).body);
    auto file = same.call("GET", "cases/" + caseId + "/documents/" + docId);
    CHECK(file.status == 200);
    CHECK(file.body == photo);
    CHECK(file.body == person.call("GET", "cases/" + caseId + "/documents/" + docId).body);
    test::TenantClient fresh(again, "grid6");
    CHECK(fresh.login("still@example.ru", "Secret123").status == 200);
    // A person who registered after the backup ended is not on the restored server.
    for (std::size_t i = registered.size(); i-- > 0;)
        if (registered[i].first > backupEnd && registered[i].second < Clock::now()) {
            test::TenantClient late(again, "grid6");
            CHECK(late.login("load-" + std::to_string(i) + "@example.ru", "Secret123").status == 401);
            break;
        }
    CHECK(again.terminate() == 0);
    CHECK(server.terminate() == 0);
}
