#include "api/CaseReportSpecs.h"

namespace kabinet::spec {

using namespace shape;

RouteSpec caseReports() {
    const std::initializer_list<Member> counts = {{"total", integer()},
                                                  {"complaint", described(integer(), "cases of kinds reported as a complaint")},
                                                  {"service_request", described(integer(), "cases of kinds reported as a service request")},
                                                  {"answered", described(integer(), "cases that reached a final state")},
                                                  {"answered_on_time", integer()},
                                                  {"answered_late", integer()},
                                                  {"open", integer()},
                                                  {"overdue", integer()}};
    const Shape totals = named("CaseReportCounts", object(counts));
    const Shape channel = named("CaseReportChannel", extend(totals, {{"id", oneOf({"in_person", "phone", "portal", "email", "post", "other"})},
                                                                     {"label", string()}}));
    const Shape kind = named("CaseReportKind", extend(totals, {{"id", string()}, {"label", string()},
                                                               {"report_as", oneOf({"complaint", "service_request", "information", "feedback", "survey", "other"})}}));
    const Shape count = object({{"id", string()}, {"count", integer()}});
    const Shape period = named("CaseReportPeriod", object({{"period", described(string(), "YYYY-MM or YYYY-MM-DD")},
                                                           {"label", string()},
                                                           {"total", integer()},
                                                           {"kinds", arrayOf(count)},
                                                           {"channels", arrayOf(count)}}));
    const Shape answer = object({{"value", string()}, {"text", string()}, {"count", integer()}});
    const Shape question = named("SurveyQuestionReport", object({{"name", string()},
                                                                 {"label", string()},
                                                                 {"answered", integer()},
                                                                 {"average", nullable(number())},
                                                                 {"answers", arrayOf(answer)}}));
    const Shape survey = named("SurveyReport", object({{"kind", object({{"id", string()}, {"label", string()}})},
                                                       {"total", integer()},
                                                       {"questions", arrayOf(question)}}));
    return RouteSpec("Figures of the cases filed in a period (order 186 App. 7 §4) and the survey answers")
        .about("Counts by channel (totals exclude surveys), by kind and per month or day; survey answers per question. "
               "`format=csv|xlsx` gives the same as a file.")
        .group("cases")
        .query("from", string("date"), "first day, 1 January of this year by default")
        .query("to", string("date"), "last day, today by default")
        .query("group", oneOf({"month", "day"}), "month by default; day for at most 366 days")
        .query("format", oneOf({"json", "csv", "xlsx"}), "json by default")
        .answer(200, object({{"from", string("date")},
                             {"to", string("date")},
                             {"group", oneOf({"month", "day"})},
                             {"totals", totals},
                             {"by_channel", arrayOf(channel)},
                             {"by_kind", arrayOf(kind)},
                             {"periods", arrayOf(period)},
                             {"surveys", arrayOf(survey)}}))
        .file(200, {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv; charset=utf-8"})
        .errors({422});
}

} // namespace kabinet::spec
