/// Routes of the staff's case reports (docs/API.md, "Case reports").
#include "api/CaseReportSpecs.h"
#include "api/Routes.h"
#include "cases/CaseReports.h"
#include "http/FileAnswer.h"
#include "server/Services.h"
#include "tenants/Tenant.h"
#include "util/Error.h"
#include "util/Files.h"
#include "util/TimeZones.h"

#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>

#include <ctime>
#include <map>
#include <sstream>

namespace kabinet {

namespace {

std::map<std::string, std::string> queryOf(const Request& q) {
    std::map<std::string, std::string> out;
    if (q.query.size() > 2000) throw BadRequest("query_too_long", "Слишком длинная строка запроса");
    try {
        for (const auto& [k, v] : Poco::URI("/?" + q.query).getQueryParameters()) out[k] = v;
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
    return out;
}

/// A "YYYY-MM-DD" date of the query (422 naming it otherwise), `fallback` when absent or empty.
std::string dateParam(const std::map<std::string, std::string>& q, const std::string& name, const std::string& fallback) {
    auto it = q.find(name);
    if (it == q.end() || it->second.empty()) return fallback;
    const std::string& v = it->second;
    try {
        if (v.size() == 10 && tz::localDate(tz::localMidnight(v, 0), 0) == v) return v;
    } catch (const std::exception&) {
    }
    throw Unprocessable({{name, "Укажите дату в виде ГГГГ-ММ-ДД"}});
}

std::string choice(const std::map<std::string, std::string>& q, const std::string& name, std::initializer_list<const char*> allowed,
                   const std::string& reason) {
    auto it = q.find(name);
    if (it == q.end() || it->second.empty()) return *allowed.begin();
    for (const char* a : allowed)
        if (it->second == a) return a;
    throw Unprocessable({{name, reason}});
}

Response json(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    Response r = Response::json(200, out.str());
    r.headers.push_back({"Cache-Control", "no-store"});
    return r;
}
} // namespace

void registerCaseReportRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/operator/reports/cases", true, Access::Operator, spec::caseReports(), [&s](Request& q) {
        const auto query = queryOf(q);
        const int off = q.tenant->utcOffset();
        const std::string today = tz::localDate(static_cast<long long>(std::time(nullptr)), off);
        ReportPeriod p;
        p.utcOffset = off;
        p.from = dateParam(query, "from", today.substr(0, 4) + "-01-01");
        p.to = dateParam(query, "to", today);
        p.group = choice(query, "group", {"month", "day"}, "Группировка: по месяцам (month) или по дням (day)");
        const std::string format = choice(query, "format", {"json", "csv", "xlsx"}, "Формат: json, csv или xlsx");
        const long long days = (tz::localMidnight(p.to, 0) - tz::localMidnight(p.from, 0)) / 86400 + 1;
        if (days < 1) throw Unprocessable({{"to", "Конец периода раньше его начала"}});
        if (days > 5 * 366) throw Unprocessable({{"from", "Период отчёта — не больше пяти лет"}});
        if (p.group == "day" && days > 366) throw Unprocessable({{"group", "По дням — не больше чем за год; выберите группировку по месяцам"}});

        CaseReports reports(*s.db);
        const auto report = reports.cases(q.tenant->id(), reportKinds(*q.tenant), p);
        if (format == "json") return json(report);

        Response resp;
        const auto tables = CaseReports::tables(report);
        if (format == "csv") {
            resp.body = toCsv(tables);
            resp.contentType = "text/csv; charset=utf-8";
        } else {
            Poco::TemporaryFile tmp;
            writeXlsx(tmp.path(), tables);
            readFile(tmp.path(), resp.body);
            resp.contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        }
        // The readable ASCII name both as the fallback and as the RFC 5987 name (FileAnswer's one header).
        resp.headers.push_back({"Content-Disposition", attachmentDisposition("cases_" + p.from + "_" + p.to + "." + format)});
        resp.headers.push_back({"Cache-Control", "private, no-store"});
        return resp;
    });
}

} // namespace kabinet
