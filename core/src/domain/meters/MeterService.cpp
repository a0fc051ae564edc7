#include "meters/MeterService.h"

#include "identity/GuessGuard.h"
#include "lua/LuaJson.h"
#include "meters/MeterData.h"
#include "meters/JsonText.h"
#include "meters/MeterRegistry.h"
#include "meters/RegisterMath.h"
#include "plugins/PluginHost.h"
#include "util/Crypto.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "util/Error.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

namespace kabinet {

namespace {

using JsonObject = Poco::JSON::Object::Ptr;
using JsonArray = Poco::JSON::Array::Ptr;
using FieldErrors = std::map<std::string, std::string>;

constexpr long long kDay = 86400;
constexpr long long kMaxRangeDays = 3 * 366 + 31; ///< three years and a bit: the archive depth of the seeds

long long now() { return static_cast<long long>(std::time(nullptr)); }

JsonObject object() { return new Poco::JSON::Object; }
JsonArray array() { return new Poco::JSON::Array; }

Error pointNotFound() { return NotFound("point_not_found", "Точка учёта не найдена"); }

std::string text(const soci::row& r, std::size_t i) { return columnText(r, i); }
std::optional<double> real(const soci::row& r, std::size_t i) { return columnReal(r, i); }
long long integer(const soci::row& r, std::size_t i) { return columnInteger(r, i); }

Poco::Dynamic::Var json(const std::optional<double>& v) {
    if (!v) return Poco::Dynamic::Var();
    return std::round(*v * 1000.0) / 1000.0;
}

Poco::Dynamic::Var jsonText(const std::string& v) { return v.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v); }

/// The rows of a query as JSON objects with the given column names.
JsonArray rows(soci::session& s, const std::string& sql, const std::vector<std::string>& names, const std::vector<std::string>& numeric,
               const std::vector<std::string>& params) {
    JsonArray out = array();
    soci::rowset<soci::row> rs = [&]() -> soci::rowset<soci::row> {
        switch (params.size()) {
        case 1: return s.prepare << sql, soci::use(params[0]);
        case 2: return s.prepare << sql, soci::use(params[0]), soci::use(params[1]);
        case 3: return s.prepare << sql, soci::use(params[0]), soci::use(params[1]), soci::use(params[2]);
        default: return s.prepare << sql;
        }
    }();
    for (const auto& r : rs) {
        JsonObject o = object();
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (std::find(numeric.begin(), numeric.end(), names[i]) != numeric.end()) o->set(names[i], json(real(r, i)));
            else o->set(names[i], jsonText(text(r, i)));
        }
        out->add(o);
    }
    return out;
}

std::string param(const Query& q, const std::string& key, const std::string& fallback = "") {
    auto it = q.find(key);
    return it == q.end() || it->second.empty() ? fallback : it->second;
}

/// [from, to) in UTC from the query's dates in the tenant's zone; defaults to the `defaultDays` days ending today.
std::pair<long long, long long> range(const Query& q, int offset, int defaultDays) {
    const std::string today = tz::localDate(now(), offset);
    long long from, to;
    try {
        to = tz::localMidnight(param(q, "to", today), offset) + kDay;
        from = q.count("from") && !q.at("from").empty() ? tz::localMidnight(q.at("from"), offset) : to - defaultDays * kDay;
    } catch (const std::invalid_argument&) {
        throw Unprocessable(FieldErrors{{q.count("from") ? "from" : "to", "Укажите дату в формате ГГГГ-ММ-ДД"}});
    }
    if (from >= to) throw Unprocessable(FieldErrors{{"from", "Начало периода должно быть раньше его конца"}});
    if (to - from > kMaxRangeDays * kDay) throw Unprocessable(FieldErrors{{"from", "Период не может быть длиннее трёх лет"}});
    return {from, to};
}

std::string energyParam(const Query& q) {
    const std::string e = param(q, "energy", "A+");
    if (e != "A+" && e != "A-" && e != "R+" && e != "R-") throw Unprocessable(FieldErrors{{"energy", "Допустимо A+, A-, R+ или R-"}});
    return e;
}

/// Access ways of the user's applicant kind (or the tenant's).
std::vector<std::string> waysFor(const Tenant& t, const std::string& kind) {
    std::vector<std::string> out;
    auto profile = t.profile().extract<Poco::JSON::Object::Ptr>();
    if (auto kinds = profile->getArray("applicant_kinds"))
        for (const auto& k : *kinds) {
            auto ko = k.extract<Poco::JSON::Object::Ptr>();
            if (ko->optValue<std::string>("id", "") == kind && ko->has("access_ways"))
                for (const auto& w : *ko->getArray("access_ways")) out.push_back(w.convert<std::string>());
        }
    if (out.empty() && profile->has("access_ways"))
        for (const auto& w : *profile->getArray("access_ways")) out.push_back(w.convert<std::string>());
    return out;
}

void requireWay(const Tenant& t, const SessionInfo& s, const std::string& way) {
    auto ways = waysFor(t, s.kind);
    if (std::find(ways.begin(), ways.end(), way) == ways.end())
        throw Error(403, "access_way_unavailable", "Этот способ получения доступа к приборам учёта не используется");
}

const char* kVisiblePoints =
    "SELECT p.point_id FROM metering_points p WHERE p.tenant_id = :vt AND EXISTS (SELECT 1 FROM access_grants g WHERE "
    "g.tenant_id = p.tenant_id AND g.user_id = :vu AND ((g.scope = 'point' AND g.ref_id = p.point_id) OR (g.scope = 'account' AND "
    "g.ref_id = p.account_id) OR (g.scope = 'contract' AND (g.ref_id = p.contract_id OR g.ref_id = (SELECT a.contract_id FROM accounts a "
    "WHERE a.tenant_id = p.tenant_id AND a.account_id = p.account_id)))))";

bool isStaff(const SessionInfo& s) { return s.role != "consumer"; }

/// Whether a consumer may submit readings of a meter: {"allowed": bool, "reason": text or null}.
JsonObject manualAvailability(const Tenant& t, bool smart, bool polled);

/// True when the meter is polled by the server (an enabled link to a gateway).
bool isPolled(soci::session& se, const std::string& tenant, const std::string& meter) {
    int n = 0;
    se << "SELECT COUNT(*) FROM meter_links WHERE tenant_id = :t AND meter_id = :m AND enabled <> 0", soci::use(tenant), soci::use(meter),
        soci::into(n);
    return n > 0;
}

} // namespace

// ---- access ----------------------------------------------------------------------------------------------------

JsonObject MeterService::access(Tenant& t, const SessionInfo& s) {
    JsonObject out = object();
    JsonArray ways = array();
    for (const auto& w : waysFor(t, s.kind)) ways->add(w);
    out->set("ways", ways);
    db_.read([&](soci::session& se) {
        out->set("accounts", rows(se, "SELECT a.account_id, a.number, a.address, a.holder_name FROM access_grants g JOIN accounts a ON "
                                      "a.tenant_id = g.tenant_id AND a.account_id = g.ref_id WHERE g.tenant_id = :t AND g.user_id = :u AND "
                                      "g.scope = 'account' ORDER BY a.number",
                                  {"id", "number", "address", "holder_name"}, {}, {t.id(), s.userId}));
        out->set("contracts", rows(se, "SELECT c.contract_id, c.number, COALESCE(g.title, c.number), c.consumer_name, c.kind, c.valid_from, "
                                       "c.valid_to, c.legal_address, c.actual_address, c.supplier FROM access_grants g JOIN contracts c ON "
                                       "c.tenant_id = g.tenant_id AND c.contract_id = g.ref_id WHERE g.tenant_id = :t AND g.user_id = :u AND "
                                       "g.scope = 'contract' ORDER BY c.number",
                                   {"id", "number", "title", "consumer_name", "kind", "valid_from", "valid_to", "legal_address",
                                    "actual_address", "supplier"},
                                   {}, {t.id(), s.userId}));
        // A supplier is stored by its id in the tenant's `suppliers` dictionary; people read its name.
        const std::string dict = t.dictionaryJson("suppliers");
        std::map<std::string, std::string> supplierNames;
        if (!dict.empty()) {
            auto d = luajson::parse(dict).extract<Poco::JSON::Object::Ptr>();
            if (auto items = d->getArray("items"))
                for (const auto& item : *items)
                    if (item.type() == typeid(Poco::JSON::Object::Ptr)) {
                        auto o = item.extract<Poco::JSON::Object::Ptr>();
                        supplierNames[o->optValue<std::string>("value", "")] = o->optValue<std::string>("label", "");
                    }
        }
        for (const auto& c : *out->getArray("contracts")) {
            auto o = c.extract<Poco::JSON::Object::Ptr>();
            const std::string id = o->optValue<std::string>("supplier", "");
            auto it = supplierNames.find(id);
            o->set("supplier_name", jsonText(it != supplierNames.end() && !it->second.empty() ? it->second : id));
        }
        int n = 0;
        se << "SELECT COUNT(*) FROM (" + std::string(kVisiblePoints) + ") v", soci::use(t.id()), soci::use(s.userId), soci::into(n);
        out->set("points", n);
    });
    return out;
}

JsonObject MeterService::addAccount(Tenant& t, const SessionInfo& s, const std::string& raw, const std::string& client) {
    requireWay(t, s, "account_number");
    std::string number;
    for (char c : raw)
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '-') number += c;
    if (number.empty() || number.size() > 32) throw Unprocessable(FieldErrors{{"number", "Укажите номер лицевого счёта"}});
    GuessGuard guess(db_, t, s.userId, client, "account_number", number); // throttled and audited (identity/GuessGuard)
    JsonObject out = object();
    bool missed = false;
    db_.transaction([&](soci::session& se) {
        std::string id, address, holder;
        se << "SELECT account_id, address, holder_name FROM accounts WHERE tenant_id = :t AND number = :n", soci::use(t.id()), soci::use(number),
            soci::into(id), soci::into(address), soci::into(holder);
        if (!se.got_data()) {
            missed = true;
            return;
        }
        int has = 0;
        se << "SELECT COUNT(*) FROM access_grants WHERE tenant_id = :t AND user_id = :u AND scope = 'account' AND ref_id = :r",
            soci::use(t.id()), soci::use(s.userId), soci::use(id), soci::into(has);
        if (has) throw Conflict("already_added", "Этот лицевой счёт уже добавлен", FieldErrors{{"number", "Этот лицевой счёт уже добавлен"}});
        const long long n = now();
        se << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, granted_at) VALUES (:t, :u, 'account', :r, "
              "'account_number', :n)",
            soci::use(t.id()), soci::use(s.userId), soci::use(id), soci::use(n);
        JsonObject a = object();
        a->set("id", id);
        a->set("number", number);
        a->set("address", address);
        out->set("account", a);
    });
    if (missed) {
        guess.miss();
        throw Error(404, "account_not_found", "Лицевой счёт не найден в базе данных сетевой организации",
                    FieldErrors{{"number", "Лицевой счёт не найден в базе данных сетевой организации"}});
    }
    out->set("message", "Номер лицевого счета успешно добавлен");
    return out;
}

void MeterService::removeAccount(Tenant& t, const SessionInfo& s, const std::string& accountId) {
    db_.transaction([&](soci::session& se) {
        soci::statement st = (se.prepare << "DELETE FROM access_grants WHERE tenant_id = :t AND user_id = :u AND scope = 'account' AND "
                                            "ref_id = :r",
                              soci::use(t.id()), soci::use(s.userId), soci::use(accountId));
        st.execute(true);
        if (st.get_affected_rows() == 0) throw NotFound("account_not_found", "Лицевой счёт не найден");
    });
}

namespace {
/// The ОГРН (or ОГРНИП) of the user's profile.
std::string userOgrn(soci::session& se, const std::string& tenant, const std::string& userId) {
    std::string fields;
    se << "SELECT fields_json FROM users WHERE tenant_id = :t AND user_id = :u", soci::use(tenant), soci::use(userId), soci::into(fields);
    auto o = luajson::parse(fields.empty() ? "{}" : fields).extract<Poco::JSON::Object::Ptr>();
    for (const char* k : {"ogrn", "ogrnip"})
        if (o->has(k) && o->get(k).isString()) return o->getValue<std::string>(k);
    return {};
}
} // namespace

JsonObject MeterService::checkOgrn(Tenant& t, const SessionInfo& s) {
    requireWay(t, s, "ogrn_contract");
    JsonObject out = object();
    db_.read([&](soci::session& se) {
        const std::string ogrn = userOgrn(se, t.id(), s.userId);
        int n = 0;
        if (!ogrn.empty()) se << "SELECT COUNT(*) FROM contracts WHERE tenant_id = :t AND ogrn = :o", soci::use(t.id()), soci::use(ogrn), soci::into(n);
        if (!n)
            throw NotFound("ogrn_not_found", "Сведения об ОГРН (ОГРНИП) не найдены в базе данных сетевой организации. "
                                             "Обратитесь в техническую поддержку");
    });
    out->set("found", true);
    return out;
}

JsonObject MeterService::confirmOgrn(Tenant& t, const SessionInfo& s, const std::string& contractNumber, const std::string& client) {
    requireWay(t, s, "ogrn_contract");
    const std::string number = Poco::trim(contractNumber);
    if (number.empty() || number.size() > 64) throw Unprocessable(FieldErrors{{"contract_number", "Укажите номер договора"}});
    GuessGuard guess(db_, t, s.userId, client, "ogrn_contract", number); // throttled and audited (identity/GuessGuard)
    bool missed = false;
    db_.transaction([&](soci::session& se) {
        const std::string ogrn = userOgrn(se, t.id(), s.userId);
        int match = 0;
        if (!ogrn.empty())
            se << "SELECT COUNT(*) FROM contracts WHERE tenant_id = :t AND ogrn = :o AND number = :n", soci::use(t.id()), soci::use(ogrn),
                soci::use(number), soci::into(match);
        if (!match) {
            missed = true;
            return;
        }
        std::vector<std::string> ids;
        soci::rowset<std::string> rs = (se.prepare << "SELECT contract_id FROM contracts WHERE tenant_id = :t AND ogrn = :o",
                                        soci::use(t.id()), soci::use(ogrn));
        for (const auto& id : rs) ids.push_back(id);
        const long long n = now();
        for (const auto& id : ids)
            se << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, granted_at) VALUES (:t, :u, 'contract', :r, "
                  "'ogrn_contract', :n) ON CONFLICT (tenant_id, user_id, scope, ref_id) DO NOTHING",
                soci::use(t.id()), soci::use(s.userId), soci::use(id), soci::use(n);
    });
    if (missed) {
        guess.miss();
        throw Unprocessable(FieldErrors{{"contract_number", "Договор с таким номером не найден для вашего ОГРН (ОГРНИП)"}});
    }
    JsonObject out = object();
    out->set("contracts", access(t, s)->get("contracts"));
    return out;
}

void MeterService::renameContract(Tenant& t, const SessionInfo& s, const std::string& contractId, const std::string& rawTitle) {
    const std::string title = Poco::trim(rawTitle);
    if (title.empty() || title.size() > 200) throw Unprocessable(FieldErrors{{"title", "Название — от 1 до 200 символов"}});
    db_.transaction([&](soci::session& se) {
        soci::statement st = (se.prepare << "UPDATE access_grants SET title = :title WHERE tenant_id = :t AND user_id = :u AND "
                                            "scope = 'contract' AND ref_id = :r",
                              soci::use(title), soci::use(t.id()), soci::use(s.userId), soci::use(contractId));
        st.execute(true);
        if (st.get_affected_rows() == 0) throw NotFound("contract_not_found", "Договор не найден");
    });
}

// ---- points ------------------------------------------------------------------------------------------------------
// The point views: who may see a point and what a query may ask are decided here; the SQL is PointReadStore's
// and the arithmetic RegisterMath's.

namespace {
Viewer viewerOf(const SessionInfo& s) { return Viewer{s.userId, isStaff(s)}; }

/// The readings query's parameters, checked: [from, to), energy and kind.
struct ReadingsAsk {
    long long from = 0, to = 0;
    std::string energy, kind;
};

ReadingsAsk readingsAsk(const Query& q, int off) {
    ReadingsAsk a;
    std::tie(a.from, a.to) = range(q, off, 31);
    a.energy = energyParam(q);
    a.kind = param(q, "kind", "latest");
    if (a.kind != "latest" && a.kind != "billing") throw Unprocessable(FieldErrors{{"kind", "Допустимо latest или billing"}});
    return a;
}

/// A numeric column as the answer writes it (rounded to three decimals, null when NULL): the database's own text
/// when it is already that, else formatted from the value.
void numberValue(std::string& out, const FetchedRows& rows, std::size_t r, std::size_t c) {
    if (rows.isNull(r, c)) out += "null";
    else if (!jsontext::plainNumber(out, rows.text(r, c))) jsontext::number(out, rows.real(r, c));
}

/// A whole-number column as the answer writes it.
void wholeValue(std::string& out, const FetchedRows& rows, std::size_t r, std::size_t c) {
    const std::string_view v = rows.text(r, c);
    if (v.empty() || v.find_first_not_of("-0123456789") != std::string_view::npos || v[0] == '0' || (v[0] == '-' && v.size() > 1 && v[1] == '0'))
        jsontext::integer(out, rows.integer(r, c));
    else
        out += v;
}

/// Appends the readings answer {"energy", "rows"} of rows [begin, end) of the fetched readings (columns
/// meter_id, ts, total, t1..t4, source, kind): the keys in the order Poco::JSON writes them.
void readingsJson(std::string& out, const std::string& energy, const FetchedRows* rows, std::size_t begin, std::size_t end, int off) {
    out += "{\"energy\":";
    jsontext::string(out, energy);
    out += ",\"rows\":[";
    for (std::size_t r = begin; r < end; ++r) {
        const long long ts = rows->integer(r, 1);
        out += r == begin ? "{\"date\":" : ",{\"date\":";
        jsontext::string(out, tz::localDate(ts, off));
        out += ",\"kind\":";
        jsontext::string(out, rows->text(r, 8));
        out += ",\"source\":";
        jsontext::string(out, rows->text(r, 7));
        static const char* keys[] = {",\"t1\":", ",\"t2\":", ",\"t3\":", ",\"t4\":", ",\"total\":"};
        static const std::size_t cols[] = {3, 4, 5, 6, 2};
        for (int k = 0; k < 5; ++k) {
            out += keys[k];
            numberValue(out, *rows, r, cols[k]);
        }
        out += ",\"ts\":";
        jsontext::integer(out, ts);
        out += '}';
    }
    out += "]}";
}
} // namespace

std::string MeterService::visibleMeter(Tenant& t, const SessionInfo& s, const std::string& pointId) {
    if (pointId.empty() || pointId.size() > 64) throw pointNotFound();
    auto meter = reads_.visibleMeter(t.id(), viewerOf(s), pointId);
    if (!meter) throw pointNotFound();
    return *meter;
}

JsonObject MeterService::points(Tenant& t, const SessionInfo& s) {
    // Staff see every point of the tenant; a consumer the points granted to them. The latest readings of all
    // the listed meters come in one query.
    const FetchedRows rows = reads_.pointList(t.id(), viewerOf(s));
    std::vector<std::string> meters;
    for (std::size_t r = 0; r < rows.size(); ++r) meters.emplace_back(rows.text(r, 6));
    const auto latest = reads_.latestReadings(t.id(), meters);
    JsonArray list = array();
    for (std::size_t r = 0; r < rows.size(); ++r) {
        auto str = [&](std::size_t c) { return std::string(rows.text(r, c)); };
        JsonObject p = object();
        p->set("id", str(0));
        p->set("name", str(1));
        p->set("number", str(2));
        p->set("address", str(3));
        p->set("account", jsonText(str(4)));
        p->set("contract", jsonText(str(5)));
        JsonObject m = object();
        m->set("id", str(6));
        m->set("model", str(7));
        m->set("serial", str(8));
        m->set("smart", rows.integer(r, 9) != 0);
        m->set("phases", rows.integer(r, 10));
        m->set("tariff_zones", rows.integer(r, 11));
        p->set("meter", m);
        p->set("manual_readings", manualAvailability(t, rows.integer(r, 9) != 0, rows.integer(r, 12) != 0));
        auto it = latest.find(meters[r]);
        if (it != latest.end()) {
            JsonObject l = object();
            l->set("ts", it->second.ts);
            static const char* names[] = {"total", "t1", "t2", "t3", "t4"};
            for (int i = 0; i < 5; ++i) l->set(names[i], json(it->second.v[i]));
            p->set("latest", l);
        } else {
            p->set("latest", Poco::Dynamic::Var());
        }
        list->add(p);
    }
    JsonObject out = object();
    out->set("points", list);
    return out;
}

JsonObject MeterService::point(Tenant& t, const SessionInfo& s, const std::string& pointId) {
    const std::string meter = visibleMeter(t, s, pointId);
    JsonObject out = object();
    out->set("point", reads_.pointCard(t.id(), pointId));
    JsonObject mo = reads_.meterCard(t.id(), meter);
    if (mo) {
        mo->set("smart", mo->getValue<double>("smart") != 0);
        mo->set("virtual", mo->getValue<double>("virtual") != 0);
        const bool polled = reads_.isPolled(t.id(), meter);
        mo->set("polled", polled);
        out->set("manual_readings", manualAvailability(t, mo->getValue<bool>("smart"), polled));
    }
    out->set("meter", mo ? Poco::Dynamic::Var(mo) : Poco::Dynamic::Var());
    out->set("transformers", reads_.transformers(t.id(), meter));
    return out;
}

std::string MeterService::readingsText(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    if (pointId.empty() || pointId.size() > 64) throw pointNotFound();
    const int off = t.utcOffset();
    // The point is checked and its readings read in one query; a bad parameter is answered only for a point the
    // session sees (404 before 422, as every point view).
    std::optional<ReadingsAsk> a;
    try {
        a = readingsAsk(q, off);
    } catch (const Error&) {
        visibleMeter(t, s, pointId);
        throw;
    }
    const auto rows = reads_.visibleReadings(t.id(), viewerOf(s), pointId, a->energy, a->kind, a->from, a->to);
    if (!rows) throw pointNotFound();
    const std::size_t n = rows->size() == 1 && rows->isNull(0, 1) ? 0 : rows->size();
    std::string out;
    out.reserve(64 + n * 150);
    readingsJson(out, a->energy, &*rows, 0, n, off);
    return out;
}

std::vector<std::string> MeterService::readingsText(Tenant& t, const SessionInfo& s, const std::vector<std::string>& pointIds, const Query& q) {
    for (const auto& p : pointIds)
        if (p.empty() || p.size() > 64) throw pointNotFound();
    const auto visible = reads_.visibleMeters(t.id(), viewerOf(s), pointIds);
    std::vector<std::string> meters;
    meters.reserve(pointIds.size());
    for (const auto& p : pointIds) {
        auto it = visible.find(p);
        if (it == visible.end()) throw pointNotFound();
        meters.push_back(it->second);
    }
    const int off = t.utcOffset();
    const ReadingsAsk a = readingsAsk(q, off);
    // One query per chunk of meters, rows ordered by meter then time: each meter's rows are one run.
    std::map<std::string, std::pair<const FetchedRows*, std::pair<std::size_t, std::size_t>>> runs;
    std::vector<std::string> unique(meters);
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    const auto found = reads_.readings(t.id(), unique, a.energy, a.kind, a.from, a.to);
    for (const auto& rows : found)
        for (std::size_t r = 0; r < rows.size();) {
            std::size_t e = r + 1;
            while (e < rows.size() && rows.text(e, 0) == rows.text(r, 0)) ++e;
            runs[std::string(rows.text(r, 0))] = {&rows, {r, e}};
            r = e;
        }
    std::vector<std::string> out;
    out.reserve(meters.size());
    for (const auto& m : meters) {
        std::string text;
        auto it = runs.find(m);
        if (it == runs.end()) {
            readingsJson(text, a.energy, nullptr, 0, 0, off);
        } else {
            const auto [rows, span] = it->second;
            text.reserve(64 + (span.second - span.first) * 150);
            readingsJson(text, a.energy, rows, span.first, span.second, off);
        }
        out.push_back(std::move(text));
    }
    return out;
}

JsonObject MeterService::readings(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    return luajson::parse(readingsText(t, s, pointId, q)).extract<Poco::JSON::Object::Ptr>();
}

JsonObject MeterService::consumption(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    const std::string meter = visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const std::string group = param(q, "group", "day");
    if (group != "day" && group != "week" && group != "month") throw Unprocessable(FieldErrors{{"group", "Допустимо day, week или month"}});
    auto [from, to] = range(q, off, group == "month" ? 365 : group == "week" ? 91 : 31);
    const std::string asked[2] = {tz::localDate(from, off), tz::localDate(to - kDay, off)};
    if (group == "month") from = monthStart(from, off);
    if (group == "week") from = weekStart(from, off);
    const std::string energy = energyParam(q);
    const auto regs = reads_.registers(t.id(), meter, energy, from, to + kDay);
    JsonArray list = array();
    for (long long start = from; start < to;) {
        const long long end = group == "month" ? monthStart(start, off, 1) : start + (group == "week" ? 7 : 1) * kDay;
        const Register* a = registerAt(regs, start);
        const Register* b = registerAt(regs, std::min(end, now()));
        JsonObject o = object();
        o->set("period", group == "month" ? tz::localDate(start, off).substr(0, 7) : tz::localDate(start, off));
        o->set("start_ts", start);
        static const char* names[] = {"total", "t1", "t2", "t3", "t4"};
        for (int i = 0; i < 5; ++i) o->set(names[i], json(consumptionBetween(a, b, i)));
        list->add(o);
        start = end;
    }
    JsonObject out = object();
    out->set("group", group);
    out->set("energy", energy);
    out->set("from", asked[0]);
    out->set("to", asked[1]);
    out->set("rows", list);
    return out;
}

std::string MeterService::profileText(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    const std::string meter = visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const auto [from, to] = range(q, off, 1);
    const std::string wanted = param(q, "interval");
    if (!wanted.empty() && wanted != "15" && wanted != "30" && wanted != "60")
        throw Unprocessable(FieldErrors{{"interval", "Допустимо 15, 30 или 60 минут"}});
    // Up to three years of half-hours (52,560 rows): fetched at once and written as JSON text directly, without an
    // object per row; values the database printed as the answer prints them are copied as they are.
    const FetchedRows rows = reads_.profile(t.id(), meter, from, to);
    long long native = 0; // the longest interval the meter stored in the period
    for (std::size_t r = 0; r < rows.size(); ++r) native = std::max(native, rows.integer(r, 1));
    static const char* keys[] = {",\"p_plus\":", ",\"p_minus\":", ",\"q_plus\":", ",\"q_minus\":"};
    std::string text;
    // A longer interval than stored is computed here; a shorter one cannot be: the stored one is answered.
    int interval = native > 0 ? static_cast<int>(native) : 30;
    if (!wanted.empty() && std::stoi(wanted) > interval && std::stoi(wanted) % interval == 0) {
        interval = std::stoi(wanted);
        ProfileRows stored;
        stored.reserve(rows.size());
        for (std::size_t r = 0; r < rows.size(); ++r) {
            const double x[4] = {rows.real(r, 2), rows.real(r, 3), rows.real(r, 4), rows.real(r, 5)};
            stored.add(rows.integer(r, 0), rows.integer(r, 1), x);
        }
        const ProfileRows merged = aggregateProfile(stored, interval, off);
        text.reserve(64 + merged.size() * 90);
        text += "{\"interval_min\":";
        jsontext::integer(text, interval);
        text += ",\"rows\":[";
        for (std::size_t i = 0; i < merged.size(); ++i) {
            text += i ? ",{\"ts\":" : "{\"ts\":";
            jsontext::integer(text, merged.ts[i]);
            for (int k = 0; k < 4; ++k) {
                text += keys[k];
                jsontext::number(text, merged.v[k][i]);
            }
            text += '}';
        }
        text += "]}";
    return text;
    }
    text.reserve(64 + rows.size() * 90);
    text += "{\"interval_min\":";
    jsontext::integer(text, interval);
    text += ",\"rows\":[";
    for (std::size_t r = 0; r < rows.size(); ++r) {
        text += r ? ",{\"ts\":" : "{\"ts\":";
        wholeValue(text, rows, r, 0);
        for (std::size_t k = 0; k < 4; ++k) {
            text += keys[k];
            numberValue(text, rows, r, k + 2);
        }
        text += '}';
    }
    text += "]}";
    return text;
}

JsonObject MeterService::profile(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    return luajson::parse(profileText(t, s, pointId, q)).extract<Poco::JSON::Object::Ptr>();
}

JsonObject MeterService::events(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    const std::string meter = visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const auto [from, to] = range(q, off, 365);
    const std::string category = param(q, "category"), severity = param(q, "severity");
    if (!severity.empty() && severity != "info" && severity != "warning" && severity != "alarm")
        throw Unprocessable(FieldErrors{{"severity", "Допустимо info, warning или alarm"}});
    if (category.size() > 32) throw Unprocessable(FieldErrors{{"category", "Неизвестная категория"}});
    JsonArray list = array();
    JsonObject byCategory = object(), bySeverity = object();
    const FetchedRows rows = reads_.events(t.id(), meter, from, to);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const std::string cat(rows.text(r, 3)), sev(rows.text(r, 4));
        byCategory->set(cat, (byCategory->has(cat) ? byCategory->getValue<int>(cat) : 0) + 1);
        bySeverity->set(sev, (bySeverity->has(sev) ? bySeverity->getValue<int>(sev) : 0) + 1);
        if ((!category.empty() && cat != category) || (!severity.empty() && sev != severity)) continue;
        JsonObject o = object();
        o->set("ts_start", rows.integer(r, 0));
        o->set("ts_end", rows.isNull(r, 1) ? Poco::Dynamic::Var() : Poco::Dynamic::Var(rows.integer(r, 1)));
        o->set("code", std::string(rows.text(r, 2)));
        o->set("category", cat);
        o->set("severity", sev);
        o->set("text", std::string(rows.text(r, 5)));
        o->set("tamper", rows.integer(r, 6) != 0);
        list->add(o);
    }
    JsonObject stats = object();
    stats->set("by_category", byCategory);
    stats->set("by_severity", bySeverity);
    JsonObject out = object();
    out->set("rows", list);
    out->set("stats", stats);
    return out;
}

JsonObject MeterService::network(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    const std::string meter = visibleMeter(t, s, pointId);
    long long atTs = now();
    if (q.count("at")) {
        try {
            atTs = std::stoll(q.at("at"));
        } catch (const std::exception&) {
            throw Unprocessable(FieldErrors{{"at", "Ожидается момент времени в секундах"}});
        }
    }
    JsonObject out = object();
    const auto ts = reads_.networkMoment(t.id(), meter, atTs);
    if (!ts) {
        out->set("ts", Poco::Dynamic::Var());
        out->set("phases", array());
        return out;
    }
    auto phases = reads_.networkPhases(t.id(), meter, *ts);
    out->set("ts", *ts);
    Poco::Dynamic::Var frequency;
    for (const auto& p : *phases) {
        auto po = p.extract<Poco::JSON::Object::Ptr>();
        if (frequency.isEmpty() && !po->get("frequency").isEmpty()) frequency = po->get("frequency");
    }
    out->set("frequency", frequency);
    out->set("phases", phases);
    return out;
}

JsonObject MeterService::history(Tenant& t, const SessionInfo& s, const std::string& pointId, long long nowTs) {
    const std::string meter = visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const auto regs = reads_.registers(t.id(), meter, "A+", monthStart(nowTs, off, -24), nowTs + kDay);
    JsonArray periods = array();
    for (int back = 12; back >= 1; --back) {
        const long long start = monthStart(nowTs, off, -back);
        const auto use = monthUse(regs, start, nowTs, off);
        const auto lastYear = monthUse(regs, monthStart(start, off, -12), nowTs, off);
        JsonObject o = object();
        o->set("period", tz::localDate(start, off).substr(0, 7));
        o->set("consumption", json(use));
        o->set("last_year", json(lastYear));
        o->set("change_pct", use && lastYear && *lastYear > 0 ? json((*use - *lastYear) / *lastYear * 100.0) : Poco::Dynamic::Var());
        periods->add(o);
    }
    // Forecast to the end of the current billing period: the average daily consumption so far times the days.
    const Forecast fc = forecastAt(regs, nowTs, off);
    JsonObject f = object();
    f->set("period", tz::localDate(fc.periodStart, off).substr(0, 7));
    f->set("consumed", json(fc.consumed));
    f->set("days_passed", std::round(fc.daysPassed * 10) / 10);
    f->set("days_total", fc.daysTotal);
    f->set("forecast", json(fc.forecast));
    f->set("last_year", json(fc.lastYear));
    f->set("method", "Среднесуточное потребление с начала расчётного периода, умноженное на число дней периода");
    JsonObject out = object();
    out->set("periods", periods);
    out->set("forecast", f);
    return out;
}

// ---- operators ---------------------------------------------------------------------------------------------------

JsonObject MeterService::consumers(Tenant& t, const std::string& rawQ) {
    const std::string q = Poco::toLower(Poco::trim(rawQ));
    if (q.size() > 100) throw Unprocessable(FieldErrors{{"q", "Слишком длинный запрос"}});
    // A login typed as the portal shows it («118-452-306 44») is also looked for as stored: its digits.
    std::string digits;
    bool onlyDigits = true;
    for (char c : q) {
        if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
        else if (!std::isspace(static_cast<unsigned char>(c)) && c != '-' && c != '(' && c != ')' && c != '+') onlyDigits = false;
    }
    JsonArray list = array();
    db_.read([&](soci::session& se) {
        const std::string like = "%" + q + "%", likeDigits = onlyDigits && !digits.empty() ? "%" + digits + "%" : like;
        soci::rowset<soci::row> rs = (se.prepare << "SELECT user_id, kind, login, email, phone, fields_json, login_field FROM users WHERE tenant_id = :t "
                                                    "AND role = 'consumer' AND (login LIKE :q OR email LIKE :q2 OR login LIKE :d) ORDER BY login LIMIT 50",
                                      soci::use(t.id()), soci::use(like), soci::use(like), soci::use(likeDigits));
        for (const auto& r : rs) {
            JsonObject o = object();
            o->set("id", text(r, 0));
            o->set("kind", text(r, 1));
            o->set("login", text(r, 2));
            o->set("login_field", text(r, 6)); // which field the login is (snils, phone, …): the portal formats it
            o->set("email", jsonText(text(r, 3)));
            o->set("phone", jsonText(text(r, 4)));
            o->set("fields", luajson::parse(text(r, 5).empty() ? "{}" : text(r, 5)));
            list->add(o);
        }
        for (auto& u : *list) {
            auto uo = u.extract<Poco::JSON::Object::Ptr>();
            // Each grant with the number people know it by (account, contract or point number) and the point's name.
            uo->set("grants", rows(se, "SELECT g.scope, g.ref_id, g.way, COALESCE(a.number, c.number, p.number), p.name FROM access_grants g "
                                       "LEFT JOIN accounts a ON g.scope = 'account' AND a.tenant_id = g.tenant_id AND a.account_id = g.ref_id "
                                       "LEFT JOIN contracts c ON g.scope = 'contract' AND c.tenant_id = g.tenant_id AND c.contract_id = g.ref_id "
                                       "LEFT JOIN metering_points p ON g.scope = 'point' AND p.tenant_id = g.tenant_id AND p.point_id = g.ref_id "
                                       "WHERE g.tenant_id = :t AND g.user_id = :u ORDER BY g.scope, g.ref_id",
                                   {"scope", "ref", "way", "number", "point_name"}, {}, {t.id(), uo->getValue<std::string>("id")}));
        }
    });
    JsonObject out = object();
    out->set("consumers", list);
    return out;
}

void MeterService::grant(Tenant& t, const SessionInfo& op, const JsonObject& body, bool revoke) {
    auto str = [&](const char* k) { return body->has(k) && body->get(k).isString() ? body->getValue<std::string>(k) : std::string(); };
    const std::string userId = str("user_id"), scope = str("scope"), ref = Poco::trim(str("ref"));
    FieldErrors errors;
    if (userId.empty()) errors["user_id"] = "Укажите потребителя";
    if (scope != "account" && scope != "contract" && scope != "point") errors["scope"] = "Допустимо account, contract или point";
    if (ref.empty() || ref.size() > 64) errors["ref"] = "Укажите номер лицевого счёта, договора или точку учёта";
    if (!errors.empty()) throw Unprocessable(errors);
    db_.transaction([&](soci::session& se) {
        int user = 0;
        se << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND user_id = :u AND role = 'consumer'", soci::use(t.id()), soci::use(userId),
            soci::into(user);
        if (!user) throw Unprocessable(FieldErrors{{"user_id", "Потребитель не найден"}});
        std::string refId;
        if (scope == "account") se << "SELECT account_id FROM accounts WHERE tenant_id = :t AND number = :n", soci::use(t.id()), soci::use(ref), soci::into(refId);
        else if (scope == "contract") se << "SELECT contract_id FROM contracts WHERE tenant_id = :t AND number = :n", soci::use(t.id()), soci::use(ref), soci::into(refId);
        else se << "SELECT point_id FROM metering_points WHERE tenant_id = :t AND (point_id = :n OR number = :n2)", soci::use(t.id()), soci::use(ref),
                 soci::use(ref), soci::into(refId);
        if (!se.got_data()) throw Unprocessable(FieldErrors{{"ref", "Не найдено в данных сетевой организации"}});
        if (revoke) {
            se << "DELETE FROM access_grants WHERE tenant_id = :t AND user_id = :u AND scope = :s AND ref_id = :r", soci::use(t.id()),
                soci::use(userId), soci::use(scope), soci::use(refId);
        } else {
            const long long n = now();
            se << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, granted_by, granted_at) VALUES (:t, :u, :s, :r, "
                  "'operator_grant', :by, :n) ON CONFLICT (tenant_id, user_id, scope, ref_id) DO NOTHING",
                soci::use(t.id()), soci::use(userId), soci::use(scope), soci::use(refId), soci::use(op.userId), soci::use(n);
        }
    });
}

} // namespace kabinet

// ---- manual readings -----------------------------------------------------------------------------------------------

namespace kabinet {

bool MeterService::inWindow(int day, int fromDay, int toDay) {
    if (fromDay <= toDay) return day >= fromDay && day <= toDay;
    return day >= fromDay || day <= toDay;
}

namespace {
struct ManualPolicy {
    bool enabled = false;
    std::string approval = "operator";
    int fromDay = 1, toDay = 31;
    double maxDailyKwh = 1000;
    bool virtualMeters = false;
    bool nonSmartOnly = false; ///< readings only for meters that are not read remotely (ОЭС 360)
    bool polledMeters = false; ///< readings also for meters the server polls itself
};

ManualPolicy manualPolicy(const Tenant& t) {
    ManualPolicy p;
    auto profile = t.profile().extract<Poco::JSON::Object::Ptr>();
    if (auto modules = profile->getArray("modules"))
        for (const auto& m : *modules) p.enabled |= m.convert<std::string>() == "manual_readings";
    if (auto mr = t.moduleSettings("manual_readings")) { // checked, with the defaults (kabinet.settings)
        p.approval = mr->getValue<std::string>("approval");
        auto w = mr->getObject("window");
        p.fromDay = w->getValue<int>("from_day");
        p.toDay = w->getValue<int>("to_day");
        p.maxDailyKwh = mr->getValue<double>("max_daily_kwh");
        p.virtualMeters = mr->getValue<bool>("virtual_meters");
        p.nonSmartOnly = mr->getValue<bool>("non_smart_only");
        p.polledMeters = mr->getValue<bool>("polled_meters");
    }
    return p;
}

/// Why a consumer may not submit readings of a meter, or empty when they may: the tenant takes none, the
/// meter is polled by the server (unless settings.manual_readings.polled_meters) or is a smart meter whose
/// data come by themselves (settings.manual_readings.non_smart_only).
std::string manualRefusal(const ManualPolicy& p, bool smart, bool polled) {
    if (!p.enabled) return "Передача показаний в личном кабинете не предусмотрена";
    if ((polled && !p.polledMeters) || (smart && p.nonSmartOnly)) return "Показания этого прибора учёта передаются автоматически";
    return "";
}

JsonObject manualAvailability(const Tenant& t, bool smart, bool polled) {
    const std::string why = manualRefusal(manualPolicy(t), smart, polled);
    JsonObject o = object();
    o->set("allowed", why.empty());
    o->set("reason", jsonText(why));
    return o;
}
std::optional<double> number(const JsonObject& b, const std::string& key) {
    if (!b->has(key) || b->get(key).isEmpty()) return std::nullopt;
    auto v = b->get(key);
    try {
        if (v.isNumeric()) return v.convert<double>();
        if (v.isString()) {
            std::string s = v.convert<std::string>();
            std::replace(s.begin(), s.end(), ',', '.');
            std::size_t pos = 0;
            double d = std::stod(s, &pos);
            if (pos == s.size()) return d;
        }
    } catch (const std::exception&) {
    }
    throw Unprocessable(FieldErrors{{key, "Введите число"}});
}

/// A register value as Russian text: groups of thousands split by a no-break space, a decimal comma, at most
/// three decimals ("5 700,896").
std::string fmt(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", std::fabs(v));
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    const std::size_t dot = std::min(s.find('.'), s.size());
    std::string out = s.substr(dot);
    if (!out.empty()) out[0] = ',';
    std::string intPart;
    for (std::size_t i = 0; i < dot; ++i) {
        if (i && (dot - i) % 3 == 0) intPart += "\u00a0";
        intPart += s[i];
    }
    return (v < 0 && s != "0" ? "-" : "") + intPart + out;
}

/// A submitted reading checked against the meter's own readings next to its time, whatever their source
/// (polled, ingested, manual): not below the one before, not above the one after, and under the tenant's
/// ceiling of consumption per day since the one before. Field errors per zone (empty when plausible).
FieldErrors plausibility(soci::session& se, const std::string& tenant, const std::string& meter, long long ts, const std::optional<double> (&v)[5],
                         int zones, double maxDailyKwh) {
    static const char* names[] = {"total", "t1", "t2", "t3", "t4"};
    FieldErrors errors;
    soci::row before, after;
    se << "SELECT ts, total, t1, t2, t3, t4 FROM readings WHERE tenant_id = :t AND meter_id = :m AND energy = 'A+' AND kind = 'latest' "
          "AND ts <= :ts ORDER BY ts DESC LIMIT 1",
        soci::use(tenant), soci::use(meter), soci::use(ts), soci::into(before);
    const bool hasBefore = se.got_data();
    if (hasBefore) {
        for (int i = 1; i <= zones; ++i) {
            auto last = columnReal(before, static_cast<std::size_t>(i + 1));
            if (last && v[i] && *v[i] + 1e-9 < *last) errors[names[i]] = "Показание не может быть меньше предыдущего (" + fmt(*last) + ")";
        }
    }
    se << "SELECT ts, total, t1, t2, t3, t4 FROM readings WHERE tenant_id = :t AND meter_id = :m AND energy = 'A+' AND kind = 'latest' "
          "AND ts > :ts ORDER BY ts LIMIT 1",
        soci::use(tenant), soci::use(meter), soci::use(ts), soci::into(after);
    if (se.got_data()) {
        for (int i = 1; i <= zones; ++i) {
            auto next = columnReal(after, static_cast<std::size_t>(i + 1));
            if (next && v[i] && *v[i] > *next + 1e-9 && !errors.count(names[i]))
                errors[names[i]] = "Показание не может быть больше последующего (" + fmt(*next) + ")";
        }
    }
    if (hasBefore && errors.empty()) {
        auto lastTotal = columnReal(before, 1);
        const double days = std::max(1.0, static_cast<double>(ts - columnInteger(before, 0)) / kDay);
        if (lastTotal && v[0] && (*v[0] - *lastTotal) / days > maxDailyKwh)
            errors[zones == 1 ? "t1" : "total"] = "Слишком большой расход с прошлого показания: проверьте введённые значения";
    }
    return errors;
}
} // namespace

JsonObject MeterService::submitReading(Tenant& t, const SessionInfo& s, const std::string& pointId, const JsonObject& body, long long nowTs) {
    const ManualPolicy policy = manualPolicy(t);
    if (!policy.enabled) throw Error(403, "manual_readings_unavailable", "Передача показаний в личном кабинете не предусмотрена");
    const std::string meter = visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const std::string today = tz::localDate(nowTs, off);
    const int day = std::stoi(today.substr(8, 2));
    if (!inWindow(day, policy.fromDay, policy.toDay))
        throw Unprocessable(FieldErrors{{"date", "Показания принимаются с " + std::to_string(policy.fromDay) + " по " +
                                                     std::to_string(policy.toDay) + " число месяца"}});
    std::string date = body->has("date") && body->get("date").isString() ? body->getValue<std::string>("date") : today;
    long long ts;
    try {
        // Today's reading is of the moment it is submitted; an earlier day's stands for the middle of that day.
        ts = date == today ? nowTs : tz::localMidnight(date, off) + 12 * 3600;
    } catch (const std::invalid_argument&) {
        throw Unprocessable(FieldErrors{{"date", "Укажите дату в формате ГГГГ-ММ-ДД"}});
    }
    if (date > today) throw Unprocessable(FieldErrors{{"date", "Дата показаний не может быть в будущем"}});
    if (ts < nowTs - 62 * kDay) throw Unprocessable(FieldErrors{{"date", "Дата показаний не может быть старше двух месяцев"}});
    int zones = 1, smart = 0;
    bool polled = false;
    db_.read([&](soci::session& se) {
        se << "SELECT tariff_zones, smart FROM meters WHERE tenant_id = :t AND meter_id = :m", soci::use(t.id()), soci::use(meter), soci::into(zones),
            soci::into(smart);
        polled = isPolled(se, t.id(), meter);
    });
    if (const std::string why = manualRefusal(policy, smart != 0, polled); !why.empty()) throw Error(403, "manual_readings_unavailable", why);
    std::optional<double> v[5];
    static const char* names[] = {"total", "t1", "t2", "t3", "t4"};
    FieldErrors errors;
    for (int i = 1; i <= 4; ++i) {
        v[i] = number(body, names[i]);
        if (i <= zones && !v[i]) errors[names[i]] = "Введите показание";
        if (i > zones && v[i]) errors[names[i]] = "У прибора учёта нет такой тарифной зоны";
        if (v[i] && (*v[i] < 0 || *v[i] > 1e9)) errors[names[i]] = "Недопустимое значение";
    }
    if (!errors.empty()) throw Unprocessable(errors);
    v[0] = 0.0;
    for (int i = 1; i <= zones; ++i) *v[0] += *v[i];
    db_.read([&](soci::session& se) { errors = plausibility(se, t.id(), meter, ts, v, zones, policy.maxDailyKwh); });
    if (!errors.empty()) throw Unprocessable(errors);
    const std::string id = crypto::randomToken(12);
    const std::string state = policy.approval == "auto" ? "accepted" : "pending";
    db_.transaction([&](soci::session& se) {
        soci::indicator ind[5];
        soci::indicator decidedInd = state == "accepted" ? soci::i_ok : soci::i_null;
        double val[5];
        for (int i = 0; i < 5; ++i) {
            ind[i] = v[i] ? soci::i_ok : soci::i_null;
            val[i] = v[i].value_or(0);
        }
        se << "INSERT INTO manual_readings (tenant_id, submission_id, meter_id, user_id, ts, t1, t2, t3, t4, total, state, submitted_at, "
              "decided_at) VALUES (:t, :id, :m, :u, :ts, :t1, :t2, :t3, :t4, :total, :st, :sub, :dec)",
            soci::use(t.id()), soci::use(id), soci::use(meter), soci::use(s.userId), soci::use(ts), soci::use(val[1], ind[1]),
            soci::use(val[2], ind[2]), soci::use(val[3], ind[3]), soci::use(val[4], ind[4]), soci::use(val[0]), soci::use(state),
            soci::use(nowTs), soci::use(nowTs, decidedInd);
    });
    if (state == "accepted") {
        MeterDataBatch b;
        b.readings.push_back({meter, ts, "latest", "A+", v[0], v[1], v[2], v[3], v[4], "consumer"});
        MeterDataSink(db_).write(t.id(), b);
    }
    JsonObject out = object();
    out->set("id", id);
    out->set("state", state);
    out->set("ts", ts);
    out->set("message", state == "accepted" ? "Показания приняты" : "Показания отправлены оператору на проверку");
    return out;
}

JsonObject MeterService::manualReadings(Tenant& t, const SessionInfo& s, const std::string& pointId) {
    const std::string meter = visibleMeter(t, s, pointId);
    JsonObject out = object();
    db_.read([&](soci::session& se) {
        out->set("rows", rows(se, "SELECT submission_id, ts, t1, t2, t3, t4, total, state, reason, submitted_at, decided_at FROM manual_readings "
                                  "WHERE tenant_id = :t AND meter_id = :m ORDER BY submitted_at DESC LIMIT 200",
                              {"id", "ts", "t1", "t2", "t3", "t4", "total", "state", "reason", "submitted_at", "decided_at"},
                              {"ts", "t1", "t2", "t3", "t4", "total", "submitted_at", "decided_at"}, {t.id(), meter}));
    });
    return out;
}

JsonObject MeterService::pendingReadings(Tenant& t, const std::string& rawState) {
    const std::string state = rawState.empty() ? "pending" : rawState;
    if (state != "pending" && state != "accepted" && state != "rejected")
        throw Unprocessable(FieldErrors{{"state", "Допустимо pending, accepted или rejected"}});
    JsonObject out = object();
    db_.read([&](soci::session& se) {
        out->set("rows", rows(se, "SELECT r.submission_id, r.ts, r.t1, r.t2, r.t3, r.t4, r.total, r.state, r.reason, r.submitted_at, "
                                  "p.point_id, p.name, p.address, m.model, m.serial, u.login FROM manual_readings r JOIN meters m ON "
                                  "m.tenant_id = r.tenant_id AND m.meter_id = r.meter_id JOIN metering_points p ON p.tenant_id = m.tenant_id "
                                  "AND p.point_id = m.point_id JOIN users u ON u.tenant_id = r.tenant_id AND u.user_id = r.user_id "
                                  "WHERE r.tenant_id = :t AND r.state = :s ORDER BY r.submitted_at LIMIT 500",
                              {"id", "ts", "t1", "t2", "t3", "t4", "total", "state", "reason", "submitted_at", "point_id", "point_name",
                               "address", "model", "serial", "consumer"},
                              {"ts", "t1", "t2", "t3", "t4", "total", "submitted_at"}, {t.id(), state}));
    });
    return out;
}

void MeterService::decideReading(Tenant& t, const SessionInfo& op, const std::string& id, bool approve, const std::string& rawReason) {
    const std::string reason = Poco::trim(rawReason);
    if (!approve && (reason.empty() || reason.size() > 1000))
        throw Unprocessable(FieldErrors{{"reason", "Укажите причину отказа (до 1000 символов)"}});
    std::optional<ReadingRow> accepted;
    db_.transaction([&](soci::session& se) {
        soci::row r;
        se << "SELECT meter_id, ts, total, t1, t2, t3, t4, state FROM manual_readings WHERE tenant_id = :t AND submission_id = :id",
            soci::use(t.id()), soci::use(id), soci::into(r);
        if (!se.got_data()) throw NotFound("reading_not_found", "Показание не найдено");
        if (text(r, 7) != "pending") throw Conflict("already_decided", "Решение по этому показанию уже принято");
        const long long n = now();
        const std::string state = approve ? "accepted" : "rejected";
        se << "UPDATE manual_readings SET state = :s, reason = :r, decided_at = :n, decided_by = :by WHERE tenant_id = :t AND submission_id = :id",
            soci::use(state), soci::use(reason), soci::use(n), soci::use(op.userId), soci::use(t.id()), soci::use(id);
        if (approve) {
            accepted = ReadingRow{text(r, 0), integer(r, 1), "latest", "A+", real(r, 2), real(r, 3), real(r, 4), real(r, 5), real(r, 6), "consumer"};
            // The meter may have sent readings since the submission: the reading must still fit between them.
            int zones = 1;
            se << "SELECT tariff_zones FROM meters WHERE tenant_id = :t AND meter_id = :m", soci::use(t.id()), soci::use(accepted->meterId),
                soci::into(zones);
            const std::optional<double> v[5] = {accepted->total, accepted->t1, accepted->t2, accepted->t3, accepted->t4};
            FieldErrors errors = plausibility(se, t.id(), accepted->meterId, accepted->ts, v, std::clamp(zones, 1, 4), manualPolicy(t).maxDailyKwh);
            if (!errors.empty()) {
                std::string why;
                for (const auto& [k, e] : errors) why += (why.empty() ? "" : "; ") + e;
                throw Conflict("reading_inconsistent", "Показание противоречит показаниям прибора учёта: " + why, errors);
            }
        }
    });
    if (accepted) {
        MeterDataBatch b;
        b.readings.push_back(*accepted);
        MeterDataSink(db_).write(t.id(), b);
    }
}

JsonObject MeterService::createVirtualMeter(Tenant& t, const SessionInfo& s, const JsonObject& body, const std::string& client) {
    const ManualPolicy policy = manualPolicy(t);
    if (!policy.enabled || !policy.virtualMeters) throw Error(403, "virtual_meters_unavailable", "Виртуальные приборы учёта не предусмотрены");
    auto str = [&](const char* k) { return body->has(k) && body->get(k).isString() ? Poco::trim(body->getValue<std::string>(k)) : std::string(); };
    const std::string address = str("address"), serial = str("serial");
    std::string account; // as POST access/accounts takes it: without spaces and dashes
    for (char c : str("account_number"))
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '-') account += c;
    std::string model = str("model");
    FieldErrors errors;
    if (address.empty() || address.size() > 300) errors["address"] = "Укажите место установки прибора учёта";
    if (account.empty() || account.size() > 32) errors["account_number"] = "Укажите номер лицевого счёта";
    if (serial.empty() || serial.size() > 32) errors["serial"] = "Укажите заводской номер прибора учёта";
    if (model.size() > 100) errors["model"] = "Слишком длинное название";
    if (!errors.empty()) throw Unprocessable(errors);
    if (model.empty()) model = "Прибор учёта";
    // The account number must be one of the utility's: a number not found is a guess, throttled and audited
    // like those of POST access/accounts (identity/GuessGuard).
    GuessGuard guess(db_, t, s.userId, client, "virtual_meter_account", account);
    std::string pointId, meterId;
    bool missed = false;
    db_.transaction([&](soci::session& se) {
        int known = 0;
        se << "SELECT COUNT(*) FROM accounts WHERE tenant_id = :t AND number = :n", soci::use(t.id()), soci::use(account), soci::into(known);
        if (!known) {
            missed = true;
            return;
        }
        int taken = 0;
        se << "SELECT COUNT(*) FROM meters WHERE tenant_id = :t AND model = :m AND serial = :s", soci::use(t.id()), soci::use(model),
            soci::use(serial), soci::into(taken);
        if (taken) throw Conflict("meter_exists", "Прибор учёта с таким заводским номером уже есть", FieldErrors{{"serial", "Прибор учёта с таким заводским номером уже есть"}});
        // The point belongs to this consumer alone (granted by point, not through the account, which others
        // may see too); the account number the consumer gave is kept in its name.
        MeteringPoint p;
        p.name = "Виртуальный прибор учёта (л/с " + account + ")";
        p.number = "V-" + crypto::randomToken(6);
        p.address = address;
        p.installationPlace = address;
        pointId = MeterRegistry::upsertPoint(se, t.id(), p);
        Meter m;
        m.pointId = pointId;
        m.model = model;
        m.serial = serial;
        m.isVirtual = true;
        m.tariffZones = 1;
        meterId = MeterRegistry::upsertMeter(se, t.id(), m);
        const long long n = now();
        se << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, granted_at) VALUES (:t, :u, 'point', :p, 'virtual', :n)",
            soci::use(t.id()), soci::use(s.userId), soci::use(pointId), soci::use(n);
    });
    if (missed) {
        guess.miss();
        throw Unprocessable(FieldErrors{{"account_number", "Лицевой счёт не найден в базе данных сетевой организации"}});
    }
    JsonObject out = object();
    out->set("point_id", pointId);
    out->set("meter_id", meterId);
    return out;
}

} // namespace kabinet

// ---- supplier login (connectors) -------------------------------------------------------------------------------------

namespace kabinet {

JsonObject MeterService::linkSupplier(Tenant& t, const SessionInfo& s, const JsonObject& body,
                                      const std::map<std::string, std::unique_ptr<Connector>>& connectors) {
    requireWay(t, s, "supplier_login");
    auto str = [&](const char* k) { return body->has(k) && body->get(k).isString() ? body->getValue<std::string>(k) : std::string(); };
    const std::string supplier = str("supplier"), title = Poco::trim(str("title")), login = Poco::trim(str("login")), password = str("password");
    FieldErrors errors;
    std::string supplierName;
    const std::string dict = t.dictionaryJson("suppliers");
    const Poco::Dynamic::Var dictionary = dict.empty() ? Poco::Dynamic::Var() : luajson::parse(dict);
    if (!dict.empty())
        for (const auto& item : *dictionary.extract<Poco::JSON::Object::Ptr>()->getArray("items")) {
            auto o = item.extract<Poco::JSON::Object::Ptr>();
            if (o->optValue<std::string>("value", "") == supplier) supplierName = o->optValue<std::string>("label", supplier);
        }
    if (supplierName.empty()) errors["supplier"] = "Выберите поставщика из списка";
    if (title.empty() || title.size() > 200) errors["title"] = "Укажите название договора (до 200 символов)";
    if (login.empty() || login.size() > 200) errors["login"] = "Укажите логин, полученный от поставщика";
    if (password.empty() || password.size() > 200) errors["password"] = "Укажите пароль, полученный от поставщика";
    if (!errors.empty()) throw Unprocessable(errors);
    auto it = connectors.find(supplier);
    if (it == connectors.end())
        throw Error(503, "supplier_unavailable", "Подключение к поставщику «" + supplierName + "» ещё не настроено; попробуйте позже");
    std::string answer;
    try {
        answer = it->second->linkContracts(login, password);
    } catch (const ChannelError& e) {
        if (e.status == KB_ERR_REJECTED)
            throw Unprocessable(FieldErrors{{"password", "Неверный логин или пароль поставщика"}}, "Поставщик не подтвердил логин и пароль");
        throw Error(503, "supplier_unavailable", "Поставщик «" + supplierName + "» сейчас недоступен; попробуйте позже").retryAfter(60);
    }
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(answer);
    } catch (const std::exception&) {
        throw Error(502, "supplier_bad_answer", "Поставщик прислал непонятный ответ; попробуйте позже");
    }
    if (parsed.type() != typeid(Poco::JSON::Array::Ptr) || parsed.extract<Poco::JSON::Array::Ptr>()->size() == 0)
        throw Unprocessable(FieldErrors{{"login", "У этой учётной записи поставщика нет договоров"}});
    Poco::JSON::Array::Ptr linked = new Poco::JSON::Array;
    db_.transaction([&](soci::session& se) {
        const long long n = now();
        for (const auto& c : *parsed.extract<Poco::JSON::Array::Ptr>()) {
            if (c.type() != typeid(Poco::JSON::Object::Ptr)) continue;
            auto co = c.extract<Poco::JSON::Object::Ptr>();
            Contract k;
            k.number = co->optValue<std::string>("number", "").substr(0, 64);
            if (k.number.empty()) continue;
            k.consumerName = co->optValue<std::string>("consumer_name", "").substr(0, 300);
            k.actualAddress = co->optValue<std::string>("address", "").substr(0, 300);
            k.validFrom = co->optValue<std::string>("valid_from", "").substr(0, 10);
            k.supplier = supplier;
            const std::string id = MeterRegistry::upsertContract(se, t.id(), k);
            se << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, title, granted_at) VALUES (:t, :u, 'contract', :r, "
                  "'supplier_login', :title, :n) ON CONFLICT (tenant_id, user_id, scope, ref_id) DO UPDATE SET title = excluded.title",
                soci::use(t.id()), soci::use(s.userId), soci::use(id), soci::use(title), soci::use(n);
            JsonObject o = object();
            o->set("id", id);
            o->set("number", k.number);
            o->set("title", title);
            linked->add(o);
        }
    });
    JsonObject out = object();
    out->set("contracts", linked);
    out->set("message", "Договор добавлен");
    return out;
}

} // namespace kabinet
