#include "export/ArchiveService.h"

#include "export/TableWriter.h"
#include "lua/LuaJson.h"
#include "meters/MeterService.h"
#include "notify/NotificationCentre.h"
#include "storage/Database.h"
#include "storage/RowLease.h"
#include "tenants/TenantRegistry.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"
#include "util/TimeZones.h"
#include "storage/TenantScope.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>

#include <ctime>
#include <map>

namespace kabinet {

namespace {
using JsonObject = Poco::JSON::Object::Ptr;
using FieldErrors = std::map<std::string, std::string>;
constexpr long long kDay = 86400;

/// The tenant's settings.archive with defaults.
struct ArchivePolicy {
    bool enabled = false;
    int depthYears = 3;
    int cutoffMinutes = 21 * 60; ///< local time of the cut-off on the request's day
    int offset = 3 * 3600;       ///< of the cut-off's time zone
    bool nextDay = true;
};

ArchivePolicy policyOf(const Tenant& t) {
    ArchivePolicy p;
    auto profile = t.profile().extract<Poco::JSON::Object::Ptr>();
    if (auto modules = profile->getArray("modules"))
        for (const auto& m : *modules) p.enabled |= m.convert<std::string>() == "archive";
    p.offset = tz::offsetSeconds(profile->optValue<std::string>("timezone", "Europe/Moscow"));
    if (auto a = t.moduleSettings("archive")) { // checked, with the defaults (kabinet.settings)
        p.depthYears = a->getValue<int>("max_depth_years");
        const std::string until = a->getValue<std::string>("change_until"); // "ЧЧ:ММ"
        int h = 21, m = 0;
        if (std::sscanf(until.c_str(), "%d:%d", &h, &m) == 2) p.cutoffMinutes = h * 60 + m;
        p.offset = tz::offsetSeconds(a->getValue<std::string>("change_timezone"));
        p.nextDay = a->getValue<std::string>("ready") == "next_day";
    }
    return p;
}

/// Validated period: dates as given, within the depth, from ≤ to ≤ today.
std::pair<std::string, std::string> period(const JsonObject& body, const ArchivePolicy& p, long long now) {
    auto str = [&](const char* k) { return body->has(k) && body->get(k).isString() ? body->getValue<std::string>(k) : std::string(); };
    const std::string from = str("from"), to = str("to"), today = tz::localDate(now, p.offset);
    FieldErrors errors;
    long long f = 0, t = 0;
    try {
        f = tz::localMidnight(from, p.offset);
    } catch (const std::invalid_argument&) {
        errors["from"] = "Укажите дату начала периода (ГГГГ-ММ-ДД)";
    }
    try {
        t = tz::localMidnight(to, p.offset);
    } catch (const std::invalid_argument&) {
        errors["to"] = "Укажите дату окончания периода (ГГГГ-ММ-ДД)";
    }
    if (errors.empty()) {
        if (f > t) errors["from"] = "Начало периода должно быть не позже его окончания";
        else if (to > today) errors["to"] = "Период не может заканчиваться в будущем";
        else if (f < now - (p.depthYears * 365LL + p.depthYears / 4 + 1) * kDay)
            errors["from"] = "Максимальная глубина хранения архива данных составляет " + std::to_string(p.depthYears) + " года";
    }
    if (!errors.empty()) throw Unprocessable(errors);
    return {from, to};
}

/// The moment the request made at `createdAt` is locked: the cut-off on its day (local to the policy).
long long lockAt(long long createdAt, const ArchivePolicy& p) {
    return tz::localMidnight(tz::localDate(createdAt, p.offset), p.offset) + p.cutoffMinutes * 60LL;
}

JsonObject jobJson(const std::string& id, const std::string& state, const std::string& params, long long created, long long runAfter,
                   const std::string& error, const ArchivePolicy& p, long long now, const std::string& base) {
    JsonObject o = new Poco::JSON::Object;
    auto prm = luajson::parse(params).extract<Poco::JSON::Object::Ptr>();
    o->set("id", id);
    o->set("from", prm->optValue<std::string>("from", ""));
    o->set("to", prm->optValue<std::string>("to", ""));
    o->set("state", state);
    o->set("created_at", created);
    o->set("ready_after", runAfter);
    const long long lock = lockAt(created, p);
    o->set("changeable_until", lock);
    o->set("changeable", state == "requested" && now < lock);
    if (state == "done") {
        JsonObject files = new Poco::JSON::Object;
        files->set("xlsx", base + id + "/file?format=xlsx");
        files->set("csv", base + id + "/file?format=csv");
        o->set("files", files);
    }
    if (!error.empty()) o->set("error", error);
    return o;
}
} // namespace

ArchiveService::ArchiveService(Database& db, MeterService& meters, std::string dataDir) : db_(db), meters_(meters), dir_(std::move(dataDir)) {}

JsonObject ArchiveService::request(Tenant& t, const SessionInfo& s, const JsonObject& body, long long now) {
    const ArchivePolicy p = policyOf(t);
    if (!p.enabled) throw Error(403, "archive_unavailable", "Выгрузка архива данных не предусмотрена");
    const auto [from, to] = period(body, p, now);
    const std::string id = crypto::randomToken(12);
    JsonObject params = new Poco::JSON::Object;
    params->set("from", from);
    params->set("to", to);
    const std::string pj = luajson::stringify(params);
    // Ready the next day (after the cut-off, the request is final), or at once.
    const long long runAfter = p.nextDay ? tz::localMidnight(tz::localDate(now, p.offset), p.offset) + kDay : now;
    db_.transaction([&](soci::session& se) {
        int open = 0;
        se << "SELECT COUNT(*) FROM jobs WHERE tenant_id = :t AND user_id = :u AND kind = 'archive' AND state IN ('requested', 'running')",
            soci::use(t.id()), soci::use(s.userId), soci::into(open);
        if (open >= 3) throw Conflict("too_many_requests", "Уже есть запросы архива в работе; дождитесь их выполнения");
        se << "INSERT INTO jobs (tenant_id, job_id, kind, user_id, params_json, state, run_after, created_at, updated_at) "
              "VALUES (:t, :id, 'archive', :u, :p, 'requested', :r, :c, :up)",
            soci::use(t.id()), soci::use(id), soci::use(s.userId), soci::use(pj), soci::use(runAfter), soci::use(now), soci::use(now);
    });
    auto out = jobJson(id, "requested", pj, now, runAfter, "", p, now, "");
    out->set("message", p.nextDay ? "Запрос принят. До " + std::to_string(p.cutoffMinutes / 60) + ":" +
                                        (p.cutoffMinutes % 60 < 10 ? "0" : "") + std::to_string(p.cutoffMinutes % 60) +
                                        " текущих суток можно изменить даты запроса. Ответ будет сформирован на следующие сутки."
                                  : "Запрос принят, архив формируется");
    return out;
}

JsonObject ArchiveService::change(Tenant& t, const SessionInfo& s, const std::string& id, const JsonObject& body, long long now) {
    const ArchivePolicy p = policyOf(t);
    const auto [from, to] = period(body, p, now);
    JsonObject params = new Poco::JSON::Object;
    params->set("from", from);
    params->set("to", to);
    const std::string pj = luajson::stringify(params);
    long long created = 0, runAfter = 0;
    db_.transaction([&](soci::session& se) {
        std::string state;
        se << "SELECT state, created_at, run_after FROM jobs WHERE tenant_id = :t AND job_id = :id AND user_id = :u AND kind = 'archive'",
            soci::use(t.id()), soci::use(id), soci::use(s.userId), soci::into(state), soci::into(created), soci::into(runAfter);
        if (!se.got_data()) throw NotFound("archive_not_found", "Запрос архива не найден");
        if (state != "requested" || now >= lockAt(created, p))
            throw Conflict("archive_locked", "Запрос уже нельзя изменить: время для изменений истекло");
        se << "UPDATE jobs SET params_json = :p, updated_at = :n WHERE tenant_id = :t AND job_id = :id", soci::use(pj), soci::use(now),
            soci::use(t.id()), soci::use(id);
    });
    return jobJson(id, "requested", pj, created, runAfter, "", p, now, "");
}

JsonObject ArchiveService::list(Tenant& t, const SessionInfo& s, long long now) {
    const ArchivePolicy p = policyOf(t);
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    db_.read([&](soci::session& se) {
        soci::rowset<soci::row> rs = (se.prepare << "SELECT job_id, state, params_json, created_at, run_after, error FROM jobs WHERE "
                                                    "tenant_id = :t AND user_id = :u AND kind = 'archive' ORDER BY created_at DESC LIMIT 50",
                                      soci::use(t.id()), soci::use(s.userId));
        for (const auto& r : rs)
            items->add(jobJson(r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<long long>(3), r.get<long long>(4),
                               r.get<std::string>(5), p, now, "archive/"));
    });
    JsonObject out = new Poco::JSON::Object;
    out->set("requests", items);
    out->set("max_depth_years", p.depthYears);
    return out;
}

std::tuple<std::string, std::string, std::string> ArchiveService::file(Tenant& t, const SessionInfo& s, const std::string& id,
                                                                       const std::string& format) {
    if (format != "xlsx" && format != "csv") throw Unprocessable(FieldErrors{{"format", "Допустимо xlsx или csv"}});
    std::string state, path;
    soci::indicator ind;
    db_.read([&](soci::session& se) {
        se << "SELECT state, result_path FROM jobs WHERE tenant_id = :t AND job_id = :id AND user_id = :u AND kind = 'archive'", soci::use(t.id()),
            soci::use(id), soci::use(s.userId), soci::into(state), soci::into(path, ind);
    });
    if (state != "done" || ind == soci::i_null) throw NotFound("archive_not_ready", "Архив ещё не сформирован");
    // The file is where build() writes it, under this server's data dir: the stored path only says it was built,
    // so a data dir moved or restored elsewhere still serves its archives.
    const std::string file = dir_ + "/archive/" + t.id() + "/" + id + "." + format;
    return {file,
            format == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8",
            "archive-" + id + "." + format};
}

void ArchiveService::build(Tenant& t, const std::string& jobId, const std::string& userId, const std::string& from, const std::string& to) {
    std::string role = "consumer", kind;
    db_.read([&](soci::session& se) {
        se << "SELECT role, kind FROM users WHERE tenant_id = :t AND user_id = :u", soci::use(t.id()), soci::use(userId), soci::into(role),
            soci::into(kind);
    });
    SessionInfo who{userId, role, kind, "", "", false};
    const int off = t.utcOffset();
    Table readings{"Показания", {"Дата", "Точка учёта", "Прибор учёта", "Заводской номер", "A+ всего, кВт·ч", "T1, кВт·ч", "T2, кВт·ч", "T3, кВт·ч", "T4, кВт·ч"}, {}};
    Table profile{"Профиль мощности", {"Дата и время", "Точка учёта", "P+, кВт", "P-, кВт", "Q+, квар", "Q-, квар"}, {}};
    Table events{"Журнал событий", {"Начало", "Окончание", "Точка учёта", "Категория", "Важность", "Событие"}, {}};
    const auto pointsAnswer = meters_.points(t, who);
    auto points = pointsAnswer->getArray("points");
    const Query q = {{"from", from}, {"to", to}};
    const auto num = numberCell;
    // Times as date cells of the tenant's clock; journal categories and severities in words.
    auto when = [off](long long ts) { return DateCell{ts + off, DateCell::DayTime}; };
    static const std::map<std::string, std::string> categories = {
        {"tamper", "Вмешательство"}, {"power", "Питание"}, {"clock", "Коррекция часов"}, {"voltage", "Напряжение"},
        {"config", "Параметры и программирование"}, {"firmware", "Встроенное ПО"}, {"communication", "Связь"}, {"self_test", "Самодиагностика"}};
    static const std::map<std::string, std::string> severities = {{"info", "Информация"}, {"warning", "Предупреждение"}, {"alarm", "Авария"}};
    auto word = [](const std::map<std::string, std::string>& words, const std::string& id) {
        auto it = words.find(id);
        return it == words.end() ? id : it->second;
    };
    for (const auto& pv : *points) {
        auto p = pv.extract<Poco::JSON::Object::Ptr>();
        const std::string pid = p->getValue<std::string>("id"), name = p->getValue<std::string>("name");
        auto meter = p->getObject("meter");
        // Keep each answer alive while iterating over its rows.
        const auto readingsAnswer = meters_.readings(t, who, pid, q), profileAnswer = meters_.profile(t, who, pid, q),
                   eventsAnswer = meters_.events(t, who, pid, q);
        for (const auto& r : *readingsAnswer->getArray("rows")) {
            auto o = r.extract<Poco::JSON::Object::Ptr>();
            readings.rows.push_back({DateCell{o->getValue<long long>("ts") + off, DateCell::Day}, name, meter->getValue<std::string>("model"), meter->getValue<std::string>("serial"),
                                     num(o, "total"), num(o, "t1"), num(o, "t2"), num(o, "t3"), num(o, "t4")});
        }
        for (const auto& r : *profileAnswer->getArray("rows")) {
            auto o = r.extract<Poco::JSON::Object::Ptr>();
            profile.rows.push_back({when(o->getValue<long long>("ts")), name, num(o, "p_plus"), num(o, "p_minus"), num(o, "q_plus"), num(o, "q_minus")});
        }
        for (const auto& r : *eventsAnswer->getArray("rows")) {
            auto o = r.extract<Poco::JSON::Object::Ptr>();
            events.rows.push_back({when(o->getValue<long long>("ts_start")),
                                   o->get("ts_end").isEmpty() ? Cell(std::string()) : Cell(when(o->getValue<long long>("ts_end"))), name,
                                   word(categories, o->getValue<std::string>("category")), word(severities, o->getValue<std::string>("severity")),
                                   o->getValue<std::string>("text")});
        }
    }
    Poco::File(dir_ + "/archive/" + t.id()).createDirectories();
    const std::string base = dir_ + "/archive/" + t.id() + "/" + jobId;
    const std::vector<Table> tables = {readings, profile, events};
    writeXlsx(base + ".xlsx.tmp", tables);
    Poco::File(base + ".xlsx.tmp").renameTo(base + ".xlsx");
    {
        FILE* f = std::fopen((base + ".csv.tmp").c_str(), "wb");
        if (!f) throw std::runtime_error("cannot write the CSV archive");
        const std::string csv = toCsv(tables);
        const bool ok = std::fwrite(csv.data(), 1, csv.size(), f) == csv.size();
        std::fclose(f);
        if (!ok) throw std::runtime_error("cannot write the CSV archive");
        Poco::File(base + ".csv.tmp").renameTo(base + ".csv");
    }
    const long long n = static_cast<long long>(std::time(nullptr));
    db_.transaction([&](soci::session& se) {
        se << "UPDATE jobs SET state = 'done', result_path = :p, lease_until = 0, updated_at = :n WHERE tenant_id = :t AND job_id = :id",
            soci::use(base), soci::use(n), soci::use(t.id()), soci::use(jobId);
        // The requester learns that the files can be downloaded, in the transaction that says so.
        auto day = [](const std::string& iso) { return iso.size() == 10 ? iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4) : iso; };
        Notice notice;
        notice.kind = "archive_ready";
        notice.audience.users = {userId};
        notice.values = {{"from", day(from)}, {"to", day(to)}, {"period", "с " + day(from) + " по " + day(to)}};
        notice.refs = {{"archive", jobId, "Архив данных с " + day(from) + " по " + day(to)}};
        NotificationCentre::raise(se, t, notice, n);
    });
}

namespace {
/// A due job is taken for the service's lease (leaseFor, 10 minutes by default) and marked running; its outcome (done or failed) gives the lease back.
const RowLease kJobLease({"jobs", "job_id", "state IN ('requested', 'running')", "state = 'running'", "updated_at"});
} // namespace

int ArchiveService::runDue(TenantRegistry& tenants, long long now) {
    int built = 0;
    for (const auto& tid : tenants.ids()) {
        TenantScope scope(tid); // the tenant's own database, when it has one
        auto t = tenants.find(tid);
        std::vector<std::string> due;
        db_.read([&](soci::session& se) {
            soci::rowset<std::string> rs = (se.prepare << "SELECT job_id FROM jobs WHERE tenant_id = :t AND kind = 'archive' AND state IN "
                                                          "('requested', 'running') AND run_after <= :n AND lease_until < :n2 ORDER BY run_after LIMIT 10",
                                            soci::use(tid), soci::use(now), soci::use(now));
            for (const auto& id : rs) due.push_back(id);
        });
        for (const auto& id : due) {
            std::string userId, params;
            bool claimed = false;
            const long long lease = now + leaseSeconds_;
            db_.transaction([&](soci::session& se) {
                claimed = kJobLease.take(se, tid, id, now, lease);
                if (claimed)
                    se << "SELECT user_id, params_json FROM jobs WHERE tenant_id = :t AND job_id = :id", soci::use(tid), soci::use(id),
                        soci::into(userId), soci::into(params);
            });
            if (!claimed) continue;
            try {
                auto prm = luajson::parse(params).extract<Poco::JSON::Object::Ptr>();
                build(*t, id, userId, prm->getValue<std::string>("from"), prm->getValue<std::string>("to"));
                ++built;
                log::info("archive built", {{"tenant", tid}, {"job_id", id}});
            } catch (const std::exception& e) {
                const std::string error = std::string(e.what()).substr(0, 300);
                db_.transaction([&](soci::session& se) {
                    se << "UPDATE jobs SET state = 'failed', error = :e, lease_until = 0 WHERE tenant_id = :t AND job_id = :id", soci::use(error),
                        soci::use(tid), soci::use(id);
                });
                log::error("archive failed", {{"tenant", tid}, {"job_id", id}, {"error", error}});
            }
        }
    }
    return built;
}

JobWorker::JobWorker(ArchiveService& archive, TenantRegistry& tenants)
    : archive_(archive), tenants_(tenants), worker_("jobs", [this] {
          archive_.runDue(tenants_, static_cast<long long>(std::time(nullptr)));
          return std::chrono::milliseconds(std::chrono::seconds(5));
      }, Backoff{std::chrono::seconds(5), std::chrono::minutes(1)}) {}

} // namespace kabinet
