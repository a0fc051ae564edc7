// The read replica: a PostgreSQL streaming standby made with pg_basebackup -R from the test server
// (tests/support/pg_replica.sh). Heavy reads are served by it — shown by a stale answer while its replay is
// paused —, a replica behind by more than the bound hands the reads to the primary (fresh data, counted in
// the metrics), it takes them back once it catches up, and reads keep working when it is killed. kabinetd with
// --database-replica shows the same in /metrics and its log.
// SQLite has no streaming replica: on that backend the test says so and passes without running.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "SeededDatabase.h"
#include "TestContext.h"
#include "meters/MeterRegistry.h"
#include "meters/PointReadStore.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "storage/Replica.h"
#include "tenants/TenantRegistry.h"

#include <Poco/URI.h>

#include <chrono>
#include <functional>
#include <thread>

using namespace kabinet;

namespace {

/// The streaming replica of the test server, on a port of its own; removed when destroyed.
class ReplicaCluster {
public:
    ReplicaCluster() : port_(test::freePort()) {
        primaryPort_ = Poco::URI(std::getenv("KABINET_TEST_PG") ? std::getenv("KABINET_TEST_PG") : "postgresql://x@127.0.0.1:55439").getPort();
        run({"start", std::to_string(primaryPort_), std::to_string(port_)});
    }
    ~ReplicaCluster() {
        std::string out;
        test::runProgram({"/bin/bash", script(), "stop", std::to_string(port_)}, out);
    }
    void run(const std::vector<std::string>& args) {
        std::vector<std::string> argv{"/bin/bash", script()};
        argv.insert(argv.end(), args.begin(), args.end());
        std::string out;
        const int rc = test::runProgram(argv, out);
        INFO(out);
        REQUIRE(rc == 0);
    }
    void pause() { run({"pause", std::to_string(port_)}); }
    void resume() { run({"resume", std::to_string(port_)}); }
    void kill() { run({"kill", std::to_string(port_)}); }
    /// The URL of `primaryUrl`'s database on the replica.
    std::string urlOf(const std::string& primaryUrl) const {
        Poco::URI u(primaryUrl);
        u.setPort(port_);
        return u.toString();
    }

private:
    static std::string script() { return test::sourceDir() + "/tests/support/pg_replica.sh"; }
    unsigned short port_;
    unsigned short primaryPort_ = 0;
};

/// Polls `ok` (after a check of the replica) for at most `seconds`.
bool eventually(Replica& r, const std::function<bool()>& ok, int seconds = 20) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
        r.checkNow();
        if (ok()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

/// The value of a series in Prometheus text ("name{labels} value"), or -1.
double series(const std::string& text, const std::string& name) {
    const auto at = text.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + name.size() + 2));
}

} // namespace

TEST_CASE("heavy reads go to the streaming replica; lagging or dead, the primary serves them", "[replica]") {
    if (test::backend() != "postgresql") {
        WARN("skipped on SQLite: a read replica is a PostgreSQL streaming standby (pg_basebackup); SQLite has no replication");
        return;
    }
    ReplicaCluster cluster;
    test::SeededDatabase seeded;
    Database& db = seeded.db;
    TenantRegistry& tenants = seeded.tenants;
    MeterRegistry reg(db);
    MeteringPoint p;
    p.name = "Точка реплики";
    p.number = "REPL-1";
    const std::string point = reg.upsertPoint("vges", p);
    Meter m;
    m.pointId = point;
    m.model = "Меркурий 230";
    m.serial = "77001";
    const std::string meter = reg.upsertMeter("vges", m);
    auto addTransformer = [&](const std::string& phase) {
        Transformer t;
        t.meterId = meter;
        t.kind = "current";
        t.phase = phase;
        t.model = "ТОП-0,66";
        t.serial = "T-" + phase;
        t.ratio = "100/5";
        reg.upsertTransformer("vges", t);
    };
    addTransformer("A");

    const auto maxLag = std::chrono::milliseconds(3000);
    db.attachReplica(cluster.urlOf(seeded.fresh.url()), 2, maxLag);
    Replica& replica = *db.replica();
    PointReadStore reads(db);
    auto transformers = [&] { return reads.transformers("vges", meter)->size(); };
    auto metric = [&](const std::string& name) { return series(db.metricsText(), name); };

    // Caught up: reads are served by the replica and see what the primary wrote.
    REQUIRE(eventually(replica, [&] { return replica.usable() && transformers() == 1; }));
    const double servedBefore = metric("kabinet_db_replica_reads_total");
    for (int i = 0; i < 5; ++i) CHECK(transformers() == 1);
    CHECK(metric("kabinet_db_replica_reads_total") >= servedBefore + 5);

    // Replay paused: a write on the primary is not on the replica, and within the bound reads still go there —
    // the stale answer shows who served it.
    cluster.pause();
    addTransformer("B");
    replica.checkNow();
    CHECK(transformers() == 1);
    CHECK(reads.visibleMeter("vges", Viewer{"", true}, point) == meter); // visibility is always the primary's

    // Behind by more than the bound: the primary serves, with the fresh row; counted as a lag fallback.
    REQUIRE(eventually(replica, [&] { return !replica.usable(); }, 30));
    CHECK(replica.lagSeconds() * 1000 > static_cast<double>(maxLag.count()));
    const double lagFallbacks = metric("kabinet_db_replica_fallbacks_total{reason=\"lag\"}");
    CHECK(transformers() == 2);
    CHECK(metric("kabinet_db_replica_fallbacks_total{reason=\"lag\"}") == lagFallbacks + 1);
    CHECK(db.metricsText().find("kabinet_db_replica_up{state=\"lagging\"} 0") != std::string::npos);

    // Replay resumed: the replica catches up and serves again.
    cluster.resume();
    REQUIRE(eventually(replica, [&] { return replica.usable(); }));
    const double served = metric("kabinet_db_replica_reads_total");
    CHECK(transformers() == 2);
    CHECK(metric("kabinet_db_replica_reads_total") == served + 1);

    // Killed: the read in hand falls back at once, the next ones go to the primary; nothing fails.
    cluster.kill();
    CHECK(transformers() == 2);
    REQUIRE(eventually(replica, [&] { return !replica.usable(); }));
    for (int i = 0; i < 3; ++i) CHECK(transformers() == 2);
    CHECK(metric("kabinet_db_replica_fallbacks_total{reason=\"down\"}") >= 3);
    CHECK(db.metricsText().find("kabinet_db_replica_up{state=\"down\"} 0") != std::string::npos);
}

TEST_CASE("kabinetd --database-replica reports the replica in /metrics and its log, and keeps serving when it dies", "[replica]") {
    if (test::backend() != "postgresql") {
        WARN("skipped on SQLite: a read replica is a PostgreSQL streaming standby (pg_basebackup); SQLite has no replication");
        return;
    }
    ReplicaCluster cluster;
    test::FreshDatabase fresh;
    {
        // The database must exist on the replica before the server opens it there: create its schema first.
        Database db(fresh.url(), 1);
        Migrator(db).migrate();
    }
    test::KabinetdProcess server(fresh.url(), {"--database-replica", cluster.urlOf(fresh.url()), "--replica-max-lag-ms", "2000"});
    auto metrics = [&] { return server.request("GET", "/metrics").body; };
    auto waitFor = [&](const std::function<bool()>& ok) {
        for (int i = 0; i < 200 && !ok(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return ok();
    };
    REQUIRE(waitFor([&] { return metrics().find("kabinet_db_replica_up{state=\"up\"} 1") != std::string::npos; }));
    CHECK(server.logs().find("replica serving reads") != std::string::npos);

    cluster.kill();
    REQUIRE(waitFor([&] { return metrics().find("kabinet_db_replica_up{state=\"down\"} 0") != std::string::npos; }));
    CHECK(server.logs().find("replica down: reads go to the primary") != std::string::npos);
    CHECK(server.request("GET", "/healthz").status == 200);
}
