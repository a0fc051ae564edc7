#pragma once
/// The arithmetic of the point views, free of storage: cumulative registers → consumption per period,
/// the forecast to the end of the billing period, local month starts, and power-profile intervals merged
/// into longer ones.
#include <optional>
#include <string>
#include <vector>

namespace kabinet {

constexpr long long kDaySeconds = 86400;

/// A cumulative register reading: its moment and values (total, t1..t4).
struct Register {
    long long ts = 0;            ///< Unix seconds
    std::optional<double> v[5];  ///< total, t1..t4
};

/// The latest register at or before ts (within two days), or null. `regs` is oldest first.
const Register* registerAt(const std::vector<Register>& regs, long long ts);

/// Consumption between two registers for value i (0 total, 1..4 t1..t4): b − a, never negative; nullopt when
/// either is missing.
std::optional<double> consumptionBetween(const Register* a, const Register* b, int i);

/// Start (UTC) of the local month containing ts (zone offset `off` seconds), moved `delta` months.
long long monthStart(long long ts, int off, int delta = 0);

/// Start (UTC) of the local week (Monday) containing the local midnight `ts`.
long long weekStart(long long ts, int off);

/// The forecast of the current billing period: consumption so far, days passed and in total, the forecast
/// (average daily use over the span the two readings really cover, times the period's days; nullopt when
/// under a day is covered) and last year's use of the same month.
struct Forecast {
    long long periodStart = 0;                          ///< the current period's (local month's) start, UTC
    std::optional<double> consumed, forecast, lastYear; ///< kWh; nullopt where not known
    double daysPassed = 0, daysTotal = 0;               ///< days of the period elapsed, and in all
};

/// Use of the local month starting at `start` (until `now` if it is the current one).
std::optional<double> monthUse(const std::vector<Register>& regs, long long start, long long now, int off);

/// The forecast at `now` from the registers (which must reach back to the period's start − 2 days).
Forecast forecastAt(const std::vector<Register>& regs, long long now, int off);

/// Power-profile intervals: start, length in minutes and the four average powers (NaN where absent).
struct ProfileRows {
    std::vector<long long> ts, minutes; ///< start (Unix seconds) and length of each interval
    std::vector<double> v[4];           ///< P+, P−, Q+, Q− of each interval, NaN where absent
    /// Appends an interval: start, minutes, the four powers.
    void add(long long t, long long m, const double (&x)[4]) {
        ts.push_back(t);
        minutes.push_back(m);
        for (int k = 0; k < 4; ++k) v[k].push_back(x[k]);
    }
    /// Room for n intervals.
    void reserve(std::size_t n) {
        ts.reserve(n);
        minutes.reserve(n);
        for (auto& x : v) x.reserve(n);
    }
    std::size_t size() const { return ts.size(); } ///< the number of intervals
};

/// Intervals merged into intervals of `target` minutes aligned to the local hour (or half hour): the average
/// power of each is the energy of its parts over its length, Σ(Pᵢ·Δtᵢ) / T; a value is left out (NaN) unless
/// parts with that value cover the whole interval.
ProfileRows aggregateProfile(const ProfileRows& in, int target, int offset);

} // namespace kabinet
