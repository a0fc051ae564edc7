#include "meters/MeterService.h"

#include "lua/LuaJson.h"
#include "meters/ManualPolicy.h"
#include "meters/VisiblePoints.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "util/Error.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <optional>
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

bool isStaff(const SessionInfo& s) { return s.role != "consumer"; }

/// True when the meter is polled by the server (an enabled link to a gateway).
bool isPolled(soci::session& se, const std::string& tenant, const std::string& meter) {
    int n = 0;
    se << "SELECT COUNT(*) FROM meter_links WHERE tenant_id = :t AND meter_id = :m AND enabled <> 0", soci::use(tenant), soci::use(meter),
        soci::into(n);
    return n > 0;
}

} // namespace

// ---- points ------------------------------------------------------------------------------------------------------

std::string MeterService::visibleMeter(Tenant& t, const SessionInfo& s, const std::string& pointId) {
    if (pointId.empty() || pointId.size() > 64) throw pointNotFound();
    std::string meter;
    db_.read([&](soci::session& se) {
        int visible = 0;
        if (isStaff(s)) {
            se << "SELECT COUNT(*) FROM metering_points WHERE tenant_id = :t AND point_id = :p", soci::use(t.id()), soci::use(pointId),
                soci::into(visible);
        } else {
            se << "SELECT COUNT(*) FROM (" + std::string(kVisiblePoints) + ") v WHERE v.point_id = :p", soci::use(t.id()),
                soci::use(s.userId), soci::use(pointId), soci::into(visible);
        }
        if (!visible) throw pointNotFound();
        se << "SELECT meter_id FROM meters WHERE tenant_id = :t AND point_id = :p ORDER BY installed_on DESC", soci::use(t.id()),
            soci::use(pointId), soci::into(meter);
    });
    return meter;
}

JsonObject MeterService::points(Tenant& t, const SessionInfo& s) {
    JsonArray list = array();
    db_.read([&](soci::session& se) {
        // Staff see every point of the tenant; a consumer the points granted to them.
        const std::string select =
            "SELECT p.point_id, p.name, p.number, p.address, a.number, c.number, m.meter_id, m.model, m.serial, m.smart, "
            "m.phases, m.tariff_zones, (SELECT COUNT(*) FROM meter_links l WHERE l.tenant_id = m.tenant_id AND l.meter_id = m.meter_id AND "
            "l.enabled <> 0) FROM metering_points p LEFT JOIN accounts a ON a.tenant_id = p.tenant_id AND "
            "a.account_id = p.account_id LEFT JOIN contracts c ON c.tenant_id = p.tenant_id AND c.contract_id = p.contract_id "
            "LEFT JOIN meters m ON m.tenant_id = p.tenant_id AND m.point_id = p.point_id WHERE p.tenant_id = :t";
        soci::rowset<soci::row> rs = isStaff(s)
            ? (se.prepare << select + " ORDER BY p.name LIMIT 500", soci::use(t.id()))
            : (se.prepare << select + " AND p.point_id IN (" + std::string(kVisiblePoints) + ") ORDER BY p.name LIMIT 500",
               soci::use(t.id()), soci::use(t.id()), soci::use(s.userId));
        std::vector<JsonObject> found;
        for (const auto& r : rs) {
            JsonObject p = object();
            p->set("id", text(r, 0));
            p->set("name", text(r, 1));
            p->set("number", text(r, 2));
            p->set("address", text(r, 3));
            p->set("account", jsonText(text(r, 4)));
            p->set("contract", jsonText(text(r, 5)));
            JsonObject m = object();
            m->set("id", text(r, 6));
            m->set("model", text(r, 7));
            m->set("serial", text(r, 8));
            m->set("smart", integer(r, 9) != 0);
            m->set("phases", integer(r, 10));
            m->set("tariff_zones", integer(r, 11));
            p->set("meter", m);
            p->set("manual_readings", manualAvailability(t, integer(r, 9) != 0, integer(r, 12) != 0));
            found.push_back(p);
        }
        for (auto& p : found) {
            const std::string meter = p->getObject("meter")->getValue<std::string>("id");
            soci::row r;
            se << "SELECT ts, total, t1, t2, t3, t4 FROM readings WHERE tenant_id = :t AND meter_id = :m AND energy = 'A+' AND "
                  "kind = 'latest' ORDER BY ts DESC LIMIT 1",
                soci::use(t.id()), soci::use(meter), soci::into(r);
            if (se.got_data()) {
                JsonObject l = object();
                l->set("ts", integer(r, 0));
                l->set("total", json(real(r, 1)));
                l->set("t1", json(real(r, 2)));
                l->set("t2", json(real(r, 3)));
                l->set("t3", json(real(r, 4)));
                l->set("t4", json(real(r, 5)));
                p->set("latest", l);
            } else {
                p->set("latest", Poco::Dynamic::Var());
            }
            list->add(p);
        }
    });
    JsonObject out = object();
    out->set("points", list);
    return out;
}

JsonObject MeterService::point(Tenant& t, const SessionInfo& s, const std::string& pointId) {
    const std::string meter = visibleMeter(t, s, pointId);
    JsonObject out = object();
    db_.read([&](soci::session& se) {
        auto p = rows(se, "SELECT p.point_id, p.name, p.number, p.resource, p.address, p.installation_place, p.commissioned_on, p.tariff, "
                          "p.power_limit_kw, a.number, c.number FROM metering_points p LEFT JOIN accounts a ON a.tenant_id = p.tenant_id AND "
                          "a.account_id = p.account_id LEFT JOIN contracts c ON c.tenant_id = p.tenant_id AND c.contract_id = p.contract_id "
                          "WHERE p.tenant_id = :t AND p.point_id = :p",
                      {"id", "name", "number", "resource", "address", "installation_place", "commissioned_on", "tariff", "power_limit_kw",
                       "account", "contract"},
                      {"power_limit_kw"}, {t.id(), pointId});
        out->set("point", p->size() ? p->get(0) : Poco::Dynamic::Var());
        auto m = rows(se, "SELECT meter_id, model, modification, serial, register_number, accuracy_class, nominal_voltage, current_range, "
                          "phases, tariff_zones, smart, virtual, installed_on, verified_on, verification_years, next_verification_on FROM meters "
                          "WHERE tenant_id = :t AND meter_id = :m",
                      {"id", "model", "modification", "serial", "register_number", "accuracy_class", "nominal_voltage", "current_range",
                       "phases", "tariff_zones", "smart", "virtual", "installed_on", "verified_on", "verification_years", "next_verification_on"},
                      {"phases", "tariff_zones", "smart", "virtual", "verification_years"}, {t.id(), meter});
        if (m->size()) {
            auto mo = m->getObject(0);
            mo->set("smart", mo->getValue<double>("smart") != 0);
            mo->set("virtual", mo->getValue<double>("virtual") != 0);
            const bool polled = isPolled(se, t.id(), meter);
            mo->set("polled", polled);
            out->set("manual_readings", manualAvailability(t, mo->getValue<bool>("smart"), polled));
        }
        out->set("meter", m->size() ? m->get(0) : Poco::Dynamic::Var());
        out->set("transformers", rows(se, "SELECT kind, phase, model, serial, ratio, accuracy_class, verified_on FROM transformers WHERE "
                                          "tenant_id = :t AND meter_id = :m ORDER BY kind, phase",
                                      {"kind", "phase", "model", "serial", "ratio", "accuracy_class", "verified_on"}, {}, {t.id(), meter}));
    });
    return out;
}

JsonObject MeterService::readings(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    const std::string meter = visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const auto [from, to] = range(q, off, 31);
    const std::string energy = energyParam(q), kind = param(q, "kind", "latest");
    if (kind != "latest" && kind != "billing") throw Unprocessable(FieldErrors{{"kind", "Допустимо latest или billing"}});
    JsonArray list = array();
    db_.read([&](soci::session& se) {
        soci::rowset<soci::row> rs = (se.prepare << "SELECT ts, total, t1, t2, t3, t4, source, kind FROM readings WHERE tenant_id = :t AND "
                                                    "meter_id = :m AND energy = :e AND kind = :k AND ts >= :f AND ts < :to ORDER BY ts",
                                      soci::use(t.id()), soci::use(meter), soci::use(energy), soci::use(kind), soci::use(from), soci::use(to));
        for (const auto& r : rs) {
            JsonObject o = object();
            o->set("ts", integer(r, 0));
            o->set("date", tz::localDate(integer(r, 0), off));
            o->set("total", json(real(r, 1)));
            o->set("t1", json(real(r, 2)));
            o->set("t2", json(real(r, 3)));
            o->set("t3", json(real(r, 4)));
            o->set("t4", json(real(r, 5)));
            o->set("source", text(r, 6));
            o->set("kind", text(r, 7));
            list->add(o);
        }
    });
    JsonObject out = object();
    out->set("energy", energy);
    out->set("rows", list);
    return out;
}

namespace {
struct Register {
    long long ts;
    std::optional<double> v[5]; // total, t1..t4
};

/// Cumulative registers of a meter from `from - 2 days` to `to`, oldest first.
std::vector<Register> registers(Database& db, const std::string& tenant, const std::string& meter, const std::string& energy, long long from,
                                long long to) {
    std::vector<Register> out;
    const long long f = from - 2 * kDay;
    db.read([&](soci::session& se) {
        soci::rowset<soci::row> rs = (se.prepare << "SELECT ts, total, t1, t2, t3, t4 FROM readings WHERE tenant_id = :t AND meter_id = :m "
                                                    "AND energy = :e AND kind = 'latest' AND ts >= :f AND ts <= :to ORDER BY ts",
                                      soci::use(tenant), soci::use(meter), soci::use(energy), soci::use(f), soci::use(to));
        for (const auto& r : rs) {
            Register g{integer(r, 0), {}};
            for (int i = 0; i < 5; ++i) g.v[i] = real(r, static_cast<std::size_t>(i + 1));
            out.push_back(g);
        }
    });
    return out;
}

/// The latest register at or before ts (within two days), or null.
const Register* at(const std::vector<Register>& regs, long long ts) {
    auto it = std::upper_bound(regs.begin(), regs.end(), ts, [](long long v, const Register& r) { return v < r.ts; });
    if (it == regs.begin()) return nullptr;
    --it;
    return ts - it->ts <= 2 * kDay ? &*it : nullptr;
}

/// Consumption between two moments per register (total, t1..t4).
std::optional<double> diff(const Register* a, const Register* b, int i) {
    if (!a || !b || !a->v[i] || !b->v[i]) return std::nullopt;
    return std::max(0.0, *b->v[i] - *a->v[i]);
}

/// Start of the local month containing ts, and of the month `delta` months later.
long long monthStart(long long ts, int off, int delta = 0) {
    std::time_t t = static_cast<std::time_t>(ts + off);
    std::tm tm{};
    gmtime_r(&t, &tm);
    tm.tm_mday = 1;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_mon += delta;
    return static_cast<long long>(timegm(&tm)) - off;
}
} // namespace

JsonObject MeterService::consumption(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    const std::string meter = visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const std::string group = param(q, "group", "day");
    if (group != "day" && group != "week" && group != "month") throw Unprocessable(FieldErrors{{"group", "Допустимо day, week или month"}});
    auto [from, to] = range(q, off, group == "month" ? 365 : group == "week" ? 91 : 31);
    const std::string asked[2] = {tz::localDate(from, off), tz::localDate(to - kDay, off)};
    if (group == "month") from = monthStart(from, off);
    if (group == "week") {
        std::time_t tt = static_cast<std::time_t>(from + off);
        std::tm tm{};
        gmtime_r(&tt, &tm);
        from -= ((tm.tm_wday + 6) % 7) * kDay; // back to Monday
    }
    const std::string energy = energyParam(q);
    const auto regs = registers(db_, t.id(), meter, energy, from, to + kDay);
    JsonArray list = array();
    for (long long start = from; start < to;) {
        const long long end = group == "month" ? monthStart(start, off, 1) : start + (group == "week" ? 7 : 1) * kDay;
        const Register* a = at(regs, start);
        const Register* b = at(regs, std::min(end, now()));
        JsonObject o = object();
        o->set("period", group == "month" ? tz::localDate(start, off).substr(0, 7) : tz::localDate(start, off));
        o->set("start_ts", start);
        static const char* names[] = {"total", "t1", "t2", "t3", "t4"};
        for (int i = 0; i < 5; ++i) o->set(names[i], json(diff(a, b, i)));
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

namespace {
/// Power-profile intervals as fetched: start, length and the four average powers (NaN where absent).
struct ProfileRows {
    std::vector<long long> ts, minutes;
    std::vector<double> v[4];
    void add(long long t, long long m, const double (&x)[4]) {
        ts.push_back(t);
        minutes.push_back(m);
        for (int k = 0; k < 4; ++k) v[k].push_back(x[k]);
    }
    std::size_t size() const { return ts.size(); }
};

/// Intervals merged into intervals of `target` minutes aligned to the local hour (or half hour): the average
/// power of each is the energy of its parts over its length, Σ(Pᵢ·Δtᵢ) / T; a value is left out (NaN) unless
/// parts with that value cover the whole interval.
ProfileRows aggregate(const ProfileRows& in, int target, int offset) {
    ProfileRows out;
    const long long len = static_cast<long long>(target) * 60;
    std::size_t i = 0;
    while (i < in.size()) {
        const long long local = in.ts[i] + offset;
        const long long start = (local >= 0 ? local / len : (local - len + 1) / len) * len - offset;
        double energy[4] = {0, 0, 0, 0};
        long long covered[4] = {0, 0, 0, 0};
        for (; i < in.size() && in.ts[i] < start + len; ++i)
            for (int k = 0; k < 4; ++k)
                if (std::isfinite(in.v[k][i])) {
                    energy[k] += in.v[k][i] * static_cast<double>(in.minutes[i]);
                    covered[k] += in.minutes[i];
                }
        double avg[4];
        for (int k = 0; k < 4; ++k) avg[k] = covered[k] == target ? energy[k] / target : std::nan("");
        out.add(start, target, avg);
    }
    return out;
}
} // namespace

std::string MeterService::profileText(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    const std::string meter = visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const auto [from, to] = range(q, off, 1);
    const std::string wanted = param(q, "interval");
    if (!wanted.empty() && wanted != "15" && wanted != "30" && wanted != "60")
        throw Unprocessable(FieldErrors{{"interval", "Допустимо 15, 30 или 60 минут"}});
    // Up to three years of half-hours (52,560 rows): fetched in bulk into vectors and written as JSON text
    // directly, without an object per row.
    ProfileRows rows;
    long long native = 0; // the longest interval the meter stored in the period
    db_.read([&](soci::session& se) {
        constexpr std::size_t kChunk = 4096;
        std::vector<long long> ts(kChunk), iv(kChunk);
        std::vector<double> v[4] = {std::vector<double>(kChunk), std::vector<double>(kChunk), std::vector<double>(kChunk),
                                    std::vector<double>(kChunk)};
        std::vector<soci::indicator> ind[4] = {std::vector<soci::indicator>(kChunk), std::vector<soci::indicator>(kChunk),
                                               std::vector<soci::indicator>(kChunk), std::vector<soci::indicator>(kChunk)};
        soci::statement st = (se.prepare << "SELECT ts, interval_min, p_plus, p_minus, q_plus, q_minus FROM profile WHERE tenant_id = :t "
                                            "AND meter_id = :m AND ts >= :f AND ts < :to ORDER BY ts",
                              soci::use(t.id()), soci::use(meter), soci::use(from), soci::use(to), soci::into(ts), soci::into(iv),
                              soci::into(v[0], ind[0]), soci::into(v[1], ind[1]), soci::into(v[2], ind[2]), soci::into(v[3], ind[3]));
        rows.ts.reserve(4096);
        if (st.execute(true)) {
            do {
                for (std::size_t i = 0; i < ts.size(); ++i) {
                    double x[4];
                    for (int k = 0; k < 4; ++k) x[k] = ind[k][i] == soci::i_null ? std::nan("") : v[k][i];
                    rows.add(ts[i], iv[i], x);
                    native = std::max(native, iv[i]);
                }
                for (auto& x : {&ts, &iv}) x->resize(kChunk);
                for (int k = 0; k < 4; ++k) {
                    v[k].resize(kChunk);
                    ind[k].resize(kChunk);
                }
            } while (st.fetch());
        }
    });
    // A longer interval than stored is computed here; a shorter one cannot be: the stored one is answered.
    int interval = native > 0 ? static_cast<int>(native) : 30;
    if (!wanted.empty() && std::stoi(wanted) > interval && std::stoi(wanted) % interval == 0) {
        interval = std::stoi(wanted);
        rows = aggregate(rows, interval, off);
    }
    static const char* names[] = {"p_plus", "p_minus", "q_plus", "q_minus"};
    std::string text;
    text.reserve(64 * 1024 + rows.size() * 80);
    text += "{\"interval_min\":" + std::to_string(interval) + ",\"rows\":[";
    char buf[64];
    for (std::size_t i = 0; i < rows.size(); ++i) {
        text += i ? ",{\"ts\":" : "{\"ts\":";
        text += std::to_string(rows.ts[i]);
        for (int k = 0; k < 4; ++k) {
            text += ",\"";
            text += names[k];
            text += "\":";
            if (!std::isfinite(rows.v[k][i])) text += "null";
            else {
                std::snprintf(buf, sizeof buf, "%.15g", std::round(rows.v[k][i] * 1000.0) / 1000.0);
                text += buf;
            }
        }
        text += '}';
    }
    return text + "]}";
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
    db_.read([&](soci::session& se) {
        soci::rowset<soci::row> rs = (se.prepare << "SELECT ts_start, ts_end, code, category, severity, text, tamper FROM meter_events WHERE "
                                                    "tenant_id = :t AND meter_id = :m AND ts_start >= :f AND ts_start < :to ORDER BY ts_start DESC",
                                      soci::use(t.id()), soci::use(meter), soci::use(from), soci::use(to));
        for (const auto& r : rs) {
            const std::string cat = text(r, 3), sev = text(r, 4);
            byCategory->set(cat, (byCategory->has(cat) ? byCategory->getValue<int>(cat) : 0) + 1);
            bySeverity->set(sev, (bySeverity->has(sev) ? bySeverity->getValue<int>(sev) : 0) + 1);
            if ((!category.empty() && cat != category) || (!severity.empty() && sev != severity)) continue;
            JsonObject o = object();
            o->set("ts_start", integer(r, 0));
            o->set("ts_end", r.get_indicator(1) == soci::i_null ? Poco::Dynamic::Var() : Poco::Dynamic::Var(integer(r, 1)));
            o->set("code", text(r, 2));
            o->set("category", cat);
            o->set("severity", sev);
            o->set("text", text(r, 5));
            o->set("tamper", integer(r, 6) != 0);
            list->add(o);
        }
    });
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
    db_.read([&](soci::session& se) {
        long long ts = 0;
        soci::indicator ind;
        se << "SELECT MAX(ts) FROM network_params WHERE tenant_id = :t AND meter_id = :m AND ts <= :a", soci::use(t.id()), soci::use(meter),
            soci::use(atTs), soci::into(ts, ind);
        if (ind == soci::i_null) {
            out->set("ts", Poco::Dynamic::Var());
            out->set("phases", array());
            return;
        }
        const std::string tsText = std::to_string(ts);
        auto phases = rows(se, "SELECT phase, voltage, current, p, q, s, pf, frequency, angle FROM network_params WHERE tenant_id = :t AND "
                               "meter_id = :m AND ts = " + tsText + " ORDER BY phase",
                           {"phase", "voltage", "current", "p", "q", "s", "pf", "frequency", "angle"},
                           {"voltage", "current", "p", "q", "s", "pf", "frequency", "angle"}, {t.id(), meter});
        out->set("ts", ts);
        Poco::Dynamic::Var frequency;
        for (const auto& p : *phases) {
            auto po = p.extract<Poco::JSON::Object::Ptr>();
            if (frequency.isEmpty() && !po->get("frequency").isEmpty()) frequency = po->get("frequency");
        }
        out->set("frequency", frequency);
        out->set("phases", phases);
    });
    return out;
}

JsonObject MeterService::history(Tenant& t, const SessionInfo& s, const std::string& pointId, long long nowTs) {
    const std::string meter = visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const long long current = monthStart(nowTs, off);
    const long long first = monthStart(nowTs, off, -24);
    const auto regs = registers(db_, t.id(), meter, "A+", first, nowTs + kDay);
    auto monthUse = [&](long long start) { return diff(at(regs, start), at(regs, std::min(monthStart(start, off, 1), nowTs)), 0); };
    JsonArray periods = array();
    for (int back = 12; back >= 1; --back) {
        const long long start = monthStart(nowTs, off, -back);
        const auto use = monthUse(start);
        const auto lastYear = monthUse(monthStart(start, off, -12));
        JsonObject o = object();
        o->set("period", tz::localDate(start, off).substr(0, 7));
        o->set("consumption", json(use));
        o->set("last_year", json(lastYear));
        o->set("change_pct", use && lastYear && *lastYear > 0 ? json((*use - *lastYear) / *lastYear * 100.0) : Poco::Dynamic::Var());
        periods->add(o);
    }
    // Forecast to the end of the current billing period: the average daily consumption so far times the days.
    const long long next = monthStart(nowTs, off, 1);
    const double daysTotal = static_cast<double>(next - current) / kDay;
    const double daysPassed = static_cast<double>(nowTs - current) / kDay;
    const Register* startReg = at(regs, current);
    const Register* nowReg = at(regs, nowTs);
    JsonObject f = object();
    f->set("period", tz::localDate(current, off).substr(0, 7));
    const auto consumed = diff(startReg, nowReg, 0);
    f->set("consumed", json(consumed));
    f->set("days_passed", std::round(daysPassed * 10) / 10);
    f->set("days_total", daysTotal);
    // The rate is taken over the span the two readings really cover: the reading at the period's start may be
    // older than the start itself (readings come at the meter's own hour, not the tenant's midnight).
    const double elapsed = nowReg && startReg ? static_cast<double>(nowReg->ts - startReg->ts) / kDay : 0;
    f->set("forecast", consumed && elapsed >= 1 ? json(*consumed / elapsed * daysTotal) : Poco::Dynamic::Var());
    f->set("last_year", json(monthUse(monthStart(current, off, -12))));
    f->set("method", "Среднесуточное потребление с начала расчётного периода, умноженное на число дней периода");
    JsonObject out = object();
    out->set("periods", periods);
    out->set("forecast", f);
    return out;
}

} // namespace kabinet
