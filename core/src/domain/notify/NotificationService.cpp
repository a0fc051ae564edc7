#include "notify/NotificationService.h"

#include "notify/NotificationKinds.h"
#include "notify/NotificationPreferences.h"
#include "notify/NotificationStore.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <set>

namespace kabinet {

namespace {
using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;

/// The stored refs, each with type, id and label (a malformed text gives none).
Arr refsOf(const std::string& json) {
    Arr out = new Poco::JSON::Array;
    try {
        auto v = Poco::JSON::Parser().parse(json);
        if (v.type() != typeid(Arr)) return out;
        for (const auto& r : *v.extract<Arr>()) {
            if (r.type() != typeid(Obj)) continue;
            const Obj in = r.extract<Obj>();
            Obj o = new Poco::JSON::Object;
            o->set("type", in->optValue<std::string>("type", ""));
            o->set("id", in->optValue<std::string>("id", ""));
            o->set("label", in->optValue<std::string>("label", ""));
            out->add(o);
        }
    } catch (const std::exception&) {
    }
    return out;
}

bool allDigits(const std::string& s) {
    if (s.empty() || s.size() > 12) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string fixedLength(const std::string& id) { return id.size() > 100 ? id.substr(0, 100) : id; }
} // namespace

NotificationService::NotificationService(Database& db) : db_(db) {}

Obj NotificationService::list(const Tenant& t, const std::string& user, const NotificationQuery& q) {
    Obj out = new Poco::JSON::Object;
    db_.read([&](soci::session& s) {
        NotificationStore store(s);
        std::optional<std::pair<long long, std::string>> before;
        if (allDigits(q.before)) {
            before = std::make_pair(std::stoll(q.before), std::string()); // strictly before that time
        } else if (!q.before.empty()) {
            before = store.position(t.id(), user, fixedLength(q.before));
            if (!before) throw Unprocessable({{"before", "Уведомление не найдено"}});
        }
        Arr rows = new Poco::JSON::Array;
        for (const auto& n : store.page(t.id(), user, q.unreadOnly, q.limit, before)) {
            Obj o = new Poco::JSON::Object;
            o->set("id", n.id);
            o->set("kind", n.kind);
            o->set("category", n.category);
            o->set("title", n.title);
            o->set("body", n.body);
            o->set("created_at", n.createdAt);
            o->set("read_at", n.readAt ? Poco::Dynamic::Var(*n.readAt) : Poco::Dynamic::Var());
            o->set("refs", refsOf(n.refsJson));
            rows->add(o);
        }
        out->set("rows", rows);
        out->set("unread", store.unread(t.id(), user));
    });
    return out;
}

Obj NotificationService::markRead(const Tenant& t, const std::string& user, const std::string& id, long long now) {
    Obj out = new Poco::JSON::Object;
    db_.transaction([&](soci::session& s) {
        NotificationStore store(s);
        auto at = store.markRead(t.id(), user, fixedLength(id), now);
        if (!at) throw NotFound("not_found", "Уведомление не найдено");
        out->set("id", id);
        out->set("read_at", *at);
        out->set("unread", store.unread(t.id(), user));
    });
    return out;
}

Obj NotificationService::markAllRead(const Tenant& t, const std::string& user, long long now) {
    Obj out = new Poco::JSON::Object;
    db_.transaction([&](soci::session& s) {
        NotificationStore store(s);
        out->set("read", store.markAllRead(t.id(), user, now));
        out->set("unread", store.unread(t.id(), user));
    });
    return out;
}

Obj NotificationService::kinds(Tenant& t, const std::string& role) {
    const auto k = NotificationKinds::of(t);
    Arr categories = new Poco::JSON::Array, channels = new Poco::JSON::Array, kinds = new Poco::JSON::Array;
    std::set<std::string> offered;
    for (const auto& c : k->categories) {
        if (!NotificationPreferences::offered(c.staff, role)) continue;
        offered.insert(c.id);
        Obj o = new Poco::JSON::Object;
        o->set("id", c.id);
        o->set("label", c.label);
        o->set("default", c.defaultOn);
        categories->add(o);
    }
    for (const auto& c : k->channels) {
        Obj o = new Poco::JSON::Object;
        o->set("id", c.id);
        o->set("label", c.label);
        channels->add(o);
    }
    for (const auto& [id, kind] : k->kinds) {
        if (!offered.count(kind.category)) continue;
        Obj o = new Poco::JSON::Object;
        o->set("id", id);
        o->set("label", kind.label);
        o->set("category", kind.category);
        Arr ch = new Poco::JSON::Array;
        for (const auto& c : kind.channels)
            if (k->offers(c)) ch->add(c);
        o->set("channels", ch);
        kinds->add(o);
    }
    Obj out = new Poco::JSON::Object;
    out->set("categories", categories);
    out->set("channels", channels);
    out->set("kinds", kinds);
    return out;
}

Obj NotificationService::settings(Tenant& t, const std::string& user, const std::string& role) {
    const auto k = NotificationKinds::of(t);
    Obj out;
    db_.read([&](soci::session& s) { out = NotificationPreferences::toJson(NotificationPreferences::of(s, t.id(), *k, user, role)); });
    return out;
}

Obj NotificationService::updateSettings(Tenant& t, const std::string& user, const std::string& role, const Obj& change,
                                        long long now) {
    const auto k = NotificationKinds::of(t);
    Obj out;
    db_.transaction([&](soci::session& s) {
        NotificationPreferences::apply(s, t.id(), *k, user, role, change, now);
        out = NotificationPreferences::toJson(NotificationPreferences::of(s, t.id(), *k, user, role));
    });
    return out;
}

Obj NotificationService::deliveries(const Tenant& t, const std::string& id, int limit, int offset) {
    Obj out = new Poco::JSON::Object;
    db_.read([&](soci::session& s) {
        NotificationStore store(s);
        const std::string nid = fixedLength(id);
        const auto n = store.find(t.id(), nid);
        if (!n) throw NotFound("not_found", "Уведомление не найдено");
        out->set("id", nid);
        out->set("kind", n->kind);
        out->set("title", n->title);
        out->set("created_at", n->createdAt);
        Arr counts = new Poco::JSON::Array;
        for (const auto& [channel, state, n] : store.deliveryCounts(t.id(), nid)) {
            Obj o = new Poco::JSON::Object;
            o->set("channel", channel);
            o->set("state", state);
            o->set("count", n);
            counts->add(o);
        }
        out->set("counts", counts);
        Arr rows = new Poco::JSON::Array;
        for (const auto& d : store.deliveries(t.id(), nid, limit, offset)) {
            Obj o = new Poco::JSON::Object;
            o->set("user_id", d.userId);
            o->set("login", d.login);
            o->set("channel", d.channel);
            o->set("state", d.state);
            o->set("error", d.error);
            o->set("updated_at", d.updatedAt);
            rows->add(o);
        }
        out->set("rows", rows);
    });
    return out;
}

} // namespace kabinet
