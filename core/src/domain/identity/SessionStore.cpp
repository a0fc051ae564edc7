#include "identity/SessionStore.h"

#include "identity/SessionCache.h"

#include "storage/FetchedRows.h"

#include <soci/soci.h>

namespace kabinet {

SessionStore::SessionStore(soci::session& s, std::string tenant) : s_(s), tenant_(std::move(tenant)) {}

void SessionStore::insert(const std::string& tokenHash, const std::string& userId, bool remember, long long now, long long expiresAt,
                          const std::string& client) {
    const int rem = remember ? 1 : 0;
    s_ << "INSERT INTO sessions (tenant_id, token_hash, user_id, remember, created_at, expires_at, client_address) "
          "VALUES (:t, :h, :u, :r, :c, :e, :a)",
        soci::use(tenant_), soci::use(tokenHash), soci::use(userId), soci::use(rem), soci::use(now), soci::use(expiresAt),
        soci::use(client);
}

std::optional<SessionOwner> SessionStore::live(const std::string& tokenHash, long long now) const {
    // Asked on every request: one round trip, prepared once per pooled connection (neither parsed nor planned again).
    static const std::string sql =
        "SELECT u.user_id, u.role, u.kind, u.second_factor, s.expires_at FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id "
        "AND u.user_id = s.user_id WHERE s.tenant_id = ? AND s.token_hash = ? AND s.expires_at > ? AND u.state = 'active'";
    const auto rows = FetchedRows::fetch(s_, sql, {tenant_, tokenHash, now}, SqlPlan::Reused);
    if (rows.size() == 0) return std::nullopt;
    SessionOwner o;
    o.userId = rows.text(0, 0);
    o.role = rows.text(0, 1);
    o.kind = rows.text(0, 2);
    o.secondFactor = rows.text(0, 3); // empty when NULL
    o.expiresAt = rows.integer(0, 4);
    return o;
}

void SessionStore::remove(const std::string& tokenHash) {
    SessionCache::changed();
    s_ << "DELETE FROM sessions WHERE tenant_id = :t AND token_hash = :h", soci::use(tenant_), soci::use(tokenHash);
}

void SessionStore::removeAll(const std::string& userId) {
    SessionCache::changed();
    s_ << "DELETE FROM sessions WHERE tenant_id = :t AND user_id = :u", soci::use(tenant_), soci::use(userId);
}

void SessionStore::removeOthers(const std::string& userId, const std::string& keepHash) {
    SessionCache::changed();
    s_ << "DELETE FROM sessions WHERE tenant_id = :t AND user_id = :u AND token_hash <> :h", soci::use(tenant_), soci::use(userId),
        soci::use(keepHash);
}

} // namespace kabinet
