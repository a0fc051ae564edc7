#include "notify/OperatorAlerts.h"

#include "meters/MeterLabels.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <optional>
#include <vector>

namespace kabinet {

namespace {

using JsonObject = Poco::JSON::Object::Ptr;

/// Seed 000 (КЭС Оренбуржья): a tamper event in a meter's journal may lead to an act of non-metered consumption.
const char* const kTamperHint = "По событию вмешательства может быть составлен акт о безучётном потреблении электроэнергии";

const char* const kColumns =
    "SELECT n.notification_id, n.kind, n.title, n.body, n.created_at, n.refs, "
    "(SELECT MAX(r.acknowledged_at) FROM notification_recipients r WHERE r.tenant_id = n.tenant_id AND r.notification_id = n.notification_id), "
    "(SELECT MAX(u.login) FROM notification_recipients r JOIN users u ON u.tenant_id = r.tenant_id AND u.user_id = r.acknowledged_by "
    "WHERE r.tenant_id = n.tenant_id AND r.notification_id = n.notification_id) "
    "FROM notifications n WHERE n.tenant_id = :t AND n.kind IN ('meter_tamper', 'meter_silent') ";

/// The meter a notification is about (its `meter` ref), or "".
std::string meterOf(const std::string& refs) {
    try {
        Poco::JSON::Parser p;
        auto a = p.parse(refs).extract<Poco::JSON::Array::Ptr>();
        for (const auto& v : *a) {
            auto o = v.extract<JsonObject>();
            if (o->optValue<std::string>("type", "") == "meter") return o->optValue<std::string>("id", "");
        }
    } catch (const std::exception&) {
    }
    return "";
}

/// A notification row as read, before the labels of its meter are looked up.
struct AlertRow {
    std::string id, kind, title, body, refs, ackBy;
    long long created = 0;
    std::optional<long long> ackAt;
};

std::vector<AlertRow> fetch(soci::session& s, const std::string& sql, const std::string& tenant, const std::string* id) {
    std::vector<AlertRow> out;
    soci::rowset<soci::row> rs = id ? (s.prepare << sql, soci::use(tenant), soci::use(*id)) : (s.prepare << sql, soci::use(tenant));
    for (const auto& r : rs) {
        AlertRow a{columnText(r, 0), columnText(r, 1), columnText(r, 2), columnText(r, 3), columnText(r, 5), "", columnInteger(r, 4), std::nullopt};
        if (r.get_indicator(6) != soci::i_null) {
            a.ackAt = columnInteger(r, 6);
            a.ackBy = columnText(r, 7);
        }
        out.push_back(std::move(a));
    }
    return out;
}

JsonObject alertJson(soci::session& s, const Tenant& t, const AlertRow& a) {
    JsonObject o = new Poco::JSON::Object;
    o->set("id", a.id);
    o->set("kind", a.kind);
    o->set("kind_label", a.kind == "meter_tamper" ? "Вмешательство в работу прибора учёта" : "Прибор учёта не отвечает");
    o->set("title", a.title);
    o->set("body", a.body);
    o->set("created_at", a.created);
    o->set("time", localTimeText(a.created, t.utcOffset()));
    std::string consumer, address, serial, point;
    if (const std::string meter = meterOf(a.refs); !meter.empty())
        if (const auto m = meterLabel(s, t.id(), meter)) {
            consumer = m->holder;
            address = m->address;
            serial = m->serial;
            point = pointText(*m);
        }
    o->set("consumer", consumer);
    o->set("address", address);
    o->set("meter_serial", serial);
    o->set("point", point);
    o->set("hint", a.kind == "meter_tamper" ? std::string(kTamperHint) : std::string());
    o->set("acknowledged_at", a.ackAt ? Poco::Dynamic::Var(*a.ackAt) : Poco::Dynamic::Var());
    o->set("acknowledged_by", a.ackAt ? Poco::Dynamic::Var(a.ackBy) : Poco::Dynamic::Var());
    return o;
}

const char* const kAcknowledged = "(SELECT MAX(r.acknowledged_at) FROM notification_recipients r WHERE r.tenant_id = n.tenant_id AND "
                                  "r.notification_id = n.notification_id)";

} // namespace

JsonObject OperatorAlerts::list(Tenant& t, const std::string& rawState) {
    const std::string state = rawState.empty() ? "open" : rawState;
    if (state != "open" && state != "acknowledged") throw Unprocessable({{"state", "Допустимо open или acknowledged"}});
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    db_.read([&](soci::session& s) {
        const std::string sql = std::string(kColumns) + "AND " + kAcknowledged + (state == "open" ? " IS NULL" : " IS NOT NULL") +
                                " ORDER BY n.created_at DESC, n.notification_id LIMIT 200";
        for (const auto& a : fetch(s, sql, t.id(), nullptr)) rows->add(alertJson(s, t, a));
    });
    JsonObject out = new Poco::JSON::Object;
    out->set("rows", rows);
    return out;
}

JsonObject OperatorAlerts::acknowledge(Tenant& t, const SessionInfo& op, const std::string& id, long long now) {
    JsonObject out;
    db_.transaction([&](soci::session& s) {
        const std::string sql = std::string(kColumns) + "AND n.notification_id = :id";
        if (fetch(s, sql, t.id(), &id).empty()) throw NotFound("alert_not_found", "Оповещение не найдено");
        // An alert raised before this operator was one (or before the tenant had any) has no row of theirs:
        // the acknowledging operator becomes a recipient, so that who and when are kept.
        s << "INSERT INTO notification_recipients (tenant_id, notification_id, user_id, created_at, read_at) "
             "SELECT n.tenant_id, n.notification_id, :u, n.created_at, :n FROM notifications n WHERE n.tenant_id = :t AND "
             "n.notification_id = :id AND NOT EXISTS (SELECT 1 FROM notification_recipients r WHERE r.tenant_id = n.tenant_id AND "
             "r.notification_id = n.notification_id AND r.user_id = :u2)",
            soci::use(op.userId), soci::use(now), soci::use(t.id()), soci::use(id), soci::use(op.userId);
        // The first acknowledgement stands: rows acknowledged already keep who and when.
        s << "UPDATE notification_recipients SET acknowledged_at = :n, acknowledged_by = :u "
             "WHERE tenant_id = :t AND notification_id = :id AND acknowledged_at IS NULL AND "
             "NOT EXISTS (SELECT 1 FROM notification_recipients a WHERE a.tenant_id = :t2 AND a.notification_id = :id2 AND a.acknowledged_at IS NOT NULL)",
            soci::use(now), soci::use(op.userId), soci::use(t.id()), soci::use(id), soci::use(t.id()), soci::use(id);
        out = alertJson(s, t, fetch(s, sql, t.id(), &id).front());
    });
    return out;
}

} // namespace kabinet
