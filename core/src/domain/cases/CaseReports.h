#pragma once
/// Figures about a tenant's cases for staff (GET operator/reports/cases): counts per period by kind and by
/// channel, the figures order 186 App. 7 §4 asks a grid company to disclose (total, containing a complaint,
/// containing a service request, answered on time; each by channel), and the answers of surveys aggregated
/// per question. The same figures as JSON or as tables for CSV/XLSX (export/TableWriter).
#include "export/TableWriter.h"

#include <Poco/JSON/Object.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kabinet {

class Database;
class Tenant;

/// What the reports need of a case kind (from the tenant's `case_kinds`, contract §2).
struct ReportKind {
    /// A question of a survey kind: a field of its form.
    struct Question {
        std::string name, label, type;
        std::vector<std::pair<std::string, std::string>> options; ///< value → label of a choice field
    };
    std::string id, label;
    std::string reportAs; ///< complaint, service_request, information, feedback, survey or other
    std::vector<Question> questions; ///< the form's fields (used for survey kinds only)
    std::set<std::string> finalStates = {}; ///< a case in one of these is answered even without `closed_at`
};

/// The kinds the tenant declares (cases::CaseKinds), in their order; empty when it declares none.
std::vector<ReportKind> reportKinds(Tenant& t);

/// The period of a report: cases filed from the start of `from` to the end of `to` (dates in the tenant's zone).
struct ReportPeriod {
    std::string from, to;    ///< "YYYY-MM-DD"
    std::string group = "month"; ///< "month" or "day": the rows of the table per period
    int utcOffset = 3 * 3600;
};

/// Builds the reports from the stored cases (sql/0010_cases.sql). Reads only.
class CaseReports {
public:
    explicit CaseReports(Database& db) : db_(db) {}

    /// The figures of cases filed in the period, as JSON (docs/API.md, "Case reports"): `totals`, `by_channel`,
    /// `by_kind`, `periods` and `surveys`. Kinds the tenant no longer declares are counted under their id as
    /// «other». A case counts as answered on time when it reached a final state before its running deadline
    /// ended (or had none).
    Poco::JSON::Object::Ptr cases(const std::string& tenantId, const std::vector<ReportKind>& kinds, const ReportPeriod& p);

    /// The same report as tables: the order 186 figures by channel, counts by kind, counts per period and
    /// one table per survey question.
    static std::vector<Table> tables(const Poco::JSON::Object::Ptr& report);

private:
    Database& db_;
};

} // namespace kabinet
