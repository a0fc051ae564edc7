#include "meters/RegisterMath.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace kabinet {

const Register* registerAt(const std::vector<Register>& regs, long long ts) {
    auto it = std::upper_bound(regs.begin(), regs.end(), ts, [](long long v, const Register& r) { return v < r.ts; });
    if (it == regs.begin()) return nullptr;
    --it;
    return ts - it->ts <= 2 * kDaySeconds ? &*it : nullptr;
}

std::optional<double> consumptionBetween(const Register* a, const Register* b, int i) {
    if (!a || !b || !a->v[i] || !b->v[i]) return std::nullopt;
    return std::max(0.0, *b->v[i] - *a->v[i]);
}

long long monthStart(long long ts, int off, int delta) {
    std::time_t t = static_cast<std::time_t>(ts + off);
    std::tm tm{};
    gmtime_r(&t, &tm);
    tm.tm_mday = 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mon += delta;
    return static_cast<long long>(timegm(&tm)) - off;
}

long long weekStart(long long ts, int off) {
    std::time_t tt = static_cast<std::time_t>(ts + off);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return ts - ((tm.tm_wday + 6) % 7) * kDaySeconds; // back to Monday
}

std::optional<double> monthUse(const std::vector<Register>& regs, long long start, long long now, int off) {
    return consumptionBetween(registerAt(regs, start), registerAt(regs, std::min(monthStart(start, off, 1), now)), 0);
}

Forecast forecastAt(const std::vector<Register>& regs, long long now, int off) {
    Forecast f;
    f.periodStart = monthStart(now, off);
    const long long next = monthStart(now, off, 1);
    f.daysTotal = static_cast<double>(next - f.periodStart) / kDaySeconds;
    f.daysPassed = static_cast<double>(now - f.periodStart) / kDaySeconds;
    const Register* startReg = registerAt(regs, f.periodStart);
    const Register* nowReg = registerAt(regs, now);
    f.consumed = consumptionBetween(startReg, nowReg, 0);
    // The rate is taken over the span the two readings really cover: the reading at the period's start may be
    // older than the start itself (readings come at the meter's own hour, not the tenant's midnight).
    const double elapsed = nowReg && startReg ? static_cast<double>(nowReg->ts - startReg->ts) / kDaySeconds : 0;
    if (f.consumed && elapsed >= 1) f.forecast = *f.consumed / elapsed * f.daysTotal;
    f.lastYear = monthUse(regs, monthStart(f.periodStart, off, -12), now, off);
    return f;
}

ProfileRows aggregateProfile(const ProfileRows& in, int target, int offset) {
    ProfileRows out;
    const long long len = static_cast<long long>(target) * 60;
    std::size_t i = 0;
    while (i < in.size()) {
        const long long local = in.ts[i] + offset;
        const long long start = (local >= 0 ? local / len : (local - len + 1) / len) * len - offset;
        double energy[4] = {0, 0, 0, 0};
        long long covered[4] = {0, 0, 0, 0};
        for (; i < in.size() && in.ts[i] < start + len; ++i)
            for (int k = 0; k < 4; ++k)
                if (std::isfinite(in.v[k][i])) {
                    energy[k] += in.v[k][i] * static_cast<double>(in.minutes[i]);
                    covered[k] += in.minutes[i];
                }
        double avg[4];
        for (int k = 0; k < 4; ++k) avg[k] = covered[k] == target ? energy[k] / target : std::nan("");
        out.add(start, target, avg);
    }
    return out;
}

} // namespace kabinet
