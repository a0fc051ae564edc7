// Polling throughput: 1,000 simulated meters behind 50 TCP gateways (kabinet-meter-sim in its own process),
// polled by the scheduler with its database leases, driver plugins and sink, as kabinetd does.
//
//   bench_polling [--protocol mercury|iec|dlms] [--gateways 50] [--meters 20] [--sessions 16]
//                 [--database URL]   (default: a SQLite file in a temporary folder)
//
// Prints meters polled per minute (steady state: the profile cursor an hour back, so each poll reads the
// current registers, instantaneous values, two profile intervals, journals and snapshots) and the CPU time
// this process spent per meter poll (scheduler, driver, database writes; the simulator's CPU not counted).
// The per-gateway limit makes one dialogue per bus, so with 50 gateways at most 50 dialogues run at once.
#include "demo/DemoPolling.h"
#include "plugins/PluginHost.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "polling/PollStore.h"
#include "polling/Scheduler.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "tenants/TenantRegistry.h"
#include "util/Log.h"

#include <Poco/File.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Path.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/TemporaryFile.h>

#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <thread>

using namespace kabinet;

namespace {
double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
} // namespace

int main(int argc, char** argv) {
    std::string protocol = "mercury", database;
    unsigned gateways = 50, perGateway = 20, sessions = 16;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--protocol") protocol = v;
        else if (a == "--gateways") gateways = std::stoul(v);
        else if (a == "--meters") perGateway = std::stoul(v);
        else if (a == "--sessions") sessions = std::stoul(v);
        else if (a == "--database") database = v;
        else {
            std::cerr << "unknown option " << a << "\n";
            return 2;
        }
    }
    const std::string driver = protocol == "iec" ? "iec62056-21" : protocol;
    log::setLevel("error");
    Poco::Path dir(Poco::Path::temp());
    dir.pushDirectory("kabinet-bench-polling-" + std::to_string(::getpid()));
    Poco::File(dir).createDirectories();
    if (database.empty()) database = "sqlite://" + dir.toString() + "bench.db";

    // The simulator, in its own process.
    Poco::Pipe outPipe;
    Poco::Process::Args simArgs = {"--protocol", protocol, "--gateways", std::to_string(gateways), "--meters",
                                   std::to_string(perGateway), "--first-address", "17", "--installed-days", "30"};
    Poco::Pipe inPipe;
    auto sim = Poco::Process::launch(KABINET_METER_SIM, simArgs, &inPipe, &outPipe, nullptr);
    Poco::PipeInputStream simOut(outPipe);
    std::string line;
    std::getline(simOut, line);
    auto layout = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();

    Database db(database, 8);
    Migrator(db).migrate();
    TenantRegistry tenants(std::string(KABINET_SOURCE_DIR) + "/tenants", std::string(KABINET_SOURCE_DIR) + "/scripts", LuaLimits{});
    PluginHost plugins(KABINET_PLUGIN_OUT);
    PollStore store(db, "bench");
    MeterRegistry reg(db);
    const std::string tenant = "voek";
    const long long now = static_cast<long long>(std::time(nullptr));
    MeterDataBatch cursorRows;
    unsigned meters = 0;
    const auto setupStart = std::chrono::steady_clock::now();
    for (const auto& gv : *layout->getArray("gateways")) {
        auto g = gv.extract<Poco::JSON::Object::Ptr>();
        const std::string gid = "gw-" + std::to_string(g->getValue<unsigned>("port"));
        store.upsertGateway(tenant, gid, "127.0.0.1", g->getValue<unsigned>("port"), "");
        for (const auto& mv : *g->getArray("meters")) {
            auto m = mv.extract<Poco::JSON::Object::Ptr>();
            const std::string serial = m->getValue<std::string>("serial");
            const unsigned address = m->getValue<unsigned>("address");
            const std::string point = reg.upsertPoint(tenant, {"", "", "", "Bench " + serial, "B-" + serial, "electricity", "", "", "", "T2", std::nullopt});
            Meter meter;
            meter.pointId = point;
            meter.model = driver;
            meter.serial = serial;
            meter.smart = true;
            const std::string id = reg.upsertMeter(tenant, meter);
            store.linkMeter(tenant, id, gid, driver, simulatedMeterSettings(driver, address, serial));
            // Steady state: the profile and the journals were read up to an hour ago.
            ProfileRow p;
            p.meterId = id;
            p.ts = (now / 1800) * 1800 - 3600;
            p.pPlus = 1.0;
            cursorRows.profile.push_back(p);
            EventRow e;
            e.meterId = id;
            e.tsStart = now - 3600;
            e.code = "bench";
            e.category = "other";
            e.text = "bench";
            cursorRows.events.push_back(e);
            ReadingRow r;
            r.meterId = id;
            r.ts = now - 3600;
            r.kind = "billing";
            r.total = 1;
            cursorRows.readings.push_back(r);
            ++meters;
        }
    }
    MeterDataSink(db).write(tenant, cursorRows);
    std::cout << "bench_polling: " << meters << " " << protocol << " meters behind " << gateways << " gateways, " << sessions
              << " sessions, " << db.backendName() << " (set-up "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - setupStart).count() << " s)\n";

    SchedulerOptions o;
    o.sessions = sessions;
    o.tickMs = 20;
    o.owner = "bench";
    Scheduler scheduler(db, tenants, plugins, o);
    auto countOk = [&] {
        long long n = 0;
        db.read([&](soci::session& s) { s << "SELECT COUNT(DISTINCT meter_id) FROM poll_log WHERE outcome = 'ok'", soci::into(n); });
        return n;
    };
    const double cpu0 = cpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    scheduler.start();
    const auto deadline = t0 + std::chrono::minutes(10);
    long long done = 0;
    while (std::chrono::steady_clock::now() < deadline && (done = static_cast<long long>(scheduler.polled() + scheduler.failed())) < meters)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = cpuSeconds() - cpu0;
    scheduler.stop();
    const long long ok = countOk();
    std::cout << std::fixed << std::setprecision(1) << "  polled " << done << " meters (" << ok << " ok, " << scheduler.failed()
              << " failed) in " << wall << " s\n"
              << "  meters polled per minute: " << std::setprecision(0) << double(done) / wall * 60 << "\n"
              << std::setprecision(2) << "  CPU per meter poll: " << cpu / double(std::max<long long>(done, 1)) * 1000 << " ms (this process)\n";
    inPipe.close();
    Poco::Process::kill(sim);
    Poco::File(dir).remove(true);
    return ok == meters ? 0 : 1;
}
