#include "demo/DemoOutages.h"

#include "demo/Calendar.h"
#include "identity/SessionInfo.h"
#include "outages/OutageRules.h"
#include "outages/OutageService.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include <cmath>
#include <stdexcept>

namespace kabinet::demo {

namespace {

/// The moment an outage of the roster starts, for a tenant `offset` seconds east of UTC.
long long startOf(const OutageSpec& o, long long now, int offset) {
    if (o.day) return (dayNumber(dateOf(now, offset)) + *o.day) * kDay - offset + o.atMinutes * 60LL;
    return floorDiv(now, 300) * 300 + o.minutesFromNow * 60LL;
}

/// The body POST operator/outages would carry.
Poco::JSON::Object::Ptr bodyOf(const OutageSpec& o, long long now, int offset) {
    const long long start = startOf(o, now, offset);
    Poco::JSON::Object::Ptr b = new Poco::JSON::Object;
    b->set("kind", o.kind);
    b->set("reason", o.reason);
    b->set("starts_at", start);
    b->set("planned_end", start + std::llround(o.hours * 3600));
    if (o.actualHours) b->set("actual_end", start + std::llround(*o.actualHours * 3600));
    if (o.sources) b->set("sources", *o.sources);
    Poco::JSON::Array::Ptr addresses = new Poco::JSON::Array;
    for (const auto& a : o.addresses) {
        Poco::JSON::Object::Ptr x = new Poco::JSON::Object;
        if (!a.street.empty()) {
            x->set("street", a.street);
            x->set("houses", a.houses);
        } else {
            x->set("text", a.text);
        }
        addresses->add(x);
    }
    b->set("addresses", addresses);
    return b;
}

} // namespace

std::size_t seedOutages(Database& db, Tenant& t, const Roster& roster, long long now) {
    if (roster.outages.empty()) return 0;
    const std::string where = t.id() + "/demo.lua: outages";
    if (!outages::settingsOf(t).enabled) throw std::runtime_error(where + ": the tenant has no outages module");
    long long existing = 0;
    db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM outages WHERE tenant_id = :t", soci::use(t.id()), soci::into(existing); });
    if (existing > 0) return 0;
    // Published by the utility's staff; the notices stay in the portal.
    OutageService service(db, {"in_app"});
    SessionInfo staff;
    staff.role = "operator";
    const int offset = t.utcOffset();
    std::size_t n = 0;
    for (const auto& o : roster.outages) {
        try {
            service.create(t, staff, bodyOf(o, now, offset), now);
        } catch (const Error& e) {
            std::string why;
            for (const auto& [field, reason] : e.fields()) why += (why.empty() ? "" : "; ") + field + ": " + reason;
            throw std::runtime_error(where + "[" + std::to_string(n + 1) + "]: " + e.what() + (why.empty() ? "" : " (" + why + ")"));
        }
        ++n;
    }
    return n;
}

} // namespace kabinet::demo
