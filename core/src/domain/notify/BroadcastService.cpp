#include "notify/BroadcastService.h"

#include "identity/AuditLog.h"
#include "notify/NotificationCentre.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>
#include <Poco/UTF8String.h>
#include <soci/soci.h>

#include <algorithm>
#include <map>
#include <set>

namespace kabinet {

namespace {

using JsonObject = Poco::JSON::Object::Ptr;
using FieldErrors = std::map<std::string, std::string>;

constexpr std::size_t kMaxTitle = 200, kMaxBody = 4000, kMaxList = 10000;

/// What an operator asked for, checked.
struct Request {
    std::string title, body;
    bool all = false;
    std::string listKey; ///< accounts, contracts or addresses ("" with all)
    std::vector<std::string> list;
    std::vector<std::string> channels;
};

/// UTF-8 characters in s.
std::size_t length(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string text(const JsonObject& o, const std::string& key) {
    return o->has(key) && o->get(key).isString() ? Poco::trim(o->getValue<std::string>(key)) : std::string();
}

/// The list under `key` of the audience: strings (or numbers, as printed), trimmed, each once.
std::vector<std::string> strings(const Poco::JSON::Array::Ptr& a, const std::string& field, FieldErrors& errors) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    if (!a || a->size() == 0 || a->size() > kMaxList) {
        errors[field] = "Укажите от 1 до " + std::to_string(kMaxList) + " значений";
        return out;
    }
    for (const auto& v : *a) {
        std::string s;
        if (v.isString()) s = Poco::trim(v.convert<std::string>());
        else if (v.isInteger()) s = v.convert<std::string>();
        if (s.empty() || s.size() > 500) {
            errors[field] = "Ожидается список непустых строк";
            return {};
        }
        if (seen.insert(s).second) out.push_back(s);
    }
    return out;
}

Request parse(const JsonObject& b) {
    Request r;
    FieldErrors errors;
    r.title = text(b, "title");
    r.body = text(b, "body");
    if (r.title.empty() || length(r.title) > kMaxTitle) errors["title"] = "Укажите заголовок (до 200 символов)";
    if (r.body.empty() || length(r.body) > kMaxBody) errors["body"] = "Укажите текст уведомления (до 4000 символов)";
    const JsonObject a = b->has("audience") && b->get("audience").type() == typeid(JsonObject) ? b->getObject("audience") : nullptr;
    if (!a) errors["audience"] = "Укажите получателей: всех, лицевые счета, договоры или адреса";
    else {
        int given = 0;
        if (a->has("all")) {
            ++given;
            if (!a->get("all").isBoolean() || !a->getValue<bool>("all")) errors["audience.all"] = "Ожидается true";
            r.all = true;
        }
        for (const char* key : {"accounts", "contracts", "addresses"}) {
            if (!a->has(key)) continue;
            ++given;
            r.listKey = key;
            r.list = strings(a->get(key).type() == typeid(Poco::JSON::Array::Ptr) ? a->getArray(key) : nullptr, std::string("audience.") + key, errors);
        }
        if (given != 1) errors["audience"] = "Укажите один способ выбора получателей: всех, лицевые счета, договоры или адреса";
    }
    if (b->has("channels")) {
        auto list = b->get("channels").type() == typeid(Poco::JSON::Array::Ptr) ? b->getArray("channels") : nullptr;
        if (!list) errors["channels"] = "Ожидается список каналов: in_app, email, sms";
        else
            for (const auto& v : *list) {
                const std::string c = v.isString() ? v.convert<std::string>() : "";
                if (c != "in_app" && c != "email" && c != "sms") {
                    errors["channels"] = "Допустимые каналы: in_app, email, sms";
                    break;
                }
                r.channels.push_back(c);
            }
    }
    if (!errors.empty()) throw Unprocessable(errors);
    if (r.channels.empty() || std::find(r.channels.begin(), r.channels.end(), "in_app") == r.channels.end())
        r.channels.insert(r.channels.begin(), "in_app"); // in-app always
    return r;
}

/// A number as people type it: spaces and dashes left out.
std::string compact(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '-') out += c;
    return out;
}

/// The ids of the accounts or contracts with these printed numbers; 422 listing the numbers not found.
std::vector<std::string> byNumbers(soci::session& s, const std::string& tenant, const Request& r) {
    const bool accounts = r.listKey == "accounts";
    const std::string sql = accounts ? "SELECT account_id FROM accounts WHERE tenant_id = :t AND (number = :n OR number = :c)"
                                     : "SELECT contract_id FROM contracts WHERE tenant_id = :t AND (number = :n OR number = :c)";
    std::vector<std::string> ids, missing;
    for (const auto& n : r.list) {
        std::string id;
        const std::string c = compact(n);
        s << sql, soci::use(tenant), soci::use(n), soci::use(c), soci::into(id);
        if (s.got_data()) ids.push_back(id);
        else missing.push_back(n);
    }
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        throw Unprocessable(FieldErrors{{"audience." + r.listKey, (accounts ? "Не найдены лицевые счета: " : "Не найдены договоры: ") + list}});
    }
    return ids;
}

/// The metering points whose address contains one of the given addresses (case-insensitive, in any
/// alphabet); 422 listing the addresses no point matches.
std::vector<std::string> byAddresses(soci::session& s, const std::string& tenant, const Request& r) {
    std::vector<std::string> wanted;
    for (const auto& a : r.list) wanted.push_back(Poco::UTF8::toLower(a));
    std::vector<bool> matched(wanted.size(), false);
    std::vector<std::string> ids;
    soci::rowset<soci::row> rs = (s.prepare << "SELECT point_id, address FROM metering_points WHERE tenant_id = :t", soci::use(tenant));
    for (const auto& row : rs) {
        const std::string address = Poco::UTF8::toLower(columnText(row, 1));
        bool hit = false;
        for (std::size_t i = 0; i < wanted.size(); ++i)
            if (address.find(wanted[i]) != std::string::npos) matched[i] = hit = true;
        if (hit) ids.push_back(columnText(row, 0));
    }
    std::string missing;
    for (std::size_t i = 0; i < wanted.size(); ++i)
        if (!matched[i]) missing += (missing.empty() ? "" : "; ") + r.list[i];
    if (!missing.empty()) throw Unprocessable(FieldErrors{{"audience.addresses", "Нет точек учёта по адресам: " + missing}});
    return ids;
}

/// Raises the broadcast in the caller's transaction; answers its id and how many people receive it.
std::pair<std::string, long long> raise(soci::session& s, Tenant& t, const Request& r, long long now) {
    Notice n;
    n.kind = "broadcast";
    n.title = r.title;
    n.body = r.body;
    n.values = {{"title", r.title}, {"body", r.body}};
    n.channels = r.channels;
    n.broadcastId = "bc-" + crypto::randomToken(12);
    n.refs = {{"broadcast", n.broadcastId, r.title}};
    if (r.all) n.audience.allConsumers = true;
    else if (r.listKey == "accounts") n.audience.accounts = byNumbers(s, t.id(), r);
    else if (r.listKey == "contracts") n.audience.contracts = byNumbers(s, t.id(), r);
    else n.audience.points = byAddresses(s, t.id(), r);
    const std::string id = NotificationCentre::raise(s, t, n, now);
    long long recipients = 0;
    if (!id.empty())
        s << "SELECT COUNT(*) FROM notification_recipients WHERE tenant_id = :t AND notification_id = :n", soci::use(t.id()), soci::use(id),
            soci::into(recipients);
    return {id.empty() ? id : n.broadcastId, recipients};
}

/// Thrown out of a preview's transaction so that it rolls back.
struct PreviewDone {
    long long recipients;
};

} // namespace

JsonObject BroadcastService::send(Tenant& t, const JsonObject& body, long long now, const std::string& operatorId, const std::string& client) {
    const Request r = parse(body);
    std::pair<std::string, long long> sent;
    db_.transaction([&](soci::session& s) {
        sent = raise(s, t, r, now);
        if (sent.first.empty() || sent.second == 0) throw Unprocessable(FieldErrors{{"audience", "Среди выбранных получателей нет ни одного потребителя"}});
        AuditEntry audit = AuditEntry::done("operator", operatorId, "broadcast_send", client);
        audit.details->set("title", r.title);
        audit.details->set("audience", r.all ? std::string("all") : r.listKey);
        audit.details->set("recipients", sent.second);
        AuditLog::recordIn(s, t.id(), audit);
    });
    JsonObject out = new Poco::JSON::Object;
    out->set("id", sent.first);
    out->set("recipients", sent.second);
    return out;
}

JsonObject BroadcastService::preview(Tenant& t, const JsonObject& body, long long now) {
    Request r = parse(body);
    r.channels = {"in_app"}; // nothing is queued: the count is the same whatever the channels
    long long recipients = 0;
    try {
        // The very raise a send would do, rolled back: the count is the one a send would give.
        db_.transaction([&](soci::session& s) { throw PreviewDone{raise(s, t, r, now).second}; });
    } catch (const PreviewDone& done) {
        recipients = done.recipients;
    }
    JsonObject out = new Poco::JSON::Object;
    out->set("recipients", recipients);
    return out;
}

JsonObject BroadcastService::history(Tenant& t) {
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    db_.read([&](soci::session& s) {
        std::vector<JsonObject> list;
        std::vector<std::string> notifications; // of each row of list
        {
            soci::rowset<soci::row> rs =
                (s.prepare << "SELECT n.notification_id, n.title, n.body, n.created_at, "
                              "(SELECT COUNT(*) FROM notification_recipients r WHERE r.tenant_id = n.tenant_id AND r.notification_id = n.notification_id), "
                              "n.broadcast_id FROM notifications n WHERE n.tenant_id = :t AND n.kind = 'broadcast' AND n.broadcast_id IS NOT NULL "
                              "ORDER BY n.created_at DESC, n.notification_id LIMIT 100",
                 soci::use(t.id()));
            for (const auto& row : rs) {
                JsonObject o = new Poco::JSON::Object;
                notifications.push_back(columnText(row, 0));
                o->set("id", columnText(row, 5));
                o->set("title", columnText(row, 1));
                o->set("body", columnText(row, 2));
                o->set("created_at", columnInteger(row, 3));
                o->set("recipients", columnInteger(row, 4));
                list.push_back(o);
            }
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            // A queued mail or text message is as far as its outbox message got.
            auto& o = list[i];
            JsonObject channels = new Poco::JSON::Object;
            const std::string& id = notifications[i];
            soci::rowset<soci::row> rs =
                (s.prepare << "SELECT d.channel, CASE WHEN d.state = 'queued' AND o.state IS NOT NULL THEN o.state ELSE d.state END AS st, COUNT(*) "
                              "FROM notification_deliveries d LEFT JOIN outbox o ON o.tenant_id = d.tenant_id AND o.message_id = d.message_id "
                              "WHERE d.tenant_id = :t AND d.notification_id = :n GROUP BY d.channel, st",
                 soci::use(t.id()), soci::use(id));
            for (const auto& row : rs) {
                const std::string channel = columnText(row, 0), state = columnText(row, 1);
                if (!channels->has(channel)) {
                    JsonObject c = new Poco::JSON::Object;
                    for (const char* k : {"queued", "sent", "failed", "not_wanted"}) c->set(k, 0);
                    channels->set(channel, c);
                }
                const std::string key = state == "digest" ? "queued" : state;
                auto c = channels->getObject(channel);
                if (c->has(key)) c->set(key, c->getValue<long long>(key) + columnInteger(row, 2));
            }
            o->set("channels", channels);
            rows->add(o);
        }
    });
    JsonObject out = new Poco::JSON::Object;
    out->set("rows", rows);
    return out;
}

} // namespace kabinet
