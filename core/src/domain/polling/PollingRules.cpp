#include "polling/PollingRules.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace kabinet {

namespace {
long long floorDiv(long long a, long long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

bool inWindow(const PollingRules::Schedule& s, long long local) {
    if (s.windowFromMin < 0) return true;
    const int m = static_cast<int>((local - floorDiv(local, 86400) * 86400) / 60);
    return s.windowFromMin < s.windowToMin ? (m >= s.windowFromMin && m < s.windowToMin)
                                           : (m >= s.windowFromMin || m < s.windowToMin);
}
} // namespace

PollingRules PollingRules::fromVar(const Poco::Dynamic::Var& v) {
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw std::invalid_argument("polling rules: not a table");
    auto o = v.extract<Poco::JSON::Object::Ptr>();
    PollingRules r;
    if (auto list = o->getArray("schedules")) {
        for (const auto& item : *list) {
            auto so = item.extract<Poco::JSON::Object::Ptr>();
            Schedule s;
            s.name = so->getValue<std::string>("name");
            s.items = so->getValue<unsigned>("items");
            s.everyS = so->getValue<long long>("every_s");
            s.delayS = so->optValue<long long>("delay_s", 0);
            s.depthS = so->optValue<long long>("depth_s", 7 * 86400);
            s.windowFromMin = so->has("window_from_min") ? so->getValue<int>("window_from_min") : -1;
            s.windowToMin = so->has("window_to_min") ? so->getValue<int>("window_to_min") : -1;
            if (s.name.empty() || s.items == 0 || s.everyS <= 0) throw std::invalid_argument("polling rules: bad schedule");
            r.schedules.push_back(std::move(s));
        }
    }
    if (auto retry = o->getObject("retry")) {
        r.retryFirstS = retry->optValue<long long>("first_s", 60);
        r.retryFactor = retry->optValue<double>("factor", 2.0);
        r.retryMaxS = retry->optValue<long long>("max_s", 3600);
    }
    r.silentAfterS = o->optValue<long long>("silent_after_s", 24 * 3600);
    return r;
}

const PollingRules::Schedule* PollingRules::find(const std::string& name) const {
    for (const auto& s : schedules)
        if (s.name == name) return &s;
    return nullptr;
}

long long PollingRules::nextRun(const Schedule& s, long long now, long long utcOffsetS) {
    const long long local = now + utcOffsetS;
    long long t = floorDiv(local - s.delayS, s.everyS) * s.everyS + s.delayS + s.everyS;
    if (!inWindow(s, t)) {
        // The next start of the window, then the first grid point from there that is inside it.
        const long long day = floorDiv(t, 86400) * 86400;
        long long start = day + s.windowFromMin * 60LL;
        if (start <= t) start += 86400;
        long long grid = floorDiv(start - s.delayS + s.everyS - 1, s.everyS) * s.everyS + s.delayS;
        t = inWindow(s, grid) ? grid : start;
    }
    return t - utcOffsetS;
}

long long PollingRules::retryAt(unsigned failures, long long now) const {
    const double delay = double(retryFirstS) * std::pow(retryFactor, double(failures > 0 ? failures - 1 : 0));
    return now + std::min<long long>(retryMaxS, static_cast<long long>(std::min(delay, 1e12)));
}

} // namespace kabinet
