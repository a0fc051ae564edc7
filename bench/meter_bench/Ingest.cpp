// a. Ingest: the sink against a raw COPY of the same rows (see meter_bench.cpp).
#include "meter_bench/Common.h"

namespace kabinet::bench {

std::vector<PointMeter> ingest(Context& c) {
    [[maybe_unused]] Services* services = &c.services;
    const std::string& tenantId = c.tenantId;
    Database& db = c.db;
    MeterDataSink& sink = c.sink;
    Pg& raw = c.raw;
    auto part = [&](char p) { return c.part(p); };
    auto t = Clock::now();
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
    if (!part('a')) return fleet;
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
    return fleet;
}

} // namespace kabinet::bench
