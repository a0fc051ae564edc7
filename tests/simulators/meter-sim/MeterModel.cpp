#include "MeterModel.h"

#include <algorithm>
#include <cmath>

namespace kabinet::sim {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kOmega = 2 * kPi / 86400.0;
constexpr long long kDay = 86400;
constexpr long long kT1From = 7 * 3600, kT1To = 23 * 3600; // T1 (day) window, local seconds of day
constexpr double kShape = 0.45;
constexpr double kChannelFactor[4] = {1.0, 0.02, 0.35, 0.04};

/// Weekday factors, 0 = Thursday (the weekday of day 0 of the epoch) ... so index by (day + 4) % 7 = Sun..Sat.
constexpr double kWeekday[7] = {1.20, 1.0, 1.0, 1.0, 1.0, 1.0, 1.15}; // Sun, Mon..Fri, Sat

long long floorDiv(long long a, long long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

std::uint32_t mix(std::uint32_t x) {
    x ^= x >> 16; x *= 0x7feb352dU; x ^= x >> 15; x *= 0x846ca68bU; x ^= x >> 16;
    return x;
}

/// ∫ (1 + kShape·sin(ω(s − 7 h))) ds over local seconds-of-day [a, b), in seconds.
double shapeIntegral(double a, double b) {
    const double c = 7 * 3600.0;
    return (b - a) + kShape * (-std::cos(kOmega * (b - c)) + std::cos(kOmega * (a - c))) / kOmega;
}

/// Part of [a, b) (seconds of day) that falls into the tariff: 1 = T1, 2 = T2, 0 = both.
double tariffIntegral(double a, double b, unsigned tariff) {
    if (b <= a) return 0;
    const double t1 = shapeIntegral(std::max(a, double(kT1From)), std::min(b, double(kT1To)));
    const double t1Part = std::min(b, double(kT1To)) > std::max(a, double(kT1From)) ? t1 : 0.0;
    if (tariff == 1) return t1Part;
    const double all = shapeIntegral(a, b);
    if (tariff == 2) return all - t1Part;
    return all;
}

} // namespace

MeterModel::MeterModel(MeterConfig config) : config_(std::move(config)) {}

long long MeterModel::profileStart() const {
    const long long halfHour = floorDiv(config_.installedAt + 1799, 1800) * 1800;
    const long long period = std::max(1u, config_.profileMin) * 60LL;
    return floorDiv(halfHour + period - 1, period) * period;
}

double MeterModel::powerKw(long long t) const {
    const long long local = t + config_.utcOffsetMin * 60LL;
    const long long day = floorDiv(local, kDay);
    const double sod = double(local - day * kDay);
    const double meterFactor = 0.7 + double(config_.seed % 60) / 100.0;
    return config_.basePowerKw * meterFactor * kWeekday[((day % 7) + 11) % 7] *
           (1 + kShape * std::sin(kOmega * (sod - 7 * 3600.0)));
}

double MeterModel::integralKwh(long long from, long long to, unsigned tariff) const {
    if (to <= from) return 0;
    const long long off = config_.utcOffsetMin * 60LL;
    const double meterFactor = 0.7 + double(config_.seed % 60) / 100.0;
    const double base = config_.basePowerKw * meterFactor / 3600.0; // kWh per second at shape 1
    const long long a = from + off, b = to + off;
    long long dayA = floorDiv(a, kDay), dayB = floorDiv(b, kDay);
    auto wd = [](long long day) { return kWeekday[((day % 7) + 11) % 7]; };
    if (dayA == dayB) return base * wd(dayA) * tariffIntegral(double(a - dayA * kDay), double(b - dayA * kDay), tariff);
    double sum = base * wd(dayA) * tariffIntegral(double(a - dayA * kDay), double(kDay), tariff);
    sum += base * wd(dayB) * tariffIntegral(0, double(b - dayB * kDay), tariff);
    // Full days dayA+1 .. dayB-1: whole weeks at once, then the rest.
    const double fullDay = tariffIntegral(0, double(kDay), tariff);
    long long first = dayA + 1, count = dayB - dayA - 1;
    double weekSum = 0;
    for (double w : kWeekday) weekSum += w;
    sum += base * fullDay * weekSum * double(count / 7);
    for (long long d = first + (count / 7) * 7; d < dayB; ++d) sum += base * fullDay * wd(d);
    return sum;
}

long long MeterModel::energyWh(Channel channel, unsigned tariff, long long t) const {
    if (tariff > 2) return 0; // T3, T4 unused by this meter's tariff programme
    if (tariff == 0) return energyWh(channel, 1, t) + energyWh(channel, 2, t);
    const double factor = kChannelFactor[static_cast<int>(channel)];
    // The register did not start at zero: a meter-specific reading at installation, 70 % in T1.
    const double initialKwh = double(mix(config_.seed * 2654435761U + 17U) % 4000000U) / 1000.0;
    const double initial = initialKwh * (tariff == 1 ? 0.7 : 0.3);
    const double kwh = initial + (t > config_.installedAt ? integralKwh(config_.installedAt, t, tariff) : 0.0);
    return static_cast<long long>(std::floor(kwh * factor * 1000.0));
}

long long MeterModel::intervalWh(Channel channel, long long start, unsigned lengthS) const {
    return energyWh(channel, 0, start + lengthS) - energyWh(channel, 0, start);
}

Instant MeterModel::instant(long long t) const {
    Instant v;
    const double ripple = 1 + 0.03 * std::sin(double(t) / 97.0);
    const double pTotal = powerKw(t) * ripple;
    const double shares3[3] = {0.36, 0.33, 0.31};
    const double shares1[3] = {1.0, 0.0, 0.0};
    const double* shares = config_.phases >= 3 ? shares3 : shares1;
    double qSum = 0, sSum = 0;
    for (int ph = 0; ph < 3; ++ph) {
        const bool present = config_.phases >= 3 || ph == 0;
        v.u[ph] = present ? std::round((229.0 + 3.0 * std::sin(double(t) / 300.0 + ph * 2.1)) * 100) / 100 : 0;
        const double pf = std::round((0.94 + 0.02 * std::sin(double(t) / 451.0 + ph)) * 1000) / 1000;
        const double p = pTotal * shares[ph];
        v.p[ph + 1] = p;
        v.pf[ph + 1] = present ? pf : 0;
        v.s[ph + 1] = present ? p / pf : 0;
        v.q[ph + 1] = present ? std::sqrt(std::max(0.0, v.s[ph + 1] * v.s[ph + 1] - p * p)) : 0;
        v.i[ph] = present && v.u[ph] > 0 ? v.s[ph + 1] * 1000.0 / v.u[ph] : 0;
        qSum += v.q[ph + 1];
        sSum += v.s[ph + 1];
    }
    v.p[0] = pTotal;
    v.q[0] = qSum;
    v.s[0] = sSum;
    v.pf[0] = sSum > 0 ? pTotal / sSum : 1.0;
    v.f = std::round((50.0 + 0.02 * std::sin(double(t) / 60.0)) * 100) / 100;
    for (int k = 0; k < 3; ++k) v.angle[k] = config_.phases >= 3 ? 120.0 : 0.0;
    return v;
}

std::vector<SimEvent> MeterModel::events(long long from, long long to) const {
    std::vector<SimEvent> out;
    from = std::max(from, config_.installedAt);
    if (to <= from) return out;
    const long long off = config_.utcOffsetMin * 60LL;
    const long long dayFirst = floorDiv(from + off, kDay) - 1, dayLast = floorDiv(to + off, kDay);
    const unsigned s = config_.seed;
    for (long long d = dayFirst; d <= dayLast; ++d) {
        const long long midnight = d * kDay - off; // UTC of local midnight
        const std::uint32_t h = mix(std::uint32_t(d) * 0x9E3779B9U ^ s);
        auto add = [&](long long ts, int kind, unsigned phase) {
            if (ts >= from && ts < to) out.push_back({ts, kind, phase});
        };
        if ((d + s) % 3 == 0) {
            const long long t0 = midnight + 2 * 3600 + h % 3600;
            add(t0, EvPowerOff, 0);
            add(t0 + 300 + (h >> 12) % 1500, EvPowerOn, 0);
        }
        if (config_.phases >= 3 && (d + s) % 7 == 0) {
            const long long t0 = midnight + 14 * 3600 + (h >> 4) % 1800;
            add(t0, EvPhaseOff, 2);
            add(t0 + 600, EvPhaseOn, 2);
        }
        if ((d + s) % 11 == 0) {
            const long long t0 = midnight + 10 * 3600 + (h >> 8) % 1800;
            add(t0, EvCoverOpen, 0);
            add(t0 + 900, EvCoverClose, 0);
        }
        if ((d + s) % 17 == 0) add(midnight + 20 * 3600 + (h >> 16) % 1800, EvMagneticField, 0);
        if ((d + s) % 29 == 0) add(midnight + 3 * 3600 + (h >> 20) % 600, EvFirmwareIntegrity, 0);
    }
    std::sort(out.begin(), out.end(), [](const SimEvent& a, const SimEvent& b) {
        return a.ts != b.ts ? a.ts < b.ts : a.kind < b.kind;
    });
    return out;
}

} // namespace kabinet::sim
