#include "outages/OutageNotices.h"

#include "notify/NotificationCentre.h"
#include "outages/OutageRules.h"
#include "tenants/Tenant.h"

#include <set>

namespace kabinet::outages {

std::vector<std::string> affectedPoints(OutageStore& store, const Outage& o) {
    constexpr std::size_t kPage = 1000;
    std::vector<std::string> ids;
    std::string after;
    for (;;) {
        const auto page = store.addressedPoints(after, kPage);
        for (const auto& p : page)
            for (const auto& a : o.addresses)
                if (affects(a, p.address)) {
                    ids.push_back(p.id);
                    break;
                }
        if (page.size() < kPage) break;
        after = page.back().id;
    }
    return ids;
}

int notifyStage(soci::session& s, Tenant& t, OutageStore& store, const Outage& o, const std::string& stage, long long now,
                const std::vector<std::string>& channels) {
    std::set<std::string> wanted;
    if (stage == "ended" || stage == "cancelled") {
        for (const char* earlier : {"planned", "emergency"})
            for (const auto& p : store.notifiedPoints(o.id, earlier)) wanted.insert(p);
    } else {
        for (const auto& p : affectedPoints(store, o)) wanted.insert(p);
    }
    for (const auto& p : store.notifiedPoints(o.id, stage)) wanted.erase(p);
    if (wanted.empty()) return 0;
    std::vector<std::string> points(wanted.begin(), wanted.end());

    const int offset = t.utcOffset();
    Notice n;
    n.kind = "outage_" + stage;
    n.audience.points = points;
    n.values = {{"address", addressLine(o)},
                {"start", localText(o.startsAt, offset)},
                // The planned end ahead of time; the actual end when it ended.
                {"end", stage == "ended" && o.actualEnd ? localText(*o.actualEnd, offset) : localText(o.plannedEnd, offset)},
                {"planned_end", localText(o.plannedEnd, offset)},
                {"reason", o.reason},
                {"outage_kind", kindLabel(o.kind)}};
    n.refs = {{"outage", o.id}};
    n.channels = channels;
    NotificationCentre::raise(s, t, n, now);
    store.recordNotified(o.id, stage, points, now);
    return static_cast<int>(points.size());
}

} // namespace kabinet::outages
