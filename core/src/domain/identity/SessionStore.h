#pragma once
/// The SQL of login sessions (`sessions`): a session is the SHA-256 of its cookie token, so the table alone
/// opens nothing. A store works on the session it is given — the caller's transaction for writes — and never
/// commits by itself. Every statement is limited to the store's tenant. Every change tells the SessionCache.
#include <optional>
#include <string>

namespace soci {
class session;
}

namespace kabinet {

/// Whose a live session is.
struct SessionOwner {
    std::string userId, role, kind;
    std::string secondFactor; ///< the user's second factor; empty when none is set
    long long expiresAt = 0;  ///< when the session ends (Unix seconds)
};

class SessionStore {
public:
    /// Works on `tenant`'s rows through `s`.
    SessionStore(soci::session& s, std::string tenant);

    /// Stores a session from `now` until `expiresAt`.
    void insert(const std::string& tokenHash, const std::string& userId, bool remember, long long now, long long expiresAt,
                const std::string& client);
    /// The owner of the session with this hash when it has not expired by `now` and its user is active; else
    /// nothing (unknown, expired, another tenant's, a pending or disabled user).
    std::optional<SessionOwner> live(const std::string& tokenHash, long long now) const;
    /// Ends one session.
    void remove(const std::string& tokenHash);
    /// Ends every session of the user.
    void removeAll(const std::string& userId);
    /// Ends every session of the user except the one with `keepHash`.
    void removeOthers(const std::string& userId, const std::string& keepHash);

private:
    soci::session& s_;
    std::string tenant_;
};

} // namespace kabinet
