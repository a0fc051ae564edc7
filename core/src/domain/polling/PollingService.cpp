#include "polling/PollingService.h"

#include "polling/PollStore.h"
#include "tenants/Tenant.h"

#include <Poco/JSON/Array.h>

#include <optional>

namespace kabinet {

namespace {

template <class T>
Poco::Dynamic::Var orNull(const std::optional<T>& v) {
    return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

} // namespace

Poco::JSON::Object::Ptr PollingService::status(const Tenant& t) {
    const PollStatus st = PollStore(db_, "api").status(t.id());
    Poco::JSON::Array::Ptr gateways = new Poco::JSON::Array, meters = new Poco::JSON::Array, notes = new Poco::JSON::Array;
    for (const auto& g : st.gateways) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("gateway_id", g.gatewayId);
        o->set("address", g.address);
        o->set("title", g.title);
        o->set("lease_owner", orNull(g.leaseOwner));
        o->set("lease_until", orNull(g.leaseUntil));
        gateways->add(o);
    }
    for (const auto& m : st.meters) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("meter_id", m.meterId);
        o->set("serial", m.serial);
        o->set("model", m.model);
        o->set("driver", m.driver);
        o->set("gateway_id", m.gatewayId);
        o->set("enabled", m.enabled);
        o->set("firmware", orNull(m.firmware));
        o->set("clock_drift_s", orNull(m.clockDriftS));
        Poco::JSON::Array::Ptr jobs = new Poco::JSON::Array;
        for (const auto& j : m.jobs) {
            Poco::JSON::Object::Ptr jo = new Poco::JSON::Object;
            jo->set("schedule", j.schedule);
            jo->set("next_run", j.nextRun);
            jo->set("attempts", j.attempts);
            jo->set("last_run", orNull(j.lastRun));
            jo->set("last_ok", orNull(j.lastOk));
            jo->set("last_error_kind", orNull(j.lastErrorKind));
            jo->set("last_error", orNull(j.lastError));
            jobs->add(jo);
        }
        o->set("jobs", jobs);
        meters->add(o);
    }
    for (const auto& n : st.notifications) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("notification_id", n.id);
        o->set("kind", n.kind);
        o->set("meter_id", orNull(n.meterId));
        o->set("title", n.title);
        o->set("body", n.body);
        o->set("created_at", n.createdAt);
        o->set("state", n.state);
        notes->add(o);
    }
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    out->set("gateways", gateways);
    out->set("meters", meters);
    out->set("notifications", notes);
    return out;
}

} // namespace kabinet
