#pragma once
/// One meter's demo data (SPEC §2.3), written through MeterDataSink: half-hourly power profile along the
/// meter's load curve, daily and monthly cumulative registers in two tariff zones that grow by exactly the
/// profile's energy, event journals (power, clock, voltage, tamper) and hourly network values of the last
/// two days. A meter that is not smart gets the monthly registers only.
#include "demo/Roster.h"

#include <cstdint>
#include <string>

namespace kabinet {
class MeterDataSink;
struct DemoStats;
} // namespace kabinet

namespace kabinet::demo {

/// Generates the series of one meter over [start, end) (`offset`: the tenant's seconds east of UTC) day by
/// day and writes it month by month; adds what was written to `stats`. Deterministic given `seed`.
void writeSeries(MeterDataSink& sink, const std::string& tenant, const std::string& meterId, const MeterSpec& spec, int offset,
                 long long start, long long end, uint64_t seed, DemoStats& stats);

} // namespace kabinet::demo
