// PollingRules: the grid of a schedule in the tenant's local time, windows (also across midnight) and the
// back-off after failures.
#include <catch2/catch.hpp>

#include "polling/PollingRules.h"

using namespace kabinet;

namespace {
constexpr long long kMsk = 3 * 3600;
constexpr long long kDay0 = 1767225600 - kMsk; // 2026-01-01 00:00 Moscow time, as UTC

PollingRules::Schedule every(long long minutes, long long delayMin = 0, int from = -1, int to = -1) {
    PollingRules::Schedule s;
    s.name = "s";
    s.items = 1;
    s.everyS = minutes * 60;
    s.delayS = delayMin * 60;
    s.windowFromMin = from;
    s.windowToMin = to;
    return s;
}
} // namespace

TEST_CASE("a schedule runs on its grid, aligned to local midnight, after its delay", "[polling]") {
    const auto half = every(30, 2);
    CHECK(PollingRules::nextRun(half, kDay0, kMsk) == kDay0 + 120);
    CHECK(PollingRules::nextRun(half, kDay0 + 120, kMsk) == kDay0 + 1800 + 120);
    CHECK(PollingRules::nextRun(half, kDay0 + 1000, kMsk) == kDay0 + 1800 + 120);
    const auto daily = every(1440, 30);
    CHECK(PollingRules::nextRun(daily, kDay0 + 3600, kMsk) == kDay0 + 86400 + 1800);
}

TEST_CASE("a schedule keeps to its window, also across midnight", "[polling]") {
    const auto night = every(60, 0, 22 * 60, 6 * 60);
    // 10:15 → the window opens at 22:00.
    CHECK(PollingRules::nextRun(night, kDay0 + 10 * 3600 + 900, kMsk) == kDay0 + 22 * 3600);
    // 23:10 → midnight is inside the window.
    CHECK(PollingRules::nextRun(night, kDay0 + 23 * 3600 + 600, kMsk) == kDay0 + 86400);
    // 05:30 → 06:00 is outside: next night at 22:00.
    CHECK(PollingRules::nextRun(night, kDay0 + 5 * 3600 + 1800, kMsk) == kDay0 + 22 * 3600);
    const auto day = every(120, 0, 9 * 60, 18 * 60);
    CHECK(PollingRules::nextRun(day, kDay0 + 17 * 3600, kMsk) == kDay0 + 86400 + 10 * 3600);
}

TEST_CASE("failures back off geometrically up to the ceiling", "[polling]") {
    PollingRules r;
    r.retryFirstS = 60;
    r.retryFactor = 2;
    r.retryMaxS = 600;
    CHECK(r.retryAt(1, 1000) == 1060);
    CHECK(r.retryAt(2, 1000) == 1120);
    CHECK(r.retryAt(4, 1000) == 1480);
    CHECK(r.retryAt(5, 1000) == 1600);
    CHECK(r.retryAt(60, 1000) == 1600);
}
