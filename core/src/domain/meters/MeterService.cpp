#include "meters/MeterService.h"

#include "lua/LuaJson.h"
#include "meters/JsonText.h"
#include "meters/ManualPolicy.h"
#include "meters/RegisterMath.h"
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
#include <string_view>
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


Poco::Dynamic::Var json(const std::optional<double>& v) {
    if (!v) return Poco::Dynamic::Var();
    return std::round(*v * 1000.0) / 1000.0;
}

Poco::Dynamic::Var jsonText(const std::string& v) { return v.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v); }

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

} // namespace

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
    // Staff see every point of the tenant; a consumer the points granted to them. The list and the latest readings
    // of its meters come from the caches when read a moment ago.
    const Viewer viewer = viewerOf(s);
    const auto rows = lists_.get(t.id(), viewer, [&] { return reads_.pointList(t.id(), viewer); });
    std::vector<std::string> meters;
    for (std::size_t r = 0; r < rows->size(); ++r)
        if (!rows->isNull(r, 6)) meters.emplace_back(rows->text(r, 6));
    const auto latestOf = latest_.get(t.id(), meters, [&](const std::vector<std::string>& ids) { return reads_.latestReadings(t.id(), ids); });
    JsonArray list = array();
    for (std::size_t r = 0; r < rows->size(); ++r) {
        auto str = [&](std::size_t c) { return std::string(rows->text(r, c)); };
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
        m->set("smart", rows->integer(r, 9) != 0);
        m->set("phases", rows->integer(r, 10));
        m->set("tariff_zones", rows->integer(r, 11));
        p->set("meter", m);
        p->set("manual_readings", manualAvailability(t, rows->integer(r, 9) != 0, rows->integer(r, 12) != 0));
        const auto found = rows->isNull(r, 6) ? latestOf.end() : latestOf.find(str(6));
        if (found != latestOf.end()) {
            const LatestReading& at = found->second;
            JsonObject l = object();
            l->set("ts", at.ts);
            l->set("total", json(at.total));
            l->set("t1", json(at.t1));
            l->set("t2", json(at.t2));
            l->set("t3", json(at.t3));
            l->set("t4", json(at.t4));
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

} // namespace kabinet
