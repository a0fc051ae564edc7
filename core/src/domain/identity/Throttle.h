#pragma once
/// One mechanism against guessing, shared by logins (passwords) and access ways (personal account and
/// contract numbers): failed attempts are counted per key (an account, a user, a client address) within a
/// window; from a threshold on each next attempt waits 1, 2, 4 … 60 s, and a policy may lock the key for a
/// while at a second threshold. An attempt is reserved — checked and counted — in one statement before the
/// secret is checked, so concurrent attempts can never exceed the policy. The rows live in `login_throttle`.
#include <string>
#include <utility>
#include <vector>

namespace kabinet {

class Database;
class Tenant;

/// A tenant's limits of one group of `kabinet.tenant.identity` — `lockout` (logins) or `guessing`
/// (identifiers of the access ways) — exactly as the tenant library returns them: it checks the tenant's
/// values against its bounds and fills in its defaults, and C++ applies no bounds of its own.
struct ThrottleLimits {
    int maxFailures = 0;
    int windowMinutes = 0;
    int lockMinutes = 0;
    /// Reads `group` of the tenant's identity settings; throws LuaError when the library left a value out.
    static ThrottleLimits of(const Tenant& t, const std::string& group);
};

/// When a key is slowed down and when it is locked.
struct ThrottlePolicy {
    int delayFrom = 3;               ///< from this many failures in the window on, the next attempt waits 1, 2, 4 … s
    int lockAt = 0;                  ///< at this many failures in the window the key is locked; 0: never locked
    long long windowSeconds = 900;   ///< failures older than the window's start are forgotten
    long long lockSeconds = 900;     ///< how long a lock lasts
    long long maxDelaySeconds = 60;  ///< the longest delay

    /// A person's key (login account, user guessing identifiers): slowed from max(3, maxFailures / 2)
    /// failures, locked at maxFailures for lockMinutes.
    static ThrottlePolicy lockable(int maxFailures, int windowMinutes, int lockMinutes);
    /// A client address (possibly a shared NAT): slowed from 4 × maxFailures failures, never locked, so one
    /// attacker cannot lock out everyone behind the same address.
    static ThrottlePolicy slowOnly(int maxFailures, int windowMinutes);
};

/// A key and its policy.
struct ThrottleKey {
    std::string key;
    ThrottlePolicy policy;
};

/// The outcome of a reservation.
struct ThrottleReservation {
    long long waitSeconds = 0; ///< > 0: refused, nothing counted; try again after this many seconds
    int failures = 0;          ///< the first key's failures including this attempt (when granted)
    bool locks = false;        ///< this attempt reached the first key's lock threshold (when granted)
};

class Throttle {
public:
    /// Works on `tenant`'s throttle rows.
    Throttle(Database& db, std::string tenant) : db_(db), tenant_(std::move(tenant)) {}

    /// Reserves one attempt under every key, in one transaction: each key is checked and its count raised in a
    /// single INSERT … ON CONFLICT DO UPDATE … RETURNING that refuses when the key must still wait, and sets the
    /// delay or lock the new count calls for. When any key refuses, nothing is counted and the longest wait
    /// is returned. The attempt counts as a failure until clear() or release() says otherwise.
    ThrottleReservation reserve(const std::vector<ThrottleKey>& keys);
    /// The attempt succeeded: forget every failure of the key (a login's account).
    void clear(const std::string& key);
    /// The attempt succeeded: take back its reserved failure, keep the others and any delay or lock (a client
    /// address, a user's identifier guesses — a success there must not wipe the record of misses).
    void release(const std::string& key);

private:
    Database& db_;
    std::string tenant_;
};

} // namespace kabinet
