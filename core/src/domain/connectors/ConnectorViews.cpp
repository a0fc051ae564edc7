#include "connectors/ConnectorViews.h"

#include "connectors/ConnectorHub.h"
#include "connectors/SyncStore.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <map>

namespace kabinet {

namespace {
using JsonObject = Poco::JSON::Object::Ptr;

Poco::Dynamic::Var orNull(const std::optional<long long>& v) { return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var(); }
Poco::Dynamic::Var orNull(const std::optional<std::string>& v) { return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var(); }

JsonObject info(const std::string& text) {
    try {
        auto v = Poco::JSON::Parser().parse(text);
        if (v.type() == typeid(JsonObject)) return v.extract<JsonObject>();
    } catch (const std::exception&) {
    }
    return new Poco::JSON::Object;
}

Poco::Dynamic::Var textOf(const JsonObject& o, const char* key) {
    if (o->has(key) && o->get(key).isString() && !o->getValue<std::string>(key).empty()) return o->getValue<std::string>(key);
    return Poco::Dynamic::Var();
}
Poco::Dynamic::Var numberOf(const JsonObject& o, const char* key) {
    if (o->has(key) && o->get(key).isNumeric() && !o->get(key).isBoolean()) return o->get(key);
    return Poco::Dynamic::Var();
}
/// The task as the tenant names it for staff (its id when the declaration has no such task any more).
std::string taskLabel(const ConnectorInfo& c, const std::string& task) {
    for (const auto& k : c.tasks)
        if (k.id == task) return k.label;
    return task;
}
} // namespace

void ConnectorViews::require(const Tenant& t, const std::string& connectorId) const {
    if (!hub_.connector(t, connectorId)) throw NotFound("connector_not_found", "Такого обмена данными нет");
}

JsonObject ConnectorViews::list(const Tenant& t, long long now) const {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& c : hub_.connectors(t)) {
        std::vector<ConnectorAccount> accounts;
        std::vector<ConnectorJob> jobs;
        std::vector<ConnectorDevice> devices;
        db_.read([&](soci::session& s) {
            SyncStore st(s, t.id());
            accounts = st.accounts(c.id);
            jobs = st.jobs(c.id);
            devices = st.devices(c.id);
        });
        std::map<std::string, const ConnectorAccount*> byId;
        for (const auto& a : accounts) byId[a.accountId] = &a;
        JsonObject o = new Poco::JSON::Object;
        o->set("id", c.id);
        o->set("label", c.label);
        o->set("plugin", c.plugin);
        o->set("state", c.state);
        o->set("reason", c.reason);
        o->set("accounts", static_cast<long long>(accounts.size()));
        o->set("devices", static_cast<long long>(devices.size()));
        long long unlinked = 0;
        for (const auto& d : devices)
            if (!d.meterId) ++unlinked;
        o->set("unlinked_devices", unlinked);
        Poco::JSON::Array::Ptr js = new Poco::JSON::Array;
        for (const auto& j : jobs) {
            JsonObject r = new Poco::JSON::Object;
            const auto a = byId.find(j.accountId);
            r->set("account", j.accountId);
            r->set("account_title", a != byId.end() ? a->second->title : j.accountId);
            r->set("task", j.task);
            r->set("task_label", taskLabel(c, j.task));
            r->set("next_run", j.nextRun);
            r->set("last_run", orNull(j.lastRun));
            r->set("last_ok", orNull(j.lastOk));
            r->set("attempts", j.attempts);
            r->set("last_error", orNull(j.lastError));
            r->set("last_error_kind", orNull(j.lastErrorKind));
            r->set("stored_rows", j.storedRows);
            r->set("running", j.leaseUntil > now);
            r->set("stopped", a != byId.end() && (a->second->authFailed || a->second->disabled));
            js->add(r);
        }
        o->set("jobs", js);
        items->add(o);
    }
    JsonObject out = new Poco::JSON::Object;
    out->set("items", items);
    return out;
}

JsonObject ConnectorViews::log(const Tenant& t, const std::string& connectorId, int limit) const {
    require(t, connectorId);
    const auto info = hub_.connector(t, connectorId);
    std::vector<ConnectorLogRow> rows;
    db_.read([&](soci::session& s) { rows = SyncStore(s, t.id()).logRows(connectorId, limit); });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& l : rows) {
        JsonObject o = new Poco::JSON::Object;
        o->set("account", l.accountId);
        o->set("task", l.task);
        o->set("task_label", taskLabel(*info, l.task));
        o->set("started_at", l.startedAt);
        o->set("duration_ms", l.durationMs);
        o->set("outcome", l.outcome);
        o->set("error_kind", l.errorKind.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(l.errorKind));
        o->set("message", l.message);
        o->set("records", l.records);
        o->set("stored_rows", l.storedRows);
        o->set("problems", l.problems);
        o->set("instance", l.instance);
        items->add(o);
    }
    JsonObject out = new Poco::JSON::Object;
    out->set("items", items);
    return out;
}

JsonObject ConnectorViews::devices(const Tenant& t, const std::string& connectorId) const {
    require(t, connectorId);
    std::vector<ConnectorDevice> devices;
    std::map<std::string, std::pair<std::string, std::string>> meters; // meter → serial, point name
    db_.read([&](soci::session& s) {
        devices = SyncStore(s, t.id()).devices(connectorId);
        std::string tid = t.id(), cid = connectorId;
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT m.meter_id, m.serial, p.name FROM connector_devices d JOIN meters m ON m.tenant_id = d.tenant_id "
                          "AND m.meter_id = d.meter_id JOIN metering_points p ON p.tenant_id = m.tenant_id AND p.point_id = m.point_id "
                          "WHERE d.tenant_id = :t AND d.connector_id = :c",
             soci::use(tid), soci::use(cid));
        for (const auto& r : rs) meters[columnText(r, 0)] = {columnText(r, 1), columnText(r, 2)};
    });
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    for (const auto& d : devices) {
        const JsonObject i = info(d.infoJson);
        JsonObject o = new Poco::JSON::Object;
        o->set("key", d.key);
        o->set("title", textOf(i, "title"));
        o->set("serial", textOf(i, "serial"));
        const auto m = d.meterId ? meters.find(*d.meterId) : meters.end();
        o->set("meter_serial", m != meters.end() ? Poco::Dynamic::Var(m->second.first) : Poco::Dynamic::Var());
        o->set("point_name", m != meters.end() ? Poco::Dynamic::Var(m->second.second) : Poco::Dynamic::Var());
        o->set("battery", numberOf(i, "battery"));
        o->set("last_message", numberOf(i, "last_message"));
        o->set("seen_at", d.seenAt);
        items->add(o);
    }
    JsonObject out = new Poco::JSON::Object;
    out->set("items", items);
    return out;
}

} // namespace kabinet
