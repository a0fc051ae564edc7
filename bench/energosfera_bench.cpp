// XML 80020 import throughput: a month of daily files for N measuring points (tests/simulators/gen80020.py)
// imported from a drop folder through the connector hub and the energosfera plugin as kabinetd runs them
// (read and check each windows-1251 file, records to the host, devices mapped to meters, rows through
// MeterDataSink in batches, per-file results kept), against MeterDataSink::write of the same profile rows in
// batches of 5,000 (the rows built before the clock starts) — each run on an emptied profile table; three
// alternating runs, medians; rows/s and the ratio.
//
//   bench_energosfera [--database URL] [--points N] [--days D]
// URL defaults to KABINET_BENCH_DATABASE, else a SQLite file in a temporary folder. N 50, D 31.
#include "connectors/ConnectorHub.h"
#include "connectors/FileImports.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "plugins/PluginHost.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "tenants/TenantRegistry.h"
#include "util/SecretBox.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

using namespace kabinet;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double seconds(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

} // namespace

int main(int argc, char** argv) {
    std::string url = std::getenv("KABINET_BENCH_DATABASE") ? std::getenv("KABINET_BENCH_DATABASE") : "";
    int points = 50, days = 31;
    for (int i = 1; i + 1 < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--database") url = argv[i + 1];
        if (a == "--points") points = std::max(1, std::atoi(argv[i + 1]));
        if (a == "--days") days = std::max(1, std::atoi(argv[i + 1]));
    }
    try {
        Poco::TemporaryFile temp;
        temp.createDirectories();
        const std::string dir = temp.path();
        if (url.empty()) url = "sqlite://" + dir + "/bench.db";
        Database db(url, 4);
        Migrator(db).migrate();
        db.transaction([](soci::session& s) {
            s << "DELETE FROM profile WHERE tenant_id = 'sigma'";
            s << "DELETE FROM connector_files WHERE tenant_id = 'sigma'";
            s << "DELETE FROM connector_devices WHERE tenant_id = 'sigma'";
        });
        // the points, numbered by the generator's default codes
        const std::string master = dir + "/files", truthFile = dir + "/truth.json";
        const std::string cmd = std::string("/usr/bin/python3 ") + KABINET_SOURCE_DIR + "/tests/simulators/gen80020.py --out " + master +
                                " --truth " + truthFile + " --from 2026-10-01 --days " + std::to_string(days) + " --points " +
                                std::to_string(points) + " --channels 01,02 > /dev/null";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("the generator failed");
        std::ifstream in(truthFile);
        auto truth = Poco::JSON::Parser().parse(in).extract<Poco::JSON::Object::Ptr>();
        MeterRegistry reg(db);
        MeterDataBatch all;
        auto profile = truth->getObject("profile");
        for (const auto& [code, v] : *profile) {
            const std::string point = reg.upsertPoint("sigma", {"", "", "", "Точка " + code, code, "electricity", "", "", "", "T1", std::nullopt});
            Meter m;
            m.pointId = point;
            m.model = "bench";
            m.serial = "B" + code;
            const std::string meter = reg.upsertMeter("sigma", m);
            auto rows = profile->getArray(code);
            for (std::size_t i = 0; i < rows->size(); ++i) {
                auto r = rows->getArray(static_cast<unsigned>(i));
                all.profile.push_back({meter, r->getElement<long long>(0), 30, r->getElement<double>(1), r->getElement<double>(2), std::nullopt,
                                       std::nullopt});
            }
        }
        const double rows = static_cast<double>(all.profile.size());
        TenantRegistry tenants(std::string(KABINET_SOURCE_DIR) + "/tenants", std::string(KABINET_SOURCE_DIR) + "/scripts", LuaLimits{});
        PluginHost plugins(KABINET_PLUGIN_OUT);
        const std::string drop = dir + "/drop";
        fs::create_directories(drop);
        ConnectorHubOptions o;
        o.connectorsJson = R"({"sigma":{"energosfera":{"drop_dir":")" + drop + R"(","min_age_s":0}}})";
        o.owner = "bench";
        ConnectorHub hub(db, tenants, plugins, SecretBox(std::string(32, '\x11')), o);
        FileImports files(db, hub);
        auto tenant = tenants.find("sigma");
        if (!tenant) throw std::runtime_error("tenant sigma is not loaded");
        MeterDataSink sink(db);
        auto clear = [&] {
            db.transaction([](soci::session& s) {
                s << "DELETE FROM profile WHERE tenant_id = 'sigma'";
                s << "DELETE FROM connector_files WHERE tenant_id = 'sigma'";
            });
        };
        std::vector<double> imported, raw;
        for (int run = 0; run < 3; ++run) {
            clear();
            fs::remove_all(drop);
            fs::create_directories(drop);
            for (const auto& e : fs::directory_iterator(master)) fs::copy_file(e.path(), drop + "/" + e.path().filename().string());
            auto t0 = Clock::now();
            const auto outcome = hub.run(*tenant, "energosfera", "tenant", "drop_folder", "{}", static_cast<long long>(std::time(nullptr)));
            imported.push_back(rows / seconds(t0));
            if (!outcome.ok) throw std::runtime_error("import failed: " + outcome.error);
            clear();
            t0 = Clock::now();
            for (std::size_t i = 0; i < all.profile.size(); i += 5000) {
                MeterDataBatch b;
                b.profile.assign(all.profile.begin() + static_cast<long>(i),
                                 all.profile.begin() + static_cast<long>(std::min(all.profile.size(), i + 5000)));
                sink.write("sigma", b);
            }
            raw.push_back(rows / seconds(t0));
        }
        const double a = median(imported), b = median(raw);
        std::printf("bench energosfera (%s): %d points × %d days, %.0f profile rows (2 channels)\n", db.backendName(), points, days, rows);
        std::printf("  80020 import (drop folder → plugin → hub → sink): %10.0f rows/s\n", a);
        std::printf("  MeterDataSink::write of the same rows (raw):      %10.0f rows/s\n", b);
        std::printf("  ratio import / raw: %.2f\n", a / b);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench energosfera: %s\n", e.what());
        return 1;
    }
}
