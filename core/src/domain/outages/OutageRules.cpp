#include "outages/OutageRules.h"

#include "tenants/Tenant.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace kabinet::outages {

OutageSettings settingsOf(const Tenant& t) {
    OutageSettings s;
    auto o = t.moduleSettings("outages");
    if (!o) return s;
    s.enabled = true;
    if (o->has("notify_days_ahead")) s.notifyDaysAhead = o->getValue<int>("notify_days_ahead");
    if (o->has("sources")) s.sources = o->getValue<int>("sources");
    if (o->has("public")) s.publicList = o->getValue<bool>("public");
    return s;
}

long long permittedMinutes(int sources) { return sources >= 2 ? 120 : 1440; }

Duration durationOf(const Outage& o, long long now) {
    Duration d;
    d.permitted = permittedMinutes(o.sources);
    if (o.state == "cancelled") return d; // it did not happen
    const long long end = o.actualEnd ? *o.actualEnd : std::max(o.plannedEnd, now);
    d.minutes = std::max(0LL, (end - o.startsAt + 59) / 60);
    d.permitted = permittedMinutes(o.sources);
    d.exceeded = std::max(0LL, d.minutes - d.permitted);
    return d;
}

namespace {
std::tm at(long long ts, int offset) {
    std::time_t t = static_cast<std::time_t>(ts + offset);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}
} // namespace

std::string localInput(long long ts, int offset) {
    const std::tm tm = at(ts, offset);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    return buf;
}

std::string localText(long long ts, int offset) {
    const std::tm tm = at(ts, offset);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02d.%02d.%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
    return buf;
}

std::optional<long long> parseLocal(const std::string& text, int offset) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    char sep = 0, tail = 0;
    if (text.size() != 16 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d%c", &y, &mo, &d, &sep, &h, &mi, &tail) != 6 ||
        (sep != 'T' && sep != ' ') || y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || h < 0 || mi < 0)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    const long long utc = static_cast<long long>(timegm(&tm));
    if (at(utc, 0).tm_mday != d) return std::nullopt;
    return utc - offset;
}

std::string addressLine(const Outage& o) {
    std::string out;
    for (const auto& a : o.addresses) {
        if (!out.empty()) out += "; ";
        if (a.street.empty()) {
            out += a.text;
        } else {
            out += a.street;
            if (!a.houses.empty()) out += (a.houses.find_first_of(",-") != std::string::npos || a.houses.find("–") != std::string::npos ? ", дома " : ", д. ") + a.houses;
        }
    }
    return out;
}

std::string kindLabel(const std::string& kind) { return kind == "emergency" ? "аварийное" : "плановое"; }

} // namespace kabinet::outages
