#include "polling/SilentMeters.h"

#include "meters/MeterLabels.h"
#include "notify/NotificationCentre.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"

#include <soci/soci.h>

#include <vector>

namespace kabinet {

namespace {
struct Silence {
    std::string meterId;
    long long lastOk = 0;
};
} // namespace

int SilentMeters::check(Tenant& t, const PollingRules& rules, long long now) {
    if (rules.silentAfterS <= 0) return 0;
    std::vector<Silence> silent;
    db_.read([&](soci::session& s) {
        // Enabled links only; the last good poll of any schedule; a failed try after it (still polled, not answering).
        const long long before = now - rules.silentAfterS;
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT j.meter_id, MAX(j.last_ok) FROM poll_jobs j JOIN meter_links l ON l.tenant_id = j.tenant_id AND "
                          "l.meter_id = j.meter_id AND l.enabled <> 0 WHERE j.tenant_id = :t GROUP BY j.meter_id "
                          "HAVING MAX(j.last_ok) IS NOT NULL AND MAX(j.last_ok) < :b AND MAX(j.last_run) > MAX(j.last_ok)",
             soci::use(t.id()), soci::use(before));
        for (const auto& r : rs) silent.push_back({columnText(r, 0), columnInteger(r, 1)});
    });
    int raised = 0;
    for (const auto& m : silent) {
        db_.transaction([&](soci::session& s) {
            const auto label = meterLabel(s, t.id(), m.meterId);
            if (!label) return;
            Notice n;
            n.kind = "meter_silent";
            n.audience.operators = true;
            n.dedupeKey = m.meterId + "@" + std::to_string(m.lastOk);
            n.values = {{"meter", label->serial},
                        {"point", pointText(*label)},
                        {"address", label->address},
                        {"consumer", label->holder},
                        {"since", localTimeText(m.lastOk, t.utcOffset())},
                        {"hours", std::to_string((now - m.lastOk) / 3600)}};
            n.refs = {{"meter", label->meterId, "Прибор учёта № " + label->serial}, {"point", label->pointId, label->pointName}};
            if (!NotificationCentre::raise(s, t, n, now).empty()) ++raised;
        });
    }
    return raised;
}

} // namespace kabinet
