#include "identity/RecoveryCodeStore.h"

#include <soci/soci.h>

namespace kabinet {

RecoveryCodeStore::RecoveryCodeStore(soci::session& s, std::string tenant) : s_(s), tenant_(std::move(tenant)) {}

void RecoveryCodeStore::replace(const std::string& userId, const std::vector<std::string>& hashes) {
    clear(userId);
    for (const auto& h : hashes)
        s_ << "INSERT INTO recovery_codes (tenant_id, user_id, code_hash) VALUES (:t, :u, :h)", soci::use(tenant_), soci::use(userId),
            soci::use(h);
}

bool RecoveryCodeStore::use(const std::string& userId, const std::string& hash, long long now) {
    soci::statement upd = (s_.prepare << "UPDATE recovery_codes SET used_at = :n WHERE tenant_id = :t AND user_id = :u "
                                         "AND code_hash = :c AND used_at IS NULL",
                           soci::use(now), soci::use(tenant_), soci::use(userId), soci::use(hash));
    upd.execute(true);
    return upd.get_affected_rows() == 1;
}

void RecoveryCodeStore::clear(const std::string& userId) {
    s_ << "DELETE FROM recovery_codes WHERE tenant_id = :t AND user_id = :u", soci::use(tenant_), soci::use(userId);
}

} // namespace kabinet
