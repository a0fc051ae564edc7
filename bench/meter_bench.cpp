// Meter data on PostgreSQL: four figures, each beside its raw reference measured in the same run, with the
// ratio (docs: /work/shared/reference/PERFORMANCE.md, "Targets").
//
//  a. Ingest: profile rows/s through MeterDataSink::write (1,000 meters × N half-hours, batches of 10,000
//     rows, one transaction each) against a raw COPY of the same rows, in the same batches, into the same
//     `profile` table over libpq (the COPY text rendered before the clock starts). Both start on freshly
//     truncated partitions; the runs alternate and the median is printed. Target: sink ≥ 0.5 × COPY.
//  b. Three years of half-hourly profile for one meter (52,560 rows) through the API — an in-process
//     kabinetd, a consumer granted the meter's point, GET /t/vges/api/v1/points/{id}/profile over a kept-alive
//     connection, the whole body read — against the raw SELECT of the same rows over libpq (text protocol,
//     every value fetched). The answer's values are checked against the raw rows first. Medians of several
//     alternating runs. Target: API ≤ 1.5 × raw SELECT.
//  c. A month of daily `latest` readings for 1,000 of 10,000 meters through the service, as an operator, with
//     the JSON text the route sends: point by point (MeterService::readingsText of one point, what
//     GET …/points/{id}/readings runs) and in one batch call (readingsText of all the points), against the same
//     per-meter SELECT over libpq and against one SELECT of all those rows at once (the floor). The batch's
//     texts are checked to equal the per-point ones and Poco::JSON's writing of the same values. Rows/s and
//     ratios, medians. Targets: batch ≥ 0.8 × per-meter SELECT and ≥ 0.5 × single SELECT.
//  d. A logged-in consumer's latest readings over HTTP: several client threads (KABINET_BENCH_CLIENTS, 4), each
//     over its own kept-alive connection, ask GET …/points (their points with the latest reading of each) and
//     GET …/points/{id}/readings (the month's `latest` readings) for KABINET_BENCH_SECONDS (5) a run, against
//     `pgbench -S` with as many clients on the same server (its own database, `pgbench -i -s 1`, dropped
//     after); three alternating runs, medians; also one client's latency and the parts of it in process.
//     Target: ≥ 0.4 × pgbench -S.
//
// It needs a PostgreSQL server whose role may create databases; the suite's throw-away server does:
//     bash tests/support/pg.sh start 55440
//     bench_meters --database postgresql://kabinet:kabinet@127.0.0.1:55440/kabinet_test
// (or KABINET_BENCH_DATABASE=postgresql://…). The URL names any database the role can connect to; the
// bench creates its own fresh database kb_bench_<pid> on that server and drops it at the end (kept with
// KABINET_BENCH_KEEP=1, to look at plans). KABINET_BENCH_PARTS=bd measures only some figures (the data of all
// is written anyway). Without a URL it prints that it was skipped and exits 0 (so the `bench` target still
// runs the others). Takes one to two minutes.
#include "config/Config.h"
#include "api/Routes.h"
#include "http/HttpServer.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "server/Services.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/TimeZones.h"
#if __has_include("meters/PointReadStore.h")
#define KABINET_BENCH_BATCH 1 // the service has the batch path (MeterService::readingsText of several points)
#else
#define KABINET_BENCH_BATCH 0
#endif

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <ctime>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <thread>
#include <vector>

using namespace kabinet;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// A libpq connection that is closed when destroyed.
class Pg {
public:
    explicit Pg(const std::string& url) : c_(PQconnectdb(url.c_str())) {
        if (PQstatus(c_) != CONNECTION_OK) {
            const std::string msg = PQerrorMessage(c_);
            PQfinish(c_);
            throw std::runtime_error("cannot connect to PostgreSQL: " + msg);
        }
        PQsetNoticeProcessor(c_, [](void*, const char*) {}, nullptr); // no "does not exist, skipping" on the output
    }
    ~Pg() { PQfinish(c_); }
    Pg(const Pg&) = delete;
    Pg& operator=(const Pg&) = delete;
    PGconn* get() const noexcept { return c_; }

    /// Runs a statement that returns no rows (or whose rows are ignored); throws on failure.
    void exec(const std::string& sql) const {
        PGresult* r = PQexec(c_, sql.c_str());
        const auto st = PQresultStatus(r);
        const std::string msg = PQresultErrorMessage(r);
        PQclear(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) throw std::runtime_error(sql.substr(0, 60) + ": " + msg);
    }

    /// A single integer answer.
    long long scalar(const std::string& sql) const {
        PGresult* r = PQexec(c_, sql.c_str());
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
            const std::string msg = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error(sql.substr(0, 60) + ": " + msg);
        }
        const long long v = std::atoll(PQgetvalue(r, 0, 0));
        PQclear(r);
        return v;
    }

    /// Runs a query with text parameters in the text protocol, fetches every value; returns the row count.
    std::size_t fetchAll(const char* sql, const std::vector<std::string>& params, std::size_t* bytes = nullptr) const {
        std::vector<const char*> values;
        for (const auto& p : params) values.push_back(p.c_str());
        PGresult* r = PQexecParams(c_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            const std::string msg = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error(std::string("raw select: ") + msg);
        }
        const int rows = PQntuples(r), cols = PQnfields(r);
        std::size_t seen = 0;
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j) {
                const char* v = PQgetvalue(r, i, j);
                seen += PQgetisnull(r, i, j) ? 0 : static_cast<std::size_t>(PQgetlength(r, i, j)) + (v[0] == '-');
            }
        PQclear(r);
        if (bytes) *bytes += seen;
        return static_cast<std::size_t>(rows);
    }

    /// COPY of ready text-format data into a table, one statement (and transaction).
    void copy(const std::string& head, const std::string& data) const {
        PGresult* r = PQexec(c_, head.c_str());
        if (PQresultStatus(r) != PGRES_COPY_IN) {
            const std::string msg = PQresultErrorMessage(r);
            PQclear(r);
            throw std::runtime_error("COPY: " + msg);
        }
        PQclear(r);
        constexpr std::size_t kChunk = 1 << 20;
        for (std::size_t at = 0; at < data.size(); at += kChunk)
            if (PQputCopyData(c_, data.data() + at, static_cast<int>(std::min(kChunk, data.size() - at))) != 1)
                throw std::runtime_error(std::string("COPY data: ") + PQerrorMessage(c_));
        if (PQputCopyEnd(c_, nullptr) != 1) throw std::runtime_error(std::string("COPY end: ") + PQerrorMessage(c_));
        std::string err;
        while (PGresult* res = PQgetResult(c_)) {
            if (PQresultStatus(res) != PGRES_COMMAND_OK) err = PQresultErrorMessage(res);
            PQclear(res);
        }
        if (!err.empty()) throw std::runtime_error("COPY: " + err);
    }

private:
    PGconn* c_;
};

/// The bench's own database on the given server: created now, dropped (with any sessions left) at the end.
class BenchDatabase {
public:
    explicit BenchDatabase(const std::string& serverUrl) : admin_(serverUrl) {
        Poco::URI u(serverUrl);
        name_ = "kb_bench_" + std::to_string(::getpid());
        u.setPath("/" + name_);
        url_ = u.toString();
        admin_.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        admin_.exec("CREATE DATABASE " + name_);
    }
    ~BenchDatabase() {
        if (std::getenv("KABINET_BENCH_KEEP")) { // kept for a look at the plans; dropped by the next run of the same pid only
            std::fprintf(stderr, "bench meters: kept %s\n", name_.c_str());
            return;
        }
        try {
            admin_.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bench meters: could not drop %s: %s\n", name_.c_str(), e.what());
        }
    }
    const std::string& url() const noexcept { return url_; }

private:
    Pg admin_;
    std::string name_, url_;
};

// ---- data ------------------------------------------------------------------------------------------------------

/// A value with three decimals, as meters report them, varying with i.
double value(long long i, int salt) {
    const double spread = std::fmod(static_cast<double>(i * 7919 + salt * 104729), 4999.0) / 997.0;
    return std::round((0.2 + spread) * 1000.0) / 1000.0;
}

/// Creates `count` metering points with a meter each (numbers BENCH-<first>…), returns (point id, meter id).
std::vector<std::pair<std::string, std::string>> createMeters(Database& db, const std::string& tenant, int first, int count) {
    std::vector<std::pair<std::string, std::string>> out;
    const int chunk = 500;
    for (int at = first; at < first + count; at += chunk)
        db.transaction([&](soci::session& s) {
            for (int i = at; i < std::min(first + count, at + chunk); ++i) {
                MeteringPoint p;
                p.name = "Точка " + std::to_string(i);
                p.number = "BENCH-" + std::to_string(i);
                p.address = "г. Владимир, ул. Бенчмарка, д. " + std::to_string(i % 300 + 1);
                const std::string pid = MeterRegistry::upsertPoint(s, tenant, p);
                Meter m;
                m.pointId = pid;
                m.model = "Меркурий 234 ARTM";
                m.serial = "9" + std::to_string(10000000 + i);
                m.phases = 3;
                m.tariffZones = 2;
                m.smart = true;
                m.installedOn = "2020-01-01";
                out.emplace_back(pid, MeterRegistry::upsertMeter(s, tenant, m));
            }
        });
    return out;
}

/// Appends one COPY text field (the bench's own values need no escaping), then a tab or newline.
void field(std::string& out, const std::string& v, char end) {
    out += v;
    out += end;
}
void field(std::string& out, long long v, char end) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    out += end;
}
void field(std::string& out, const std::optional<double>& v, char end) {
    if (!v) {
        out += "\\N";
    } else {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, *v);
        out.append(buf, r.ptr);
    }
    out += end;
}

std::string copyText(const std::string& tenant, const std::vector<ProfileRow>& rows) {
    std::string out;
    out.reserve(rows.size() * 96);
    for (const auto& x : rows) {
        field(out, tenant, '\t');
        field(out, x.meterId, '\t');
        field(out, x.ts, '\t');
        field(out, static_cast<long long>(x.intervalMin), '\t');
        field(out, x.pPlus, '\t');
        field(out, x.pMinus, '\t');
        field(out, x.qPlus, '\t');
        field(out, x.qMinus, '\n');
    }
    return out;
}

// ---- HTTP --------------------------------------------------------------------------------------------------------

struct HttpAnswer {
    int status = 0;
    std::string body, cookie;
};

HttpAnswer call(Poco::Net::HTTPClientSession& s, const std::string& method, const std::string& path, const std::string& body,
                const std::string& cookie) {
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    if (!cookie.empty()) req.set("Cookie", "kabinet_session=" + cookie);
    if (!body.empty()) {
        req.setContentType("application/json");
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    s.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    HttpAnswer a;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), a.body);
    a.status = resp.getStatus();
    std::vector<Poco::Net::HTTPCookie> cookies;
    resp.getCookies(cookies);
    for (const auto& c : cookies)
        if (c.getName() == "kabinet_session") a.cookie = c.getValue();
    return a;
}

/// The number of rows of a readings answer (each row's object starts with its date).
[[maybe_unused]] std::size_t rowsIn(const std::string& text) {
    std::size_t n = 0;
    for (std::size_t at = text.find("{\"date\":"); at != std::string::npos; at = text.find("{\"date\":", at + 8)) ++n;
    return n;
}

void printRatio(const char* label, double value, const char* target) { std::printf("  %-44s %10.2f %s\n", label, value, target); }

} // namespace

int main(int argc, char** argv) {
    std::string server;
    if (const char* e = std::getenv("KABINET_BENCH_DATABASE")) server = e;
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string(argv[i]) == "--database") server = argv[i + 1];
    if (server.rfind("postgresql://", 0) != 0 && server.rfind("postgres://", 0) != 0) {
        std::printf("bench meters: skipped — give a PostgreSQL server: --database postgresql://… or KABINET_BENCH_DATABASE "
                    "(bash tests/support/pg.sh start 55440; postgresql://kabinet:kabinet@127.0.0.1:55440/kabinet_test)\n");
        return 0;
    }
    try {
        const auto t0 = Clock::now();
        BenchDatabase bdb(server);
        Poco::TemporaryFile dir;
        dir.createDirectories();
        std::map<std::string, std::string> opts = {{"listen", "127.0.0.1:0"}, {"data-dir", dir.path()}, {"database", bdb.url()},
                                                   {"tenants", std::string(KABINET_SOURCE_DIR) + "/tenants"},
                                                   {"scripts", std::string(KABINET_SOURCE_DIR) + "/scripts"},
                                                   {"plugins", dir.path() + "/none"}, {"log-level", "warn"}};
        auto services = Services::start(Config::resolve(opts));
        Router router;
        registerAllRoutes(router, *services);
        HttpServer http(services->httpContext(), std::move(router));
        http.start();
        const std::string tenantId = "vges";
        auto tenant = services->tenants->find(tenantId);
        if (!tenant) throw std::runtime_error("tenant vges is not loaded");
        Database& db = *services->db;
        MeterDataSink sink(db);
        Pg raw(bdb.url());

        // KABINET_BENCH_PARTS (default "abcd") picks the figures to measure; the data of all of them is written anyway.
        const std::string parts = std::getenv("KABINET_BENCH_PARTS") ? std::getenv("KABINET_BENCH_PARTS") : "abcd";
        auto part = [&](char p) { return parts.find(p) != std::string::npos; };
        auto t = Clock::now();
        // ---- a. ingest ------------------------------------------------------------------------------------
        const int meters = 1000, intervals = 720, perBatch = 10; // 720 half-hours = 15 days; 10 intervals × 1,000 meters a batch
        const auto fleet = createMeters(db, tenantId, 0, meters);
        const long long start = 1709251200; // 2024-03-01 00:00 UTC: every row in one monthly partition
        std::vector<MeterDataBatch> batches;
        for (int b = 0; b < intervals / perBatch; ++b) {
            MeterDataBatch batch;
            batch.profile.reserve(static_cast<std::size_t>(meters * perBatch));
            for (int m = 0; m < meters; ++m)
                for (int k = 0; k < perBatch; ++k) {
                    const long long n = static_cast<long long>(b) * perBatch + k;
                    const long long key = n * meters + m;
                    batch.profile.push_back({fleet[static_cast<std::size_t>(m)].second, start + n * 1800, 30, value(key, 1), 0.0,
                                             value(key, 2), std::nullopt});
                }
            batches.push_back(std::move(batch));
        }
        std::vector<std::string> texts;
        for (const auto& b : batches) texts.push_back(copyText(tenantId, b.profile));
        const std::string copyHead = "COPY profile (tenant_id, meter_id, ts, interval_min, p_plus, p_minus, q_plus, q_minus) FROM STDIN";
        const long long total = static_cast<long long>(meters) * intervals;
        auto runSink = [&](std::size_t n) {
            for (std::size_t i = 0; i < n; ++i) sink.write(tenantId, batches[i]);
        };
        auto runCopy = [&](std::size_t n) {
            for (std::size_t i = 0; i < n; ++i) raw.copy(copyHead, texts[i]);
        };
        auto fresh = [&] { raw.exec("TRUNCATE profile"); };
        if (part('a')) {
        // Warm-up: the sink creates the month's partition; both paths run once before the clock.
        runSink(3);
        fresh();
        runCopy(3);
        fresh();
        std::vector<double> sinkRates, copyRates;
        for (int round = 0; round < 3; ++round) {
            auto t = Clock::now();
            runCopy(texts.size());
            copyRates.push_back(static_cast<double>(total) / secondsSince(t));
            if (raw.scalar("SELECT COUNT(*) FROM profile") != total) throw std::runtime_error("COPY stored a wrong row count");
            fresh();
            t = Clock::now();
            runSink(batches.size());
            sinkRates.push_back(static_cast<double>(total) / secondsSince(t));
            if (raw.scalar("SELECT COUNT(*) FROM profile") != total) throw std::runtime_error("the sink stored a wrong row count");
            fresh();
        }
        // The sink again over stored rows: every row an update (idempotent re-delivery).
        runSink(batches.size());
        t = Clock::now();
        runSink(batches.size());
        const double resendRate = static_cast<double>(total) / secondsSince(t);
        fresh();
        batches.clear();
        texts.clear();
        const double copyRate = median(copyRates), sinkRate = median(sinkRates);
        std::printf("bench meters (PostgreSQL, %s)\n", PQparameterStatus(raw.get(), "server_version"));
        std::printf("a. ingest: %d meters × %d half-hours = %lld profile rows, batches of %d rows, median of %zu runs\n", meters, intervals,
                    total, meters * perBatch, sinkRates.size());
        std::printf("  raw COPY into profile (text, pre-rendered):  %10.0f rows/s\n", copyRate);
        std::printf("  MeterDataSink::write:                        %10.0f rows/s\n", sinkRate);
        std::printf("  MeterDataSink::write, all rows again:        %10.0f rows/s (updates)\n", resendRate);
        printRatio("ratio sink/COPY:", sinkRate / copyRate, "(target >= 0.50)");
        }

        // ---- b. three years of profile for one meter ----------------------------------------------------------
        const auto one = createMeters(db, tenantId, 100000, 1).front();
        const long long y0 = 1609459200; // 2021-01-01 00:00 UTC; 1,095 days = 52,560 half-hours
        const int rows3y = 3 * 365 * 48;
        for (int at = 0; at < rows3y; at += 10000) {
            MeterDataBatch b;
            for (int i = at; i < std::min(rows3y, at + 10000); ++i)
                b.profile.push_back({one.second, y0 + i * 1800LL, 30, value(i, 3), 0.0, value(i, 4), 0.0});
            sink.write(tenantId, b);
        }
        raw.exec("ANALYZE profile");
        const std::string opId = services->identity->createStaff(*tenant, "operator", "bench-operator@vges.example", "Бенч Оператор",
                                                                 "Bench-Password-1");
        const std::string consumerId = services->identity->createStaff(*tenant, "operator", "bench-consumer@vges.example",
                                                                       "Бенч Потребитель", "Bench-Password-1");
        // A consumer logs in by the identifier the tenant asks of consumers (ВГЭС: a user name), not by e-mail.
        const std::string consumerLogin = tenant->normalizeLogin("individual", "bench.consumer");
        if (consumerLogin.empty()) throw std::runtime_error("the tenant does not take the bench consumer's login");
        db.transaction([&](soci::session& s) {
            s << "UPDATE users SET role = 'consumer', kind = 'individual', login = :l WHERE tenant_id = :t AND user_id = :u",
                soci::use(consumerLogin), soci::use(tenantId), soci::use(consumerId);
        });
        SessionInfo op;
        op.userId = opId;
        op.role = "operator";
        Poco::JSON::Object::Ptr grant = new Poco::JSON::Object;
        grant->set("user_id", consumerId);
        grant->set("scope", "point");
        grant->set("ref", one.first);
        services->grants->grant(*tenant, op, grant, false);
        Poco::Net::HTTPClientSession client("127.0.0.1", http.port());
        client.setKeepAlive(true);
        const std::string base = "/t/" + tenantId + "/api/v1/";
        auto login = call(client, "POST", base + "session", R"({"login":"bench.consumer","password":"Bench-Password-1"})", "");
        if (login.status != 200 || login.cookie.empty()) throw std::runtime_error("consumer login failed: " + login.body);
        const std::string from = "2021-01-01", to = "2023-12-31";
        const std::string profilePath = base + "points/" + one.first + "/profile?from=" + from + "&to=" + to;
        const int off = tz::offsetSeconds(tenant->profile().extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("timezone", ""));
        const std::vector<std::string> rawParams = {tenantId, one.second, std::to_string(tz::localMidnight(from, off)),
                                                    std::to_string(tz::localMidnight(to, off) + 86400)};
        const char* profileSql = "SELECT ts, interval_min, p_plus, p_minus, q_plus, q_minus FROM profile WHERE tenant_id = $1 AND "
                                 "meter_id = $2 AND ts >= $3 AND ts < $4 ORDER BY ts";
        auto first = call(client, "GET", profilePath, "", login.cookie);
        if (first.status != 200) throw std::runtime_error("profile request failed: " + first.body);
        const auto firstJson = Poco::JSON::Parser().parse(first.body).extract<Poco::JSON::Object::Ptr>();
        const std::size_t apiRows = firstJson->getArray("rows")->size();
        {
            // The answer holds the raw rows' values, rounded to three decimals, null where NULL.
            std::vector<const char*> values;
            for (const auto& p : rawParams) values.push_back(p.c_str());
            PGresult* res = PQexecParams(raw.get(), profileSql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
            const auto rowsJson = firstJson->getArray("rows");
            bool same = PQresultStatus(res) == PGRES_TUPLES_OK && static_cast<std::size_t>(PQntuples(res)) == rowsJson->size();
            static const char* names[] = {"p_plus", "p_minus", "q_plus", "q_minus"};
            for (int i = 0; same && i < PQntuples(res); ++i) {
                const auto o = rowsJson->getObject(static_cast<unsigned>(i));
                same = o->getValue<long long>("ts") == std::atoll(PQgetvalue(res, i, 0));
                for (int k = 0; same && k < 4; ++k) {
                    if (PQgetisnull(res, i, k + 2)) same = o->isNull(names[k]);
                    else same = !o->isNull(names[k]) && o->getValue<double>(names[k]) == std::round(std::atof(PQgetvalue(res, i, k + 2)) * 1000.0) / 1000.0;
                }
            }
            PQclear(res);
            if (!same) throw std::runtime_error("profile: the answer's values are not the rows' values");
        }
        const std::size_t rawRows = raw.fetchAll(profileSql, rawParams);
        if (apiRows != rawRows) throw std::runtime_error("the API and the raw SELECT disagree on the rows");
        raw.fetchAll(profileSql, rawParams);
        call(client, "GET", profilePath, "", login.cookie);
        if (part('b')) {
        std::vector<double> apiTimes, rawTimes;
        std::size_t bodyBytes = first.body.size();
        for (int i = 0; i < 7; ++i) {
            t = Clock::now();
            raw.fetchAll(profileSql, rawParams);
            rawTimes.push_back(secondsSince(t));
            t = Clock::now();
            auto a = call(client, "GET", profilePath, "", login.cookie);
            apiTimes.push_back(secondsSince(t));
            if (a.status != 200 || a.body.size() != bodyBytes) throw std::runtime_error("profile request changed");
        }
        // Where the API's time goes: the service call in process (SQL, rows to JSON objects), then the JSON text.
        SessionInfo consumer;
        consumer.userId = consumerId;
        consumer.role = "consumer";
        consumer.kind = "individual";
        const Query profileQuery = {{"from", from}, {"to", to}};
        // Where the API's time goes: the service's call in process (the SQL and the JSON text the route sends).
        std::vector<double> serviceTimes;
        for (int i = 0; i < 5; ++i) {
            t = Clock::now();
            const std::string text = services->meters->profileText(*tenant, consumer, one.first, profileQuery);
            serviceTimes.push_back(secondsSince(t));
        }
        const double apiT = median(apiTimes), rawT = median(rawTimes);
        std::printf("b. 3 years of 30-min profile for one meter (%zu rows, %.1f MB JSON), median of %zu runs\n", apiRows,
                    static_cast<double>(bodyBytes) / 1e6, apiTimes.size());
        std::printf("  raw SELECT (libpq, text, all rows):          %10.1f ms\n", rawT * 1e3);
        std::printf("  GET …/points/{id}/profile (consumer, HTTP):  %10.1f ms\n", apiT * 1e3);
        std::printf("    of which MeterService::profileText:        %10.1f ms (in process: SQL and JSON text)\n", median(serviceTimes) * 1e3);
        printRatio("ratio API/SELECT:", apiT / rawT, "(target <= 1.50)");
        }

        // ---- c. a month of readings for 1,000 of 10,000 meters --------------------------------------------------
        auto all = fleet;
        const auto more = createMeters(db, tenantId, meters, 10000 - meters);
        all.insert(all.end(), more.begin(), more.end());
        const long long now = static_cast<long long>(std::time(nullptr));
        const long long day0 = (now / 86400 - 40) * 86400;
        t = Clock::now();
        for (std::size_t at = 0; at < all.size(); at += 250) { // 250 meters × 41 days ≈ 10,000 rows a batch
            MeterDataBatch b;
            for (std::size_t m = at; m < std::min(all.size(), at + 250); ++m)
                for (int d = 0; d <= 40; ++d) {
                    const double t1 = 1000.0 + static_cast<double>(m % 97) * 10 + d * 8.5, t2 = 500.0 + d * 3.25;
                    b.readings.push_back({all[m].second, day0 + d * 86400LL, "latest", "A+", t1 + t2, t1, t2, std::nullopt, std::nullopt,
                                          "driver"});
                }
            sink.write(tenantId, b);
        }
        const double readingsRate = static_cast<double>(all.size() * 41) / secondsSince(t);
        raw.exec("ANALYZE readings, meters, metering_points");
        std::vector<std::pair<std::string, std::string>> chosen;
        for (std::size_t i = 0; i < all.size() && chosen.size() < 1000; i += 10) chosen.push_back(all[i]);
        const std::string mFrom = tz::localDate(now - 31 * 86400LL, off), mTo = tz::localDate(now - 86400, off);
        const Query q = {{"from", mFrom}, {"to", mTo}, {"energy", "A+"}, {"kind", "latest"}};
        const std::string rFrom = std::to_string(tz::localMidnight(mFrom, off)), rTo = std::to_string(tz::localMidnight(mTo, off) + 86400);
        const char* readingsSql = "SELECT ts, total, t1, t2, t3, t4, source, kind FROM readings WHERE tenant_id = $1 AND meter_id = $2 AND "
                                  "energy = $3 AND kind = $4 AND ts >= $5 AND ts < $6 ORDER BY ts";
        std::string ids = "{";
        for (const auto& c : chosen) ids += (ids.size() > 1 ? "," : "") + c.second;
        ids += "}";
        const char* oneSql = "SELECT meter_id, ts, total, t1, t2, t3, t4, source, kind FROM readings WHERE tenant_id = $1 AND "
                             "meter_id = ANY($2::text[]) AND energy = $3 AND kind = $4 AND ts >= $5 AND ts < $6 ORDER BY meter_id, ts";
        // The service's per-meter path: what GET …/points/{id}/readings runs for each meter (its JSON text).
        auto viaService = [&] {
            std::size_t n = 0;
            for (const auto& c : chosen) {
#if KABINET_BENCH_BATCH
                n += rowsIn(services->meters->readingsText(*tenant, op, c.first, q));
#else
                auto o = services->meters->readings(*tenant, op, c.first, q);
                std::ostringstream out;
                o->stringify(out);
                n += o->getArray("rows")->size();
#endif
            }
            return n;
        };
#if KABINET_BENCH_BATCH
        // The service's batch path: all the points in one call (visibility in one query, rows in one per 500
        // meters), each point's answer the same text as the per-meter path's.
        std::vector<std::string> chosenPoints;
        for (const auto& c : chosen) chosenPoints.push_back(c.first);
        auto viaBatch = [&] {
            std::size_t n = 0;
            for (const auto& text : services->meters->readingsText(*tenant, op, chosenPoints, q)) n += rowsIn(text);
            return n;
        };
        {
            const auto texts = services->meters->readingsText(*tenant, op, chosenPoints, q);
            for (std::size_t i = 0; i < chosen.size(); ++i) {
                const std::string one = services->meters->readingsText(*tenant, op, chosen[i].first, q);
                std::ostringstream poco; // the text Poco::JSON writes for the same values
                Poco::JSON::Parser().parse(one).extract<Poco::JSON::Object::Ptr>()->stringify(poco);
                if (texts[i] != one || one != poco.str()) throw std::runtime_error("readings: the batch, per-meter and Poco texts differ");
            }
        }
#endif
        auto viaRaw = [&] {
            std::size_t n = 0;
            for (const auto& c : chosen) n += raw.fetchAll(readingsSql, {tenantId, c.second, "A+", "latest", rFrom, rTo});
            return n;
        };
        auto viaOne = [&] { return raw.fetchAll(oneSql, {tenantId, ids, "A+", "latest", rFrom, rTo}); };
        if (part('c')) {
        const std::size_t monthRows = viaService();
        if (viaRaw() != monthRows || viaOne() != monthRows) throw std::runtime_error("readings: the service and the raw SELECT disagree");
#if KABINET_BENCH_BATCH
        if (viaBatch() != monthRows) throw std::runtime_error("readings: the batch and the raw SELECT disagree");
#endif
        std::vector<double> svcRates, rawRates, oneRates, batchRates;
        for (int i = 0; i < 5; ++i) {
            t = Clock::now();
            viaRaw();
            rawRates.push_back(static_cast<double>(monthRows) / secondsSince(t));
            t = Clock::now();
            viaOne();
            oneRates.push_back(static_cast<double>(monthRows) / secondsSince(t));
            t = Clock::now();
            viaService();
            svcRates.push_back(static_cast<double>(monthRows) / secondsSince(t));
#if KABINET_BENCH_BATCH
            t = Clock::now();
            viaBatch();
            batchRates.push_back(static_cast<double>(monthRows) / secondsSince(t));
#endif
        }
        const double svc = median(svcRates), rawR = median(rawRates), oneR = median(oneRates);
        std::printf("c. a month of daily readings (%s … %s) for %zu of %zu meters: %zu rows, median of %zu runs\n", mFrom.c_str(), mTo.c_str(),
                    chosen.size(), all.size() + 1, monthRows, svcRates.size());
        std::printf("  (written through the sink first: %zu daily readings at %.0f rows/s)\n", all.size() * 41, readingsRate);
        std::printf("  raw SELECT per meter (libpq, text):          %10.0f rows/s\n", rawR);
        std::printf("  raw single SELECT of all those rows:         %10.0f rows/s\n", oneR);
        const double msPerMeter = 1e3 * static_cast<double>(monthRows) / svc / static_cast<double>(chosen.size());
        std::printf("  service per meter, JSON text (operator):     %10.0f rows/s (%.2f ms a meter)\n", svc, msPerMeter);
        printRatio("ratio per-meter service/per-meter SELECT:", svc / rawR, "");
        printRatio("ratio per-meter service/single SELECT:", svc / oneR, "");
#if KABINET_BENCH_BATCH
        const double batch = median(batchRates);
        std::printf("  service batch of all points, JSON text:      %10.0f rows/s\n", batch);
        printRatio("ratio batch service/per-meter SELECT:", batch / rawR, "(target >= 0.80)");
        printRatio("ratio batch service/single SELECT:", batch / oneR, "(target >= 0.50)");
#endif
        }
        // ---- d. a logged-in consumer's latest readings over HTTP, beside pgbench -S ----------------------------
        {
            MeterDataBatch b; // the consumer's meter gets a month and a bit of daily readings
            for (int d = 0; d <= 40; ++d)
                b.readings.push_back({one.second, day0 + d * 86400LL, "latest", "A+", 1500.0 + d * 11.75, 1000.0 + d * 8.5, 500.0 + d * 3.25,
                                      std::nullopt, std::nullopt, "driver"});
            sink.write(tenantId, b);
        }
        const std::string pointsPath = base + "points", readingsPath = base + "points/" + one.first + "/readings";
        for (const auto& path : {pointsPath, readingsPath}) {
            auto a = call(client, "GET", path, "", login.cookie);
            if (a.status != 200 || a.body.find("\"total\":") == std::string::npos) throw std::runtime_error("latest readings: " + a.body);
        }
        // One client, one request after another: the latency of a request and of its parts in process.
        SessionInfo consumerSession;
        consumerSession.userId = consumerId;
        consumerSession.role = "consumer";
        consumerSession.kind = "individual";
        auto perCall = [&](const std::function<void()>& fn) {
            for (int i = 0; i < 20; ++i) fn();
            const auto began = Clock::now();
            for (int i = 0; i < 300; ++i) fn();
            return secondsSince(began) / 300 * 1e6;
        };
        const double httpUs = perCall([&] { call(client, "GET", readingsPath, "", login.cookie); });
        const double sessionUs = perCall([&] { services->identity->resolveSession(*tenant, login.cookie); });
#if KABINET_BENCH_BATCH
        const double serviceUs = perCall([&] { services->meters->readingsText(*tenant, consumerSession, one.first, Query{}); });
#else
        const double serviceUs = perCall([&] {
            std::ostringstream out;
            services->meters->readings(*tenant, consumerSession, one.first, Query{})->stringify(out);
        });
#endif
        const double pointsUs = perCall([&] { call(client, "GET", pointsPath, "", login.cookie); });
        const double pointsServiceUs = perCall([&] { services->meters->points(*tenant, consumerSession); });
        // Requests per second of `clients` threads, each over its own kept-alive connection, for `seconds`.
        auto httpRate = [&](const std::string& path, int clients, double seconds) {
            std::atomic<long long> done{0};
            std::atomic<bool> failed{false};
            std::vector<std::thread> threads;
            const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
            const auto began = Clock::now();
            for (int c = 0; c < clients; ++c)
                threads.emplace_back([&] {
                    try {
                        Poco::Net::HTTPClientSession session("127.0.0.1", http.port());
                        session.setKeepAlive(true);
                        long long n = 0;
                        while (Clock::now() < until) {
                            if (call(session, "GET", path, "", login.cookie).status != 200) throw std::runtime_error("status");
                            ++n;
                        }
                        done += n;
                    } catch (const std::exception&) {
                        failed = true;
                    }
                });
            for (auto& th : threads) th.join();
            if (failed) throw std::runtime_error("latest readings over HTTP failed");
            return static_cast<double>(done) / secondsSince(began);
        };
        // pgbench's own small database on the same server, dropped at the end.
        const std::string pgbench = "/usr/lib/postgresql/15/bin/pgbench";
        const std::string pgbDb = "kb_bench_pgb_" + std::to_string(::getpid());
        Poco::URI pgbUri(server);
        pgbUri.setPath("/" + pgbDb);
        const std::string pgbUrl = pgbUri.toString();
        const int clients = std::getenv("KABINET_BENCH_CLIENTS") ? std::max(1, std::atoi(std::getenv("KABINET_BENCH_CLIENTS"))) : 4;
        const double seconds = std::getenv("KABINET_BENCH_SECONDS") ? std::atof(std::getenv("KABINET_BENCH_SECONDS")) : 5.0;
        std::vector<double> pgbTps, pointsRates, readingsRates;
        bool havePgbench = part('d') && ::access(pgbench.c_str(), X_OK) == 0;
        if (havePgbench) {
            Pg admin(server);
            admin.exec("DROP DATABASE IF EXISTS " + pgbDb + " WITH (FORCE)");
            admin.exec("CREATE DATABASE " + pgbDb);
            struct Drop {
                Pg& admin;
                std::string name;
                ~Drop() {
                    try {
                        admin.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                    } catch (const std::exception&) {
                    }
                }
            } drop{admin, pgbDb};
            if (std::system((pgbench + " -q -i -s 1 '" + pgbUrl + "' >/dev/null 2>&1").c_str()) != 0)
                throw std::runtime_error("pgbench -i failed");
            auto pgbRun = [&] {
                const std::string cmd = pgbench + " -n -S -c " + std::to_string(clients) + " -j 2 -T " +
                                        std::to_string(static_cast<int>(std::max(1.0, seconds))) + " '" + pgbUrl + "' 2>/dev/null";
                FILE* f = ::popen(cmd.c_str(), "r");
                if (!f) throw std::runtime_error("cannot run pgbench");
                char line[512];
                double tps = 0;
                while (std::fgets(line, sizeof line, f))
                    if (std::sscanf(line, "tps = %lf", &tps) == 1) {
                    }
                ::pclose(f);
                if (tps <= 0) throw std::runtime_error("pgbench printed no tps");
                return tps;
            };
            for (int round = 0; round < 3; ++round) {
                pgbTps.push_back(pgbRun());
                pointsRates.push_back(httpRate(pointsPath, clients, seconds));
                readingsRates.push_back(httpRate(readingsPath, clients, seconds));
            }
        }
        std::printf("d. a logged-in consumer's latest readings over HTTP (%d clients, kept-alive connections, %.0f s a run), beside "
                    "pgbench -S (%d clients, -j 2) on the same server, median of 3 alternating runs\n",
                    clients, seconds, clients);
        if (!havePgbench) {
            std::printf("  skipped: %s\n", part('d') ? (pgbench + " not found (postgresql-15 package)").c_str() : "not asked for");
        } else {
            std::printf("  one client: GET …/readings %.0f µs (session %.0f µs, MeterService::readingsText %.0f µs in process); "
                        "GET …/points %.0f µs (MeterService::points %.0f µs)\n",
                        httpUs, sessionUs, serviceUs, pointsUs, pointsServiceUs);
            const double tps = median(pgbTps), pts = median(pointsRates), rds = median(readingsRates);
            std::printf("  pgbench -S (select-only, simple protocol):   %10.0f tps\n", tps);
            std::printf("  GET …/points (points with latest readings):  %10.0f req/s\n", pts);
            std::printf("  GET …/points/{id}/readings (a month, latest):%10.0f req/s\n", rds);
            printRatio("ratio points/pgbench:", pts / tps, "(target >= 0.40)");
            printRatio("ratio readings/pgbench:", rds / tps, "");
        }
        std::printf("  (whole run %.0f s)\n", secondsSince(t0));
        http.stop(1);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench meters: %s\n", e.what());
        return 1;
    }
}
