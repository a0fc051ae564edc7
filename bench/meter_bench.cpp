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
//  d. A logged-in consumer's latest readings over HTTP: KABINET_BENCH_CLIENTS (4) kept-alive connections of a lean
//     client, driven by two threads as pgbench -j 2 drives its clients, ask GET …/points (their points with the latest reading of each) and
//     GET …/points/{id}/readings (the month's `latest` readings) for KABINET_BENCH_SECONDS (5) a run, against
//     `pgbench -S` with as many clients on the same server (its own database, `pgbench -i -s 1`, dropped
//     after); three alternating runs, medians; also one client's latency and the parts of it in process (and
//     MeterService::points with nothing kept, --point-cache-ms 0), and GET /healthz (no session, one SELECT 1)
//     with the same clients: a request that crosses HTTP and the database once. GET …/points serves the list and
//     the latest readings from what was read a moment ago (PointListCache, LatestReadingCache), so at this rate
//     it crosses HTTP alone. Target: ≥ 0.4 × pgbench -S. The bench's copy of the tenant has request limits above what
//     one machine sends (the defaults would answer part of the run with 429).
//
// It needs a PostgreSQL server whose role may create databases; the suite's throw-away server does:
//     bash tests/support/pg.sh start 55440
//     bench_meters --database postgresql://kabinet:kabinet@127.0.0.1:55440/kabinet_test
// (or KABINET_BENCH_DATABASE=postgresql://…). The URL names any database the role can connect to; the
// bench creates its own fresh database kb_bench_<pid> on that server and drops it at the end (kept with
// KABINET_BENCH_KEEP=1, to look at plans). KABINET_BENCH_PARTS=bd measures only some figures (the data of all
// is written anyway). Without a URL it prints that it was skipped and exits 0 (so the `bench` target still
// runs the others). Takes one to two minutes.
// The parts are in meter_bench/: Common.h (what they share), Ingest.cpp (a.), Reads.cpp (b., c.), Http.cpp (d.).
#include "meter_bench/Common.h"

#include <Poco/File.h>

#include <fstream>
#include <iterator>

using namespace kabinet;
using namespace kabinet::bench;

namespace {

/// The measured tenant (vges) copied under `dir`, with request limits far above what one machine can send: the bench
/// measures the stack, and the default of 5,000 requests a second per client would cap part d (the limits are
/// measured by their own tests).
std::string benchTenants(const std::string& dir) {
    const std::string tenants = dir + "/tenants";
    Poco::File(tenants).createDirectories();
    Poco::File(std::string(KABINET_SOURCE_DIR) + "/tenants/vges").copyTo(tenants);
    const std::string script = tenants + "/vges/tenant.lua";
    std::ifstream in(script);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string anchor = "\n  settings = {\n";
    const auto at = text.find(anchor);
    if (at == std::string::npos) throw std::runtime_error("tenants/vges/tenant.lua has no settings table");
    text.insert(at + anchor.size(), "    limits = { requests_per_second_per_client = 1000000, burst_per_client = 1000000,\n"
                                    "               requests_per_second = 1000000, burst = 1000000 },\n");
    std::ofstream(script, std::ios::trunc) << text;
    return tenants;
}

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
        const std::string tenantsDir = benchTenants(dir.path());
        std::map<std::string, std::string> opts = {{"listen", "127.0.0.1:0"}, {"data-dir", dir.path()}, {"database", bdb.url()},
                                                   {"tenants", tenantsDir},
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
        Context c{server, *services, *tenant, tenantId, db, sink, raw, http, parts};
        const auto fleet = ingest(c);
        const Consumer who = profile(c);
        const long long day0 = readings(c, fleet, who);
        overHttp(c, who, day0);
        std::printf("  (whole run %.0f s)\n", secondsSince(t0));
        http.stop(1);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench meters: %s\n", e.what());
        return 1;
    }
}
