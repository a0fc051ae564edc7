#include "identity/TokenStore.h"

#include <soci/soci.h>

namespace kabinet {

TokenStore::TokenStore(soci::session& s, std::string tenant) : s_(s), tenant_(std::move(tenant)) {}

std::optional<Token> TokenStore::find(const std::string& hash) const {
    Token t;
    soci::indicator usedInd;
    long long usedAt = 0;
    s_ << "SELECT user_id, purpose, data, attempts, created_at, expires_at, used_at FROM tokens WHERE tenant_id = :t AND token_hash = :h",
        soci::use(tenant_), soci::use(hash), soci::into(t.userId), soci::into(t.purpose), soci::into(t.data), soci::into(t.attempts),
        soci::into(t.createdAt), soci::into(t.expiresAt), soci::into(usedAt, usedInd);
    if (!s_.got_data()) return std::nullopt;
    t.hash = hash;
    t.used = usedInd != soci::i_null;
    return t;
}

std::optional<Token> TokenStore::newest(const std::string& userId, const std::string& purpose) const {
    std::string hash;
    s_ << "SELECT token_hash FROM tokens WHERE tenant_id = :t AND user_id = :u AND purpose = :p ORDER BY created_at DESC LIMIT 1",
        soci::use(tenant_), soci::use(userId), soci::use(purpose), soci::into(hash);
    if (!s_.got_data()) return std::nullopt;
    return find(hash);
}

long long TokenStore::secondsSinceNewest(const std::string& userId, const std::string& purpose, long long now) const {
    long long newest = 0;
    soci::indicator ind;
    s_ << "SELECT MAX(created_at) FROM tokens WHERE tenant_id = :t AND user_id = :u AND purpose = :p", soci::use(tenant_),
        soci::use(userId), soci::use(purpose), soci::into(newest, ind);
    return ind == soci::i_null ? 1LL << 40 : now - newest;
}

void TokenStore::insert(const std::string& hash, const std::string& userId, const std::string& purpose, const std::string& data,
                        long long now, long long ttlSeconds) {
    const long long expires = now + ttlSeconds;
    s_ << "INSERT INTO tokens (tenant_id, token_hash, user_id, purpose, data, attempts, created_at, expires_at) "
          "VALUES (:t, :h, :u, :p, :d, 0, :c, :e)",
        soci::use(tenant_), soci::use(hash), soci::use(userId), soci::use(purpose), soci::use(data), soci::use(now), soci::use(expires);
}

void TokenStore::markUsed(const std::string& hash, long long now) {
    s_ << "UPDATE tokens SET used_at = :n WHERE tenant_id = :t AND token_hash = :h", soci::use(now), soci::use(tenant_), soci::use(hash);
}

void TokenStore::spendAll(const std::string& userId, const std::string& purpose, long long now) {
    s_ << "UPDATE tokens SET used_at = :n WHERE tenant_id = :t AND user_id = :u AND purpose = :p AND used_at IS NULL", soci::use(now),
        soci::use(tenant_), soci::use(userId), soci::use(purpose);
}

void TokenStore::countAttempt(const std::string& hash) {
    s_ << "UPDATE tokens SET attempts = attempts + 1 WHERE tenant_id = :t AND token_hash = :h", soci::use(tenant_), soci::use(hash);
}

} // namespace kabinet
