#include "outages/OutageService.h"

#include "identity/AuditLog.h"
#include "outages/AddressMatch.h"
#include "outages/OutageNotices.h"
#include "outages/OutageRules.h"
#include "outages/OutageStore.h"
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
#include <ctime>
#include <set>

namespace kabinet {

using namespace outages;

namespace {

using JsonObject = Poco::JSON::Object::Ptr;
using FieldErrors = std::map<std::string, std::string>;

constexpr long long kDay = 86400;
constexpr std::size_t kMaxRows = 500;
constexpr std::size_t kMaxAddresses = 100;

std::size_t chars(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

std::string trimmed(std::string s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool isStaff(const SessionInfo& s) { return s.role == "operator" || s.role == "tenant-admin" || s.role == "platform-admin"; }

OutageSettings enabled(const Tenant& t) {
    auto s = settingsOf(t);
    if (!s.enabled) throw NotFound("not_found", "Сведения об отключениях эта сетевая организация не публикует");
    return s;
}

/// Street key → the dictionary's spelling; empty when the tenant has no street dictionary.
std::map<std::string, std::string> streets(Tenant& t) {
    std::map<std::string, std::string> out;
    const std::string json = t.dictionaryJson("streets");
    if (json.empty()) return out;
    auto d = Poco::JSON::Parser().parse(json).extract<JsonObject>();
    auto items = d->getArray("items");
    for (std::size_t i = 0; items && i < items->size(); ++i) {
        auto item = items->getObject(i);
        if (!item || !item->has("value")) continue;
        const std::string v = item->getValue<std::string>("value");
        out.emplace(streetKey(v), v);
    }
    return out;
}

/// A text member: trimmed; nullopt when absent or null; an error when not a string.
std::optional<std::string> text(const JsonObject& b, const std::string& key, const std::string& field, FieldErrors& e) {
    if (!b->has(key) || b->get(key).isEmpty()) return std::nullopt;
    if (!b->get(key).isString()) {
        e[field] = "Ожидается текст";
        return std::nullopt;
    }
    return trimmed(b->getValue<std::string>(key));
}

/// A moment: "YYYY-MM-DDTHH:MM" in the tenant's zone, or Unix seconds. nullopt when absent (or wrong: then `e`).
std::optional<long long> moment(const JsonObject& b, const std::string& key, int offset, FieldErrors& e) {
    if (!b->has(key) || b->get(key).isEmpty()) return std::nullopt;
    const auto v = b->get(key);
    if (v.isNumeric() && !v.isString()) {
        const double d = v.convert<double>();
        if (d > 946684800.0 && d < 7258118400.0) return static_cast<long long>(d);
    } else if (v.isString()) {
        const std::string s = trimmed(v.convert<std::string>());
        if (s.empty()) return std::nullopt;
        if (auto t = parseLocal(s, offset)) return t;
    }
    e[key] = "Укажите дату и время в виде ДД.ММ.ГГГГ ЧЧ:ММ";
    return std::nullopt;
}

std::vector<AffectedAddress> addresses(Tenant& t, const JsonObject& b, FieldErrors& e) {
    std::vector<AffectedAddress> out;
    if (!b->has("addresses") || b->get("addresses").isEmpty()) {
        e["addresses"] = "Укажите хотя бы один адрес";
        return out;
    }
    Poco::JSON::Array::Ptr list;
    try {
        list = b->getArray("addresses");
    } catch (const std::exception&) {
    }
    if (!list) {
        e["addresses"] = "Ожидается список адресов";
        return out;
    }
    if (list->size() == 0) e["addresses"] = "Укажите хотя бы один адрес";
    if (list->size() > kMaxAddresses) {
        e["addresses"] = "Не больше " + std::to_string(kMaxAddresses) + " адресов в одном отключении";
        return out;
    }
    const auto dict = streets(t);
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string f = "addresses." + std::to_string(i) + ".";
        JsonObject item;
        try {
            item = list->getObject(i);
        } catch (const std::exception&) {
        }
        if (!item) {
            e[f + "street"] = "Выберите улицу или опишите адрес текстом";
            continue;
        }
        AffectedAddress a;
        a.street = text(item, "street", f + "street", e).value_or("");
        a.houses = text(item, "houses", f + "houses", e).value_or("");
        a.text = text(item, "text", f + "text", e).value_or("");
        if (!a.street.empty()) {
            a.text.clear();
            if (!dict.empty()) {
                auto it = dict.find(streetKey(a.street));
                if (it == dict.end()) e[f + "street"] = "Такой улицы нет в справочнике улиц";
                else a.street = it->second;
            } else if (streetKey(a.street).empty() || chars(a.street) > 200) {
                e[f + "street"] = "Укажите название улицы";
            }
            if (chars(a.houses) > 500) e[f + "houses"] = "Не больше 500 символов";
            else if (auto why = checkHouses(a.houses); !why.empty()) e[f + "houses"] = why;
        } else if (!a.text.empty()) {
            if (!a.houses.empty()) e[f + "houses"] = "Дома указываются вместе с улицей";
            if (chars(a.text) > 500) e[f + "text"] = "Не больше 500 символов";
            else if (folded(a.text).empty()) e[f + "text"] = "Опишите адрес";
        } else {
            e[f + "street"] = "Выберите улицу или опишите адрес текстом";
        }
        out.push_back(a);
    }
    return out;
}

/// Reads the members of a create/patch body into `o` (all of them required when `creating`).
void readBody(Tenant& t, const JsonObject& b, Outage& o, bool creating, long long now) {
    FieldErrors e;
    const int offset = t.utcOffset();
    if (creating || b->has("kind")) {
        auto k = text(b, "kind", "kind", e);
        if (!k || (*k != "planned" && *k != "emergency")) e["kind"] = "Выберите вид отключения: плановое или аварийное";
        else o.kind = *k;
    }
    if (creating || b->has("reason")) {
        auto r = text(b, "reason", "reason", e);
        if (!r || r->empty()) e["reason"] = "Укажите причину отключения";
        else if (chars(*r) > 1000) e["reason"] = "Не больше 1000 символов";
        else o.reason = *r;
    }
    if (creating || b->has("starts_at")) {
        auto v = moment(b, "starts_at", offset, e);
        if (v) o.startsAt = *v;
        else if (!e.count("starts_at")) e["starts_at"] = "Укажите начало отключения";
    }
    if (creating || b->has("planned_end")) {
        auto v = moment(b, "planned_end", offset, e);
        if (v) o.plannedEnd = *v;
        else if (!e.count("planned_end")) e["planned_end"] = "Укажите плановое окончание";
    }
    if (b->has("actual_end")) {
        auto v = moment(b, "actual_end", offset, e);
        if (v) o.actualEnd = v;
        else if (!e.count("actual_end")) e["actual_end"] = "Укажите фактическое окончание";
    }
    if (b->has("sources") && !b->get("sources").isEmpty()) {
        const auto v = b->get("sources");
        int n = 0;
        if (v.isInteger()) n = v.convert<int>();
        else if (v.isString() && (v.convert<std::string>() == "1" || v.convert<std::string>() == "2")) n = std::stoi(v.convert<std::string>());
        if (n != 1 && n != 2) e["sources"] = "Укажите число независимых источников питания: 1 или 2";
        else o.sources = n;
    }
    if (creating || b->has("addresses")) o.addresses = addresses(t, b, e);
    if (!e.count("starts_at") && !e.count("planned_end") && o.plannedEnd <= o.startsAt)
        e["planned_end"] = "Плановое окончание должно быть позже начала";
    if (o.actualEnd && !e.count("actual_end")) {
        if (*o.actualEnd < o.startsAt) e["actual_end"] = "Фактическое окончание не может быть раньше начала";
        else if (*o.actualEnd > now + 300) e["actual_end"] = "Фактическое окончание ещё не наступило";
    }
    if (!e.empty()) throw Unprocessable(e);
}

// ---- answers ---------------------------------------------------------------------------------------------------

Poco::Dynamic::Var nullable(const std::optional<std::string>& v) { return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var(); }

JsonObject outageJson(const Outage& o, int offset, long long now, bool staff) {
    JsonObject j = new Poco::JSON::Object;
    j->set("id", o.id);
    j->set("kind", o.kind);
    j->set("state", o.state);
    j->set("reason", o.reason);
    j->set("starts_at", o.startsAt);
    j->set("planned_end", o.plannedEnd);
    j->set("actual_end", o.actualEnd ? Poco::Dynamic::Var(*o.actualEnd) : Poco::Dynamic::Var());
    j->set("starts_local", localInput(o.startsAt, offset));
    j->set("planned_end_local", localInput(o.plannedEnd, offset));
    j->set("actual_end_local", nullable(o.actualEnd ? std::optional<std::string>(localInput(*o.actualEnd, offset)) : std::nullopt));
    j->set("sources", o.sources);
    const Duration d = durationOf(o, now);
    j->set("duration_minutes", d.minutes);
    j->set("permitted_minutes", d.permitted);
    j->set("exceeded", d.exceeded > 0);
    j->set("exceeded_minutes", d.exceeded);
    Poco::JSON::Array::Ptr addr = new Poco::JSON::Array;
    for (const auto& a : o.addresses) {
        JsonObject x = new Poco::JSON::Object;
        x->set("street", a.street);
        x->set("houses", a.houses);
        x->set("text", a.text);
        addr->add(x);
    }
    j->set("addresses", addr);
    j->set("address_line", addressLine(o));
    if (staff) {
        j->set("created_by", o.createdByLogin);
        j->set("created_at", o.createdAt);
        j->set("updated_by", o.updatedByLogin);
        j->set("updated_at", o.updatedAt);
    }
    return j;
}

struct Period {
    long long from = 0, to = 0;
    Poco::Dynamic::Var fromDate, toDate; ///< the dates asked for, or null
};

/// The period of ?from&to (dates in the tenant's zone, `to` inclusive); absent ends take the defaults.
Period period(const OutageService::Query& q, int offset, long long defFrom, long long defTo) {
    Period p{defFrom, defTo, {}, {}};
    FieldErrors e;
    auto read = [&](const char* key, long long add, long long& into, Poco::Dynamic::Var& date) {
        auto it = q.find(key);
        if (it == q.end() || it->second.empty()) return;
        try {
            into = tz::localMidnight(it->second, offset) + add;
            date = it->second;
        } catch (const std::exception&) {
            e[key] = "Укажите дату в виде ГГГГ-ММ-ДД";
        }
    };
    read("from", 0, p.from, p.fromDate);
    read("to", kDay, p.to, p.toDate);
    if (e.empty() && p.to <= p.from) e["to"] = "Конец периода не может быть раньше начала";
    if (!e.empty()) throw Unprocessable(e);
    return p;
}

std::string addressQuery(const OutageService::Query& q) {
    auto it = q.find("address");
    if (it == q.end()) return {};
    std::string a = trimmed(it->second);
    if (chars(a) > 300) throw Unprocessable({{"address", "Не больше 300 символов"}});
    return a;
}

/// True when outage `o` reaches the address a person typed: with a house, by affects(); a street alone, by mentions().
bool reaches(const Outage& o, const std::string& address) {
    const bool house = houseOf(address).has_value();
    for (const auto& a : o.addresses)
        if (house ? affects(a, address) : mentions(a, address)) return true;
    return false;
}

/// Outages overlapping the period (an open one past its planned end goes on until now).
std::vector<Outage> inPeriod(OutageStore& store, const Period& p, long long now) {
    auto all = store.overlapping(p.from, p.to, kMaxRows);
    std::vector<Outage> out;
    for (auto& o : all) {
        const long long end = o.actualEnd ? *o.actualEnd : std::max(o.plannedEnd, now);
        if (end >= p.from) out.push_back(std::move(o));
    }
    return out;
}

JsonObject listAnswer(const Period& p, const Poco::JSON::Array::Ptr& rows) {
    JsonObject j = new Poco::JSON::Object;
    j->set("from", p.fromDate);
    j->set("to", p.toDate);
    j->set("rows", rows);
    return j;
}

/// The consumer's own points an outage reaches.
std::vector<const PointAddress*> ownAffected(const Outage& o, const std::vector<PointAddress>& points) {
    std::vector<const PointAddress*> out;
    for (const auto& p : points)
        for (const auto& a : o.addresses)
            if (affects(a, p.address)) {
                out.push_back(&p);
                break;
            }
    return out;
}

struct Tally {
    long long count = 0, planned = 0, emergency = 0, minutes = 0, exceeded = 0, exceededMinutes = 0;
    void add(const Outage& o, long long now) {
        const Duration d = durationOf(o, now);
        ++count;
        (o.kind == "emergency" ? emergency : planned) += 1;
        minutes += d.minutes;
        if (d.exceeded > 0) ++exceeded;
        exceededMinutes += d.exceeded;
    }
    JsonObject json(const Poco::Dynamic::Var& address) const {
        JsonObject j = new Poco::JSON::Object;
        j->set("address", address);
        j->set("count", count);
        j->set("planned", planned);
        j->set("emergency", emergency);
        j->set("duration_minutes", minutes);
        j->set("exceeded", exceeded);
        j->set("exceeded_minutes", exceededMinutes);
        return j;
    }
};

long long yearStart(long long now, int offset) { return tz::localMidnight(tz::localDate(now, offset).substr(0, 4) + "-01-01", offset); }

std::string newId() { return crypto::randomToken(12); }

/// The audit entry of an operator's change to an outage, in the change's transaction.
void audit(soci::session& se, const Tenant& t, const SessionInfo& s, const Outage& o, const char* action, const std::string& client) {
    AuditEntry e = AuditEntry::done("operator", s.userId, action, client);
    e.details->set("outage_kind", o.kind);
    e.details->set("address", addressLine(o));
    e.details->set("addresses", static_cast<int>(o.addresses.size()));
    e.details->set("starts_at", o.startsAt);
    AuditLog::recordIn(se, t.id(), e);
}

} // namespace

// ---- operators ---------------------------------------------------------------------------------------------------

JsonObject OutageService::create(Tenant& t, const SessionInfo& s, const JsonObject& body, long long now, const std::string& client) {
    const auto settings = enabled(t);
    Outage o;
    o.id = newId();
    o.sources = settings.sources;
    readBody(t, body, o, true, now);
    o.state = o.actualEnd ? "closed" : "published";
    o.createdBy = o.updatedBy = s.userId;
    o.createdAt = o.updatedAt = now;
    db_.transaction([&](soci::session& se) {
        OutageStore store(se, t.id());
        store.insert(o);
        audit(se, t, s, o, o.state == "closed" ? "outage_close" : "outage_publish", client);
        if (o.state != "published") return;
        if (o.kind == "emergency") {
            notifyStage(se, t, store, o, "emergency", now, channels_);
        } else if (o.startsAt - settings.notifyDaysAhead * kDay <= now && o.plannedEnd > now && store.claimReminder(o.id, now)) {
            notifyStage(se, t, store, o, "planned", now, channels_);
        }
        o = *store.get(o.id);
    });
    return outageJson(o, t.utcOffset(), now, true);
}

JsonObject OutageService::change(Tenant& t, const SessionInfo& s, const std::string& id, const JsonObject& body, long long now,
                                  const std::string& client) {
    const auto settings = enabled(t);
    Outage result;
    db_.transaction([&](soci::session& se) {
        OutageStore store(se, t.id());
        auto found = store.get(id);
        if (!found) throw NotFound("not_found", "Отключение не найдено");
        Outage o = *found;
        if (o.state == "closed") throw Conflict("outage_closed", "Отключение уже закрыто, изменить его нельзя");
        if (o.state == "cancelled") throw Conflict("outage_cancelled", "Отключение отменено, изменить его нельзя");
        readBody(t, body, o, false, now);
        const bool closing = o.actualEnd.has_value();
        if (closing) o.state = "closed";
        o.updatedBy = s.userId;
        o.updatedAt = now;
        store.update(o);
        audit(se, t, s, o, closing ? "outage_close" : "outage_change", client);
        if (closing) {
            notifyStage(se, t, store, o, "ended", now, channels_);
        } else if (o.kind == "emergency") {
            notifyStage(se, t, store, o, "emergency", now, channels_);
        } else if (o.startsAt - settings.notifyDaysAhead * kDay <= now && o.plannedEnd > now) {
            store.claimReminder(o.id, now);
            notifyStage(se, t, store, o, "planned", now, channels_);
        }
        result = *store.get(id);
    });
    return outageJson(result, t.utcOffset(), now, true);
}

JsonObject OutageService::cancel(Tenant& t, const SessionInfo& s, const std::string& id, long long now, const std::string& client) {
    enabled(t);
    Outage result;
    db_.transaction([&](soci::session& se) {
        OutageStore store(se, t.id());
        auto found = store.get(id);
        if (!found) throw NotFound("not_found", "Отключение не найдено");
        Outage o = *found;
        if (o.state == "closed") throw Conflict("outage_closed", "Отключение уже закрыто, отменить его нельзя");
        if (o.state == "cancelled") throw Conflict("outage_cancelled", "Отключение уже отменено");
        if (o.startsAt <= now) throw Conflict("outage_started", "Отключение уже началось: отменить его нельзя, его можно только закрыть");
        o.state = "cancelled";
        o.updatedBy = s.userId;
        o.updatedAt = now;
        store.update(o);
        audit(se, t, s, o, "outage_cancel", client);
        notifyStage(se, t, store, o, "cancelled", now, channels_);
        result = *store.get(id);
    });
    return outageJson(result, t.utcOffset(), now, true);
}

// ---- lookups -----------------------------------------------------------------------------------------------------

JsonObject OutageService::list(Tenant& t, const SessionInfo& s, const Query& q, long long now) {
    enabled(t);
    const int offset = t.utcOffset();
    const Period p = period(q, offset, now, now + 3650 * kDay);
    const std::string address = addressQuery(q);
    const bool staff = isStaff(s);
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    db_.read([&](soci::session& se) {
        OutageStore store(se, t.id());
        const auto outages = inPeriod(store, p, now);
        std::vector<PointAddress> own;
        const bool mine = address.empty() && !staff;
        if (mine) own = store.visiblePoints(s.userId);
        for (const auto& o : outages) {
            if (!address.empty() && !reaches(o, address)) continue;
            JsonObject j = outageJson(o, offset, now, staff);
            if (mine) {
                const auto hit = ownAffected(o, own);
                if (hit.empty()) continue;
                Poco::JSON::Array::Ptr pts = new Poco::JSON::Array;
                for (const auto* pa : hit) {
                    JsonObject x = new Poco::JSON::Object;
                    x->set("id", pa->id);
                    x->set("name", pa->name);
                    x->set("address", pa->address);
                    pts->add(x);
                }
                j->set("points", pts);
            }
            rows->add(j);
        }
    });
    return listAnswer(p, rows);
}

JsonObject OutageService::stats(Tenant& t, const SessionInfo& s, const Query& q, long long now) {
    enabled(t);
    const int offset = t.utcOffset();
    const Period p = period(q, offset, yearStart(now, offset), now + kDay);
    const std::string address = addressQuery(q);
    JsonObject answer = new Poco::JSON::Object;
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    Tally total;
    db_.read([&](soci::session& se) {
        OutageStore store(se, t.id());
        auto outages = inPeriod(store, p, now);
        // A cancelled outage did not happen.
        outages.erase(std::remove_if(outages.begin(), outages.end(), [](const Outage& o) { return o.state == "cancelled"; }), outages.end());
        std::vector<std::string> addresses;
        if (!address.empty()) {
            addresses.push_back(address);
        } else if (!isStaff(s)) {
            std::set<std::string> seen;
            for (const auto& pa : store.visiblePoints(s.userId))
                if (!pa.address.empty() && seen.insert(pa.address).second) addresses.push_back(pa.address);
        }
        if (addresses.empty() && (isStaff(s) && address.empty())) {
            for (const auto& o : outages) total.add(o, now);
            rows->add(total.json(Poco::Dynamic::Var()));
            return;
        }
        std::set<std::string> counted;
        for (const auto& a : addresses) {
            Tally tally;
            for (const auto& o : outages)
                if (reaches(o, a)) {
                    tally.add(o, now);
                    if (counted.insert(o.id).second) total.add(o, now);
                }
            rows->add(tally.json(a));
        }
    });
    answer->set("from", tz::localDate(p.from, offset));
    answer->set("to", tz::localDate(p.to - 1, offset));
    answer->set("rows", rows);
    answer->set("total", total.json(Poco::Dynamic::Var()));
    return answer;
}

JsonObject OutageService::publicList(Tenant& t, const Query& q, long long now) {
    const auto settings = enabled(t);
    if (!settings.publicList) throw NotFound("not_found", "Сведения об отключениях эта сетевая организация не публикует");
    const int offset = t.utcOffset();
    const Period p = period(q, offset, now - 7 * kDay, now + 3650 * kDay);
    const std::string address = addressQuery(q);
    Poco::JSON::Array::Ptr rows = new Poco::JSON::Array;
    db_.read([&](soci::session& se) {
        OutageStore store(se, t.id());
        for (const auto& o : inPeriod(store, p, now))
            if (address.empty() || reaches(o, address)) rows->add(outageJson(o, offset, now, false));
    });
    return listAnswer(p, rows);
}

// ---- notices ahead of time ---------------------------------------------------------------------------------------

int OutageService::notifyDue(Tenant& t, long long now) {
    const auto settings = settingsOf(t);
    if (!settings.enabled) return 0;
    std::vector<std::string> due;
    db_.read([&](soci::session& se) { due = OutageStore(se, t.id()).dueReminders(now, settings.notifyDaysAhead * kDay); });
    int announced = 0;
    for (const auto& id : due) {
        db_.transaction([&](soci::session& se) {
            OutageStore store(se, t.id());
            if (!store.claimReminder(id, now)) return;
            auto o = store.get(id);
            if (!o) return;
            notifyStage(se, t, store, *o, "planned", now, channels_);
            ++announced;
        });
    }
    return announced;
}

int OutageService::notifyDue(TenantRegistry& tenants, long long now) {
    int announced = 0;
    for (const auto& id : tenants.ids()) {
        TenantScope scope(id); // the tenant's own database, when it has one
        auto t = tenants.find(id);
        if (!t) continue;
        try {
            announced += notifyDue(*t, now);
        } catch (const std::exception& e) {
            log::error("outage notices failed", {{"tenant", id}, {"error", e.what()}});
        }
    }
    return announced;
}

} // namespace kabinet
