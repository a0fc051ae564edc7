#include "cases/CaseService.h"

#include "cases/CaseChange.h"
#include "cases/CaseSupport.h"
#include "cases/CaseView.h"
#include "calendar/TenantCalendars.h"
#include "cases/CaseDocuments.h"
#include "cases/CaseJson.h"
#include "cases/CaseKinds.h"
#include "cases/CaseNumbering.h"
#include "cases/CaseStore.h"
#include "lua/LuaJson.h"
#include "lua/LuaState.h"
#include "notify/NotificationCentre.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "tenants/TenantRegistry.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"
#include "util/TimeZones.h"
#include "storage/TenantScope.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace kabinet {

using namespace cases;

int CaseService::runTimers(TenantRegistry& tenants, long long now) {
    int done = 0;
    for (const auto& id : tenants.ids()) {
        TenantScope scope(id); // the tenant's own database, when it has one
        auto t = tenants.find(id);
        if (!t) continue;
        try {
            done += runTimers(*t, now);
        } catch (const std::exception& e) {
            log::error("case timers failed", {{"tenant", id}, {"error", e.what()}});
        }
    }
    return done;
}

int CaseService::runTimers(Tenant& t, long long now) {
    auto m = modelOf(t);
    if (m->kinds.empty()) return 0;
    int done = 0;
    // Timer actions: a case fires `after` days after it entered the action's state. The calendar-day bound
    // picks the candidates (working days are never fewer); the calendar decides.
    for (const auto& k : m->kinds)
        for (const auto& a : k.actions) {
            if (!a.takenBy("timer") || !a.after) continue;
            int fewest = a.after->days; // the shortest term of any case: the candidates' bound
            for (const auto& o : a.after->overrides) fewest = std::min(fewest, o.days);
            for (const auto& from : a.from) {
                std::vector<std::string> ids;
                db_.read([&](soci::session& se) {
                    ids = CaseStore(se, t.id()).inStateSince(k.id, from, now - static_cast<long long>(fewest) * 86400, 200);
                });
                for (const auto& cid : ids) {
                    db_.transaction([&](soci::session& se) {
                        CaseStore store(se, t.id());
                        auto c = store.get(cid);
                        if (!c || c->state != from) return;
                        const int days = termDays(a.after->days, a.after->overrides, parseObject(c->fieldsJson));
                        if (deadlineOf(t, c->stateSince, days, a.after->unit) > now) return;
                        if (move(t, se, store, k, *c, a, "", "timer", Obj(), "", {}, now)) ++done;
                    });
                }
            }
        }
    // Overdue deadlines of open cases: each flagged (and told to operators) once.
    std::vector<std::pair<std::string, std::string>> due;
    db_.read([&](soci::session& se) { due = CaseStore(se, t.id()).pastDue(now, 500); });
    for (const auto& [cid, did] : due) {
        db_.transaction([&](soci::session& se) {
            CaseStore store(se, t.id());
            auto c = store.get(cid);
            if (!c) return;
            const Kind* k = m->kind(c->kind);
            if (!k) return;
            const Deadline* d = nullptr;
            for (const auto& x : k->deadlines)
                if (x.id == did) d = &x;
            Change ch{t, se, store, *k, *c, now};
            if (!d || !ch.running(*d, c->state)) return;
            if (!store.markOverdue(cid, did)) return;
            ch.refreshDue();
            std::string dueText;
            for (const auto& row : store.deadlines(cid))
                if (row.id == did) {
                    const std::string iso = tz::localDate(row.dueAt - 1, t.utcOffset());
                    dueText = iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4);
                }
            ch.raise("case_overdue", Change::operators(), {{"due", dueText}}, cid + ":" + did);
            ++done;
        });
    }
    return done;
}

} // namespace kabinet
