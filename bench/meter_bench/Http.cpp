// d. A logged-in consumer's latest readings over HTTP, beside pgbench -S (see meter_bench.cpp).
#include "meter_bench/Common.h"

namespace kabinet::bench {

void overHttp(Context& c, const Consumer& who, long long day0) {
    Services* services = &c.services;
    Tenant* tenant = &c.tenant;
    const std::string& tenantId = c.tenantId;
    MeterDataSink& sink = c.sink;
    HttpServer& http = c.http;
    const std::string& server = c.server;
    auto part = [&](char p) { return c.part(p); };
    const PointMeter& one = who.one;
    const std::string& base = who.base;
    const std::string& consumerId = who.consumerId;
    Poco::Net::HTTPClientSession client("127.0.0.1", http.port());
    client.setKeepAlive(true);
    {
        MeterDataBatch b; // the consumer's meter gets a month and a bit of daily readings
        for (int d = 0; d <= 40; ++d)
            b.readings.push_back({one.second, day0 + d * 86400LL, "latest", "A+", 1500.0 + d * 11.75, 1000.0 + d * 8.5, 500.0 + d * 3.25,
                                  std::nullopt, std::nullopt, "driver"});
        sink.write(tenantId, b);
    }
    const std::string pointsPath = base + "points", readingsPath = base + "points/" + one.first + "/readings";
    for (const auto& path : {pointsPath, readingsPath}) {
        auto a = call(client, "GET", path, "", who.cookie);
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
    const double httpUs = perCall([&] { call(client, "GET", readingsPath, "", who.cookie); });
    const double sessionUs = perCall([&] { services->identity->resolveSession(*tenant, who.cookie); });
#if KABINET_BENCH_BATCH
    const double serviceUs = perCall([&] { services->meters->readingsText(*tenant, consumerSession, one.first, Query{}); });
#else
    const double serviceUs = perCall([&] {
        std::ostringstream out;
        services->meters->readings(*tenant, consumerSession, one.first, Query{})->stringify(out);
    });
#endif
    const double pointsUs = perCall([&] { call(client, "GET", pointsPath, "", who.cookie); });
    const double pointsServiceUs = perCall([&] { services->meters->points(*tenant, consumerSession); });
    MeterService uncached(c.db, std::chrono::milliseconds(0)); // --point-cache-ms 0: the list and the readings read each time
    const double pointsUncachedUs = perCall([&] { uncached.points(*tenant, consumerSession); });
    // Requests per second of `clients` kept-alive connections for `seconds`, driven as pgbench -j 2 drives its
    // clients: two threads, each with half of the connections, sending on each as soon as its answer is in.
    auto httpRate = [&](const std::string& path, int clients, double seconds) {
        std::atomic<long long> done{0};
        std::atomic<bool> failed{false};
        std::vector<std::thread> threads;
        const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
        const auto began = Clock::now();
        const int jobs = std::min(2, clients);
        for (int j = 0; j < jobs; ++j)
            threads.emplace_back([&, j] {
                try {
                    std::vector<std::unique_ptr<LeanClient>> conns;
                    for (int c = j; c < clients; c += jobs) conns.push_back(std::make_unique<LeanClient>(http.port(), path, who.cookie));
                    std::vector<pollfd> fds;
                    for (auto& c : conns) {
                        if (!c->send()) throw std::runtime_error("send");
                        fds.push_back({c->fd(), POLLIN, 0});
                    }
                    long long n = 0;
                    std::size_t busy = conns.size();
                    while (busy > 0) {
                        if (::poll(fds.data(), fds.size(), 5000) <= 0) throw std::runtime_error("no answer within 5 s");
                        const bool more = Clock::now() < until;
                        for (std::size_t i = 0; i < fds.size(); ++i) {
                            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                            if (const int st = conns[i]->receive(); st != 200) throw std::runtime_error("status " + std::to_string(st));
                            ++n;
                            if (more && conns[i]->send()) continue;
                            fds[i].fd = -1; // done (or broken: the next poll would not tell)
                            --busy;
                        }
                    }
                    done += n;
                } catch (const std::exception& e) {
                    std::fprintf(stderr, "latest readings over HTTP: %s\n", e.what());
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
    std::vector<double> pgbTps, pointsRates, readingsRates, floorRates;
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
            floorRates.push_back(httpRate("/healthz", clients, seconds));
        }
    }
    std::printf("d. a logged-in consumer's latest readings over HTTP (%d kept-alive connections driven by 2 threads, %.0f s a run), beside "
                "pgbench -S (%d clients, -j 2) on the same server, median of 3 alternating runs\n",
                clients, seconds, clients);
    if (!havePgbench) {
        std::printf("  skipped: %s\n", part('d') ? (pgbench + " not found (postgresql-15 package)").c_str() : "not asked for");
    } else {
        std::printf("  one client: GET …/readings %.0f µs (session %.0f µs, MeterService::readingsText %.0f µs in process); "
                    "GET …/points %.0f µs (MeterService::points %.0f µs; %.0f µs with nothing kept)\n",
                    httpUs, sessionUs, serviceUs, pointsUs, pointsServiceUs, pointsUncachedUs);
        const double tps = median(pgbTps), pts = median(pointsRates), rds = median(readingsRates), floor = median(floorRates);
        std::printf("  pgbench -S (select-only, simple protocol):   %10.0f tps\n", tps);
        std::printf("  GET …/points (points with latest readings):  %10.0f req/s\n", pts);
        std::printf("  GET …/points/{id}/readings (a month, latest):%10.0f req/s\n", rds);
        std::printf("  GET /healthz (no session, one SELECT 1):     %10.0f req/s\n", floor);
        printRatio("ratio points/pgbench:", pts / tps, "(target >= 0.40)");
        printRatio("ratio readings/pgbench:", rds / tps, "");
        printRatio("ratio healthz/pgbench (one query's hops):", floor / tps, "");
    }
}

} // namespace kabinet::bench
