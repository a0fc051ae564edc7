#include "cases/CaseSupport.h"

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

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace kabinet::cases {

bool isStaff(const SessionInfo& s) { return s.role == "operator" || s.role == "tenant-admin" || s.role == "platform-admin"; }
/// The side of a case a person is on: "operator" for staff, else "consumer".
std::string sideOf(const SessionInfo& s) { return isStaff(s) ? "operator" : "consumer"; }

std::size_t chars(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string trimmed(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Obj parseObject(const std::string& text) {
    try {
        auto v = Poco::JSON::Parser().parse(text.empty() ? "{}" : text);
        if (v.type() == typeid(Obj)) return v.extract<Obj>();
    } catch (const std::exception&) {
    }
    return new Poco::JSON::Object;
}

std::string stringify(const Var& v) {
    if (v.isEmpty()) return "{}";
    std::ostringstream o;
    if (v.type() == typeid(Obj)) v.extract<Obj>()->stringify(o);
    else return luajson::stringify(v);
    return o.str();
}

/// A text member of a body: "" when absent or null; 422 naming it when not text.
std::string textMember(const Obj& b, const std::string& key) {
    if (!b || !b->has(key) || b->get(key).isEmpty()) return {};
    if (!b->get(key).isString()) throw Unprocessable({{key, "Ожидается текст"}});
    return b->getValue<std::string>(key);
}

/// The object member `fields` (absent: empty; text: parsed, as multipart forms send it).
Obj fieldsMember(const Obj& b) {
    if (!b || !b->has("fields") || b->get("fields").isEmpty()) return new Poco::JSON::Object;
    const Var v = b->get("fields");
    if (v.type() == typeid(Obj)) return v.extract<Obj>();
    if (v.isString()) {
        try {
            auto p = Poco::JSON::Parser().parse(v.convert<std::string>());
            if (p.type() == typeid(Obj)) return p.extract<Obj>();
        } catch (const std::exception&) {
        }
    }
    throw Unprocessable({{"fields", "Ожидается объект со значениями полей формы"}});
}

std::shared_ptr<const Model> modelOf(Tenant& t) { return CaseKinds::of(t); }

/// The end of a deadline of `days` counted from `event` by the tenant's production calendar (24:00 local time
/// of the last day).
long long deadlineOf(Tenant& t, long long event, int days, const std::string& unit) {
    return TenantCalendars::of(t).deadline(event, days, ProductionCalendar::unitOf(unit == "working" ? "working" : "calendar"), t.utcOffset());
}

/// The person's name as shown: ФИО, organisation, or e-mail.
std::string nameOf(Tenant& t, soci::session& se, const std::string& userId) {
    if (userId.empty()) return {};
    auto p = person(se, t.id(), userId);
    if (!p) return "Пользователь удалён";
    std::string n;
    try {
        n = t.displayName(p->kind, Poco::JSON::Parser().parse(p->fieldsJson.empty() ? "{}" : p->fieldsJson));
    } catch (const std::exception&) {
    }
    if (n.empty()) n = p->email;
    if (n.empty()) n = p->role == "consumer" ? "Заявитель" : "Сотрудник";
    return n;
}

/// Files grouped by type from parts "doc.<type>"; parts of unknown types or too many files refused (422).
std::map<std::string, int> countUploads(const Kind& k, const std::vector<CaseUpload>& uploads, const std::string& side) {
    std::map<std::string, int> out;
    FieldErrors e;
    for (const auto& u : uploads) {
        if (u.part.rfind("doc.", 0) != 0) {
            e[u.part] = "Неизвестная часть формы";
            continue;
        }
        const std::string type = u.part.substr(4);
        const DocType* d = k.document(type);
        if (!d || d->by != side) {
            e[u.part] = "Такой документ к этой заявке не прикладывается";
            continue;
        }
        if (++out[type] > d->maxCount) e[u.part] = "Не больше " + std::to_string(d->maxCount) + " файлов «" + d->label + "»";
    }
    if (!e.empty()) throw Unprocessable(e);
    return out;
}

/// Calls kabinet.tenant.<fn>(T, args…) and reads {errors} / {values, summary}.
Obj validated(Tenant& t, const std::string& fn, int nargs, const std::function<void(lua_State*)>& push) {
    Var r = t.callModule(fn, nargs, push);
    Obj o = r.type() == typeid(Obj) ? r.extract<Obj>() : Obj(new Poco::JSON::Object);
    if (o->has("errors") && o->get("errors").type() == typeid(Obj)) {
        FieldErrors e;
        for (const auto& [k, v] : *o->getObject("errors")) e[k] = v.isEmpty() ? std::string("Неверное значение") : v.convert<std::string>();
        if (!e.empty()) throw Unprocessable(e);
    }
    return o;
}


/// The case visible to this person, or 404.
CaseRow visible(CaseStore& store, const SessionInfo& s, const std::string& id) {
    auto c = isStaff(s) ? store.get(id) : store.getOwn(id, s.userId);
    if (!c) throw NotFound("not_found", "Заявка не найдена");
    return *c;
}

const Kind& kindOf(const Model& m, const CaseRow& c) {
    const Kind* k = m.kind(c.kind);
    if (!k) throw NotFound("not_found", "Вид заявки больше не поддерживается");
    return *k;
}


std::optional<long long> dateParam(const std::map<std::string, std::string>& q, const std::string& key, int offset, long long add, FieldErrors& e) {
    auto it = q.find(key);
    if (it == q.end() || it->second.empty()) return std::nullopt;
    try {
        return tz::localMidnight(it->second, offset) + add;
    } catch (const std::exception&) {
        e[key] = "Укажите дату в виде ГГГГ-ММ-ДД";
    }
    return std::nullopt;
}

std::string param(const std::map<std::string, std::string>& q, const std::string& key) {
    auto it = q.find(key);
    return it == q.end() ? std::string() : trimmed(it->second);
}

} // namespace kabinet::cases
