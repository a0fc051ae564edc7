#pragma once
/// The SQL of one-time secrets (`tokens`): e-mail confirmation and change links, pending registrations,
/// phone codes and phone changes, login challenges, password-reset links. Only a secret's hash is a key
/// here; a code's hash travels in the row's data. A store works on the session it is given — the caller's
/// transaction for writes — and never commits by itself. Every statement is limited to the store's tenant.
#include <optional>
#include <string>

namespace soci {
class session;
}

namespace kabinet {

/// A one-time token row.
struct Token {
    std::string hash, userId, purpose, data;
    int attempts = 0;          ///< wrong codes entered against it
    long long createdAt = 0, expiresAt = 0;
    bool used = false;         ///< spent (used_at set): it never works again
};

class TokenStore {
public:
    /// Works on `tenant`'s rows through `s`.
    TokenStore(soci::session& s, std::string tenant);

    /// The token with this hash, or nothing.
    std::optional<Token> find(const std::string& hash) const;
    /// The newest token of a purpose for the user (by creation time), or nothing.
    std::optional<Token> newest(const std::string& userId, const std::string& purpose) const;
    /// Seconds from the creation of the user's newest token of a purpose to `now`; 2^40 when there is none.
    long long secondsSinceNewest(const std::string& userId, const std::string& purpose, long long now) const;

    /// Stores a token, unused, no attempts, valid from `now` for `ttlSeconds`. A hash already stored fails
    /// the statement (primary key).
    void insert(const std::string& hash, const std::string& userId, const std::string& purpose, const std::string& data, long long now,
                long long ttlSeconds);
    /// Spends the token: from now on `used` is true.
    void markUsed(const std::string& hash, long long now);
    /// Spends every unspent token of a purpose of the user (only the next one made will work).
    void spendAll(const std::string& userId, const std::string& purpose, long long now);
    /// Counts a wrong code entered against the token.
    void countAttempt(const std::string& hash);

private:
    soci::session& s_;
    std::string tenant_;
};

} // namespace kabinet
