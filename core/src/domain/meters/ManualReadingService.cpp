#include "meters/ManualReadingService.h"

#include "identity/AuditLog.h"
#include "meters/ManualPolicy.h"
#include "meters/MeterLabels.h"
#include "meters/ManualReadingStore.h"
#include "meters/MeterData.h"
#include "meters/MeterService.h"
#include "notify/NotificationCentre.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/TimeZones.h"

#include <Poco/String.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>

namespace kabinet {

namespace {

using JsonObject = Poco::JSON::Object::Ptr;
using FieldErrors = std::map<std::string, std::string>;

constexpr long long kDay = 86400;
const char* const kNames[] = {"total", "t1", "t2", "t3", "t4"};

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
FieldErrors plausibility(ManualReadingStore& store, const std::string& meter, long long ts, const std::optional<double> (&v)[5], int zones,
                         double maxDailyKwh) {
    FieldErrors errors;
    const auto before = store.readingAtOrBefore(meter, ts);
    if (before)
        for (int i = 1; i <= zones; ++i) {
            const auto& last = before->v[i];
            if (last && v[i] && *v[i] + 1e-9 < *last) errors[kNames[i]] = "Показание не может быть меньше предыдущего (" + fmt(*last) + ")";
        }
    if (const auto after = store.readingAfter(meter, ts))
        for (int i = 1; i <= zones; ++i) {
            const auto& next = after->v[i];
            if (next && v[i] && *v[i] > *next + 1e-9 && !errors.count(kNames[i]))
                errors[kNames[i]] = "Показание не может быть больше последующего (" + fmt(*next) + ")";
        }
    if (before && errors.empty()) {
        const auto& lastTotal = before->v[0];
        const double days = std::max(1.0, static_cast<double>(ts - before->ts) / kDay);
        if (lastTotal && v[0] && (*v[0] - *lastTotal) / days > maxDailyKwh)
            errors[zones == 1 ? "t1" : "total"] = "Слишком большой расход с прошлого показания: проверьте введённые значения";
    }
    return errors;
}

/// "DD.MM.YYYY" of a "YYYY-MM-DD" date.
std::string russianDate(const std::string& iso) { return iso.size() == 10 ? iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4) : iso; }

/// The submitted registers as a line: "1 500,5 кВт·ч" for one zone, "Т1 1 200,5 кВт·ч, Т2 300 кВт·ч" for more.
std::string readingText(const ManualReading& r, int zones) {
    if (zones <= 1) return r.v[1] ? fmt(*r.v[1]) + "\u00a0кВт·ч" : r.v[0] ? fmt(*r.v[0]) + "\u00a0кВт·ч" : std::string();
    std::string out;
    for (int i = 1; i <= zones; ++i)
        if (r.v[i]) out += (out.empty() ? "" : ", ") + std::string("Т") + std::to_string(i) + " " + fmt(*r.v[i]) + "\u00a0кВт·ч";
    return out;
}

/// Tells the consumer who submitted `r` that it was accepted or rejected (inside the decision's transaction).
void noticeDecision(soci::session& se, Tenant& t, const ManualReading& r, int zones, bool approve, const std::string& reason, long long now) {
    Notice n;
    n.kind = approve ? "manual_reading_approved" : "manual_reading_rejected";
    n.audience.users = {r.userId};
    n.values["reading"] = readingText(r, zones);
    n.values["date"] = russianDate(tz::localDate(r.ts, t.utcOffset()));
    n.values["reason"] = reason;
    if (const auto m = meterLabel(se, t.id(), r.meterId)) {
        n.values["point"] = m->pointName;
        n.values["meter"] = m->serial;
        n.values["serial"] = m->serial;
        n.values["address"] = m->address;
        n.refs = {{"point", m->pointId, m->pointName}, {"meter", m->meterId, "Прибор учёта № " + m->serial}};
    }
    NotificationCentre::raise(se, t, n, now);
}

void storeAccepted(Database& db, const std::string& tenant, const ReadingRow& row) {
    MeterDataBatch b;
    b.readings.push_back(row);
    MeterDataSink(db).write(tenant, b);
}

} // namespace

JsonObject ManualReadingService::submit(Tenant& t, const SessionInfo& s, const std::string& pointId, const JsonObject& body, long long nowTs) {
    const ManualPolicy policy = manualPolicy(t);
    if (!policy.enabled) throw Error(403, "manual_readings_unavailable", "Передача показаний в личном кабинете не предусмотрена");
    const std::string meter = points_.visibleMeter(t, s, pointId);
    const int off = t.utcOffset();
    const std::string today = tz::localDate(nowTs, off);
    const int day = std::stoi(today.substr(8, 2));
    if (!inSubmissionWindow(day, policy.fromDay, policy.toDay))
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
    ManualMeterFacts facts;
    db_.read([&](soci::session& se) { facts = ManualReadingStore(se, t.id()).meter(meter); });
    if (const std::string why = manualRefusal(policy, facts.smart, facts.polled); !why.empty())
        throw Error(403, "manual_readings_unavailable", why);
    const int zones = facts.tariffZones;
    std::optional<double> v[5];
    FieldErrors errors;
    for (int i = 1; i <= 4; ++i) {
        v[i] = number(body, kNames[i]);
        if (i <= zones && !v[i]) errors[kNames[i]] = "Введите показание";
        if (i > zones && v[i]) errors[kNames[i]] = "У прибора учёта нет такой тарифной зоны";
        if (v[i] && (*v[i] < 0 || *v[i] > 1e9)) errors[kNames[i]] = "Недопустимое значение";
    }
    if (!errors.empty()) throw Unprocessable(errors);
    v[0] = 0.0;
    for (int i = 1; i <= zones; ++i) *v[0] += *v[i];
    db_.read([&](soci::session& se) {
        ManualReadingStore store(se, t.id());
        errors = plausibility(store, meter, ts, v, zones, policy.maxDailyKwh);
    });
    if (!errors.empty()) throw Unprocessable(errors);
    ManualReading r;
    r.id = crypto::randomToken(12);
    r.meterId = meter;
    r.userId = s.userId;
    r.ts = ts;
    std::copy(std::begin(v), std::end(v), std::begin(r.v));
    r.state = policy.approval == "auto" ? "accepted" : "pending";
    r.submittedAt = nowTs;
    if (r.state == "accepted") r.decidedAt = nowTs;
    db_.transaction([&](soci::session& se) { ManualReadingStore(se, t.id()).insert(r); });
    if (r.state == "accepted") storeAccepted(db_, t.id(), {meter, ts, "latest", "A+", v[0], v[1], v[2], v[3], v[4], "consumer"});
    JsonObject out = new Poco::JSON::Object;
    out->set("id", r.id);
    out->set("state", r.state);
    out->set("ts", ts);
    out->set("message", r.state == "accepted" ? "Показания приняты" : "Показания отправлены оператору на проверку");
    return out;
}

JsonObject ManualReadingService::ofPoint(Tenant& t, const SessionInfo& s, const std::string& pointId) {
    const std::string meter = points_.visibleMeter(t, s, pointId);
    JsonObject out = new Poco::JSON::Object;
    db_.read([&](soci::session& se) { out->set("rows", ManualReadingStore(se, t.id()).ofMeter(meter)); });
    return out;
}

JsonObject ManualReadingService::inState(Tenant& t, const std::string& rawState) {
    const std::string state = rawState.empty() ? "pending" : rawState;
    if (state != "pending" && state != "accepted" && state != "rejected")
        throw Unprocessable(FieldErrors{{"state", "Допустимо pending, accepted или rejected"}});
    JsonObject out = new Poco::JSON::Object;
    db_.read([&](soci::session& se) { out->set("rows", ManualReadingStore(se, t.id()).inState(state)); });
    return out;
}

void ManualReadingService::decide(Tenant& t, const SessionInfo& op, const std::string& id, bool approve, const std::string& rawReason,
                                  const std::string& client) {
    const std::string reason = Poco::trim(rawReason);
    if (!approve && (reason.empty() || reason.size() > 1000))
        throw Unprocessable(FieldErrors{{"reason", "Укажите причину отказа (до 1000 символов)"}});
    std::optional<ReadingRow> accepted;
    db_.transaction([&](soci::session& se) {
        ManualReadingStore store(se, t.id());
        const auto r = store.find(id);
        if (!r) throw NotFound("reading_not_found", "Показание не найдено");
        if (r->state != "pending") throw Conflict("already_decided", "Решение по этому показанию уже принято");
        const long long now = static_cast<long long>(std::time(nullptr));
        store.decide(id, approve ? "accepted" : "rejected", reason, now, op.userId);
        // The decision is audited in its own transaction (identity/AuditLog, kind operator).
        AuditEntry audit = AuditEntry::done("operator", op.userId, approve ? "reading_approve" : "reading_reject", client, r->userId);
        if (const auto m = meterLabel(se, t.id(), r->meterId)) audit.details->set("meter", m->serial);
        if (!approve) audit.details->set("reason", reason);
        AuditLog::recordIn(se, t.id(), audit);
        const int zones = store.meter(r->meterId).tariffZones;
        if (!approve) {
            noticeDecision(se, t, *r, zones, false, reason, now);
            return;
        }
        // The meter may have sent readings since the submission: the reading must still fit between them.
        const FieldErrors errors = plausibility(store, r->meterId, r->ts, r->v, zones, manualPolicy(t).maxDailyKwh);
        if (!errors.empty()) {
            std::string why;
            for (const auto& [k, e] : errors) why += (why.empty() ? "" : "; ") + e;
            throw Conflict("reading_inconsistent", "Показание противоречит показаниям прибора учёта: " + why, errors);
        }
        noticeDecision(se, t, *r, zones, true, "", now);
        accepted = ReadingRow{r->meterId, r->ts, "latest", "A+", r->v[0], r->v[1], r->v[2], r->v[3], r->v[4], "consumer"};
    });
    if (accepted) storeAccepted(db_, t.id(), *accepted);
}

} // namespace kabinet
