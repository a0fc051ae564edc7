#include "identity/AuditLog.h"

#include "lua/LuaJson.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "util/Crypto.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <chrono>

namespace kabinet {

std::string AuditLog::mask(const std::string& value) {
    // Walk back over two UTF-8 characters (continuation bytes are 10xxxxxx).
    std::size_t start = value.size();
    for (int chars = 0; chars < 2 && start > 0; ++chars) {
        --start;
        while (start > 0 && (static_cast<unsigned char>(value[start]) & 0xC0) == 0x80) --start;
    }
    return start == 0 ? std::string("…") : "…" + value.substr(start);
}

AuditEntry AuditEntry::done(std::string kind, std::string userId, std::string action, std::string client, std::string targetId) {
    AuditEntry e;
    e.kind = std::move(kind);
    e.userId = std::move(userId);
    e.action = std::move(action);
    e.outcome = "done";
    e.client = std::move(client);
    e.targetId = std::move(targetId);
    e.details = new Poco::JSON::Object;
    return e;
}

void AuditLog::record(const std::string& tenant, const AuditEntry& e) {
    db_.transaction([&](soci::session& s) { recordIn(s, tenant, e); });
}

void AuditLog::recordIn(soci::session& s, const std::string& tenant, const AuditEntry& e) {
    const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const std::string id = crypto::randomToken(12), tried = e.tried.empty() ? std::string() : mask(e.tried);
    const std::string details = e.details ? luajson::stringify(e.details) : std::string("{}");
    // Entries keep the order they were made in even within one millisecond: each is at least 1 ms after
    // the tenant's latest (a burst's times drift by a few ms at most).
    long long last = 0;
    s << "SELECT COALESCE(MAX(at_ms), 0) FROM audit_log WHERE tenant_id = :t", soci::use(tenant), soci::into(last);
    const long long at = std::max(now, last + 1);
    s << "INSERT INTO audit_log (tenant_id, audit_id, at_ms, kind, user_id, target_id, action, tried, client_address, outcome, details) "
         "VALUES (:t, :id, :at, :k, :u, :g, :a, :tr, :c, :o, :d)",
        soci::use(tenant), soci::use(id), soci::use(at), soci::use(e.kind), soci::use(e.userId), soci::use(e.targetId), soci::use(e.action),
        soci::use(tried), soci::use(e.client), soci::use(e.outcome), soci::use(details);
}

const std::vector<std::string>& AuditLog::kinds() {
    static const std::vector<std::string> k = {"guess", "login", "grant", "staff", "operator"};
    return k;
}

Poco::JSON::Object::Ptr AuditLog::page(const std::string& tenant, int page, int perPage) {
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    Poco::JSON::Array::Ptr entries = new Poco::JSON::Array;
    long long total = 0;
    const long long offset = static_cast<long long>(page - 1) * perPage;
    const long long limit = perPage;
    db_.read([&](soci::session& s) {
        s << "SELECT COUNT(*) FROM audit_log WHERE tenant_id = :t AND kind = 'guess'", soci::use(tenant), soci::into(total);
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT a.at_ms, a.action, a.tried, a.client_address, a.outcome, u.login, u.email, u.fields_json, "
                          "CASE WHEN u.user_id IS NULL THEN 0 ELSE 1 END, u.login_field FROM audit_log a LEFT JOIN users u ON u.tenant_id = a.tenant_id "
                          "AND u.user_id = a.user_id WHERE a.tenant_id = :t AND a.kind = 'guess' ORDER BY a.at_ms DESC, a.audit_id LIMIT :l OFFSET :o",
             soci::use(tenant), soci::use(limit), soci::use(offset));
        for (const auto& r : rs) {
            Poco::JSON::Object::Ptr e = new Poco::JSON::Object;
            e->set("at", columnInteger(r, 0) / 1000);
            e->set("action", columnText(r, 1));
            e->set("tried", columnText(r, 2));
            e->set("client_address", columnText(r, 3));
            e->set("outcome", columnText(r, 4));
            if (columnInteger(r, 8) != 0) {
                Poco::JSON::Object::Ptr u = new Poco::JSON::Object;
                u->set("login", columnText(r, 5));
                u->set("login_field", columnText(r, 9));
                const std::string email = columnText(r, 6), fields = columnText(r, 7);
                u->set("email", email.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(email));
                u->set("fields", luajson::parse(fields.empty() ? "{}" : fields));
                e->set("user", u);
            } else {
                e->set("user", Poco::Dynamic::Var());
            }
            entries->add(e);
        }
    });
    out->set("entries", entries);
    out->set("page", page);
    out->set("per_page", perPage);
    out->set("total", total);
    return out;
}

namespace {
/// The person of columns i.. (user_id, login, login_field, email, role, fields_json), or null when the
/// account is unknown (a login that named nobody, an account since deleted).
Poco::Dynamic::Var person(const soci::row& r, std::size_t i) {
    if (columnText(r, i).empty()) return Poco::Dynamic::Var();
    Poco::JSON::Object::Ptr u = new Poco::JSON::Object;
    u->set("login", columnText(r, i + 1));
    u->set("login_field", columnText(r, i + 2));
    const std::string email = columnText(r, i + 3), fields = columnText(r, i + 5);
    u->set("email", email.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(email));
    u->set("role", columnText(r, i + 4));
    u->set("fields", luajson::parse(fields.empty() ? "{}" : fields));
    return u;
}
} // namespace

Poco::JSON::Object::Ptr AuditLog::journal(const std::string& tenant, const std::string& kind, int page, int perPage) {
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    Poco::JSON::Array::Ptr entries = new Poco::JSON::Array;
    long long total = 0;
    const long long offset = static_cast<long long>(page - 1) * perPage;
    const long long limit = perPage;
    const int all = kind.empty() ? 1 : 0;
    db_.read([&](soci::session& s) {
        s << "SELECT COUNT(*) FROM audit_log WHERE tenant_id = :t AND (:all = 1 OR kind = :k)", soci::use(tenant), soci::use(all),
            soci::use(kind), soci::into(total);
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT a.at_ms, a.kind, a.action, a.outcome, a.tried, a.client_address, a.details, "
                          "u.user_id, u.login, u.login_field, u.email, u.role, u.fields_json, "
                          "v.user_id, v.login, v.login_field, v.email, v.role, v.fields_json "
                          "FROM audit_log a "
                          "LEFT JOIN users u ON u.tenant_id = a.tenant_id AND u.user_id = a.user_id "
                          "LEFT JOIN users v ON v.tenant_id = a.tenant_id AND v.user_id = a.target_id "
                          "WHERE a.tenant_id = :t AND (:all = 1 OR a.kind = :k) ORDER BY a.at_ms DESC, a.audit_id LIMIT :l OFFSET :o",
             soci::use(tenant), soci::use(all), soci::use(kind), soci::use(limit), soci::use(offset));
        for (const auto& r : rs) {
            Poco::JSON::Object::Ptr e = new Poco::JSON::Object;
            e->set("at", columnInteger(r, 0) / 1000);
            e->set("kind", columnText(r, 1));
            e->set("action", columnText(r, 2));
            e->set("outcome", columnText(r, 3));
            e->set("tried", columnText(r, 4));
            e->set("client_address", columnText(r, 5));
            const std::string details = columnText(r, 6);
            e->set("details", luajson::parse(details.empty() ? "{}" : details));
            e->set("actor", person(r, 7));
            e->set("target", person(r, 13));
            entries->add(e);
        }
    });
    out->set("entries", entries);
    out->set("kind", kind.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(kind));
    out->set("page", page);
    out->set("per_page", perPage);
    out->set("total", total);
    return out;
}

} // namespace kabinet
