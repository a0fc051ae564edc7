#include "notify/NotificationPreferences.h"

#include "notify/NotificationKinds.h"
#include "util/Error.h"

#include <Poco/JSON/Parser.h>

#include <optional>
#include <sstream>

namespace kabinet {

namespace {
using Obj = Poco::JSON::Object::Ptr;

Obj parsedObject(const std::string& text) {
    try {
        auto v = Poco::JSON::Parser().parse(text.empty() ? "{}" : text);
        if (v.type() == typeid(Obj)) return v.extract<Obj>();
    } catch (const std::exception&) {
    }
    return new Poco::JSON::Object;
}

std::string shortKey(const std::string& k) { return k.substr(0, 64); }

const char* kNotBoolean = "Ожидается да или нет";
} // namespace

bool NotificationPreferences::offered(bool staffCategory, const std::string& role) {
    return !staffCategory || role == "operator" || role == "tenant-admin" || role == "platform-admin";
}

NotificationSettings NotificationPreferences::of(soci::session& s, const std::string& tenant, const NotificationKinds& kinds,
                                                 const std::string& user, const std::string& role) {
    std::string json;
    soci::indicator ind = soci::i_null;
    s << "SELECT notifications_json FROM users WHERE tenant_id = :t AND user_id = :u", soci::use(tenant), soci::use(user),
        soci::into(json, ind);
    const Obj own = parsedObject(ind == soci::i_ok ? json : "");
    NotificationSettings out;
    for (const auto& c : kinds.categories) {
        if (!offered(c.staff, role)) continue;
        out.categories[c.id] = own->has(c.id) && own->get(c.id).isBoolean() ? own->get(c.id).convert<bool>() : c.defaultOn;
    }
    int email = 0, sms = 0, digest = 0;
    soci::indicator ie = soci::i_null, is = soci::i_null, id = soci::i_null;
    s << "SELECT email, sms, digest FROM notification_settings WHERE tenant_id = :t AND user_id = :u", soci::use(tenant),
        soci::use(user), soci::into(email, ie), soci::into(sms, is), soci::into(digest, id);
    const bool found = s.got_data();
    out.email = found && ie == soci::i_ok ? email != 0 : true;
    out.sms = found && is == soci::i_ok ? sms != 0 : true;
    out.digest = found && id == soci::i_ok ? digest != 0 : kinds.digestDefault;
    return out;
}

void NotificationPreferences::apply(soci::session& s, const std::string& tenant, const NotificationKinds& kinds,
                                    const std::string& user, const std::string& role, const Obj& change, long long now) {
    std::map<std::string, std::string> errors;
    std::map<std::string, bool> categories, channels;
    std::optional<bool> digest;
    for (const auto& [key, value] : *change) {
        if (key == "categories") {
            if (value.type() != typeid(Obj)) {
                errors["categories"] = "Ожидается объект: категория → да или нет";
                continue;
            }
            for (const auto& [id, on] : *value.extract<Obj>()) {
                const NotificationCategory* c = kinds.category(id);
                if (!c || !offered(c->staff, role)) errors["categories." + shortKey(id)] = "Неизвестная категория уведомлений";
                else if (!on.isBoolean()) errors["categories." + shortKey(id)] = kNotBoolean;
                else categories[id] = on.convert<bool>();
            }
        } else if (key == "channels") {
            if (value.type() != typeid(Obj)) {
                errors["channels"] = "Ожидается объект: канал → да или нет";
                continue;
            }
            for (const auto& [id, on] : *value.extract<Obj>()) {
                if (id != "email" && id != "sms") errors["channels." + shortKey(id)] = "Неизвестный канал: ожидается email или sms";
                else if (!on.isBoolean()) errors["channels." + id] = kNotBoolean;
                else channels[id] = on.convert<bool>();
            }
        } else if (key == "digest") {
            if (!value.isBoolean()) errors["digest"] = kNotBoolean;
            else digest = value.convert<bool>();
        } else {
            errors[shortKey(key)] = "Неизвестное поле";
        }
    }
    if (!errors.empty()) throw Unprocessable(errors);
    if (!categories.empty()) {
        std::string json;
        soci::indicator ind = soci::i_null;
        s << "SELECT notifications_json FROM users WHERE tenant_id = :t AND user_id = :u", soci::use(tenant), soci::use(user),
            soci::into(json, ind);
        Obj own = parsedObject(ind == soci::i_ok ? json : "");
        for (const auto& [id, on] : categories) own->set(id, on);
        std::ostringstream text;
        own->stringify(text);
        const std::string stored = text.str();
        s << "UPDATE users SET notifications_json = :j, updated_at = :n WHERE tenant_id = :t AND user_id = :u", soci::use(stored),
            soci::use(now), soci::use(tenant), soci::use(user);
    }
    if (!channels.empty() || digest) {
        s << "INSERT INTO notification_settings (tenant_id, user_id, updated_at) VALUES (:t, :u, :n) "
             "ON CONFLICT (tenant_id, user_id) DO NOTHING",
            soci::use(tenant), soci::use(user), soci::use(now);
        for (const auto& [id, on] : channels) {
            const int v = on ? 1 : 0;
            s << "UPDATE notification_settings SET " + id + " = :v, updated_at = :n WHERE tenant_id = :t AND user_id = :u",
                soci::use(v), soci::use(now), soci::use(tenant), soci::use(user);
        }
        if (digest) {
            const int v = *digest ? 1 : 0;
            s << "UPDATE notification_settings SET digest = :v, updated_at = :n WHERE tenant_id = :t AND user_id = :u",
                soci::use(v), soci::use(now), soci::use(tenant), soci::use(user);
        }
    }
}

Obj NotificationPreferences::toJson(const NotificationSettings& settings) {
    Obj categories = new Poco::JSON::Object;
    for (const auto& [id, on] : settings.categories) categories->set(id, on);
    Obj channels = new Poco::JSON::Object;
    channels->set("email", settings.email);
    channels->set("sms", settings.sms);
    Obj out = new Poco::JSON::Object;
    out->set("categories", categories);
    out->set("channels", channels);
    out->set("digest", settings.digest);
    return out;
}

} // namespace kabinet
