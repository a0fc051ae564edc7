/// Routes of the audit log (docs/API.md, "Audit log"): operators read the guesses, tenant admins every entry.
#include "api/AuditSpecs.h"
#include "api/Routes.h"
#include "identity/AuditLog.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/NumberParser.h>
#include <Poco/URI.h>

#include <sstream>

namespace kabinet {

namespace {
/// The query's parameters in order; 400 `malformed_query` when the query cannot be decoded.
Poco::URI::QueryParameters queryParameters(const Request& q) {
    try {
        return Poco::URI("/?" + q.query).getQueryParameters();
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
}

/// A positive whole number from the query, `fallback` when absent; 422 naming the parameter otherwise.
int positive(const Request& q, const std::string& name, int fallback, int max) {
    const Poco::URI::QueryParameters params = queryParameters(q);
    for (const auto& [k, v] : params) {
        if (k != name) continue;
        int n = 0;
        if (v.size() > 9 || !Poco::NumberParser::tryParse(v, n) || n < 1 || n > max)
            throw Unprocessable({{name, "Ожидается целое число от 1 до " + std::to_string(max)}});
        return n;
    }
    return fallback;
}

/// The `kind` filter: empty (every kind) or one of AuditLog::kinds(); 422 naming it otherwise.
std::string kindOf(const Request& q) {
    const Poco::URI::QueryParameters params = queryParameters(q);
    for (const auto& [k, v] : params) {
        if (k != "kind" || v.empty()) continue;
        for (const auto& known : AuditLog::kinds())
            if (v == known) return v;
        throw Unprocessable({{"kind", "Допустимые виды записей: guess, login, grant, staff, operator"}});
    }
    return {};
}

Response noStore(const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    Response resp = Response::json(200, out.str());
    resp.headers.push_back({"Cache-Control", "no-store"});
    return resp;
}
} // namespace

void registerAuditRoutes(Router& r, Services& s) {
    // Misses and refusals of personal account and contract number guesses, newest first, a page at a time.
    r.add("GET", "/api/v1/operator/audit", true, Access::Operator, spec::auditLog(), [&s](Request& q) {
        const int perPage = positive(q, "per_page", 50, AuditLog::kMaxPerPage);
        const int page = positive(q, "page", 1, 1000000);
        return noStore(s.audit->page(q.tenant->id(), page, perPage));
    });
    // The whole journal for the tenant admin: logins, grants, guesses, staff actions; by kind, a page at a time.
    r.add("GET", "/api/v1/admin/audit", true, Access::TenantAdmin, spec::auditJournal(), [&s](Request& q) {
        const std::string kind = kindOf(q);
        const int perPage = positive(q, "per_page", 50, AuditLog::kMaxPerPage);
        const int page = positive(q, "page", 1, 1000000);
        return noStore(s.audit->journal(q.tenant->id(), kind, page, perPage));
    });
}

} // namespace kabinet
