#pragma once
/// Live sessions as looked up a moment ago (a LookupCache), so that the several requests of one page (and a
/// client polling) cost one session lookup, not one each. An entry serves for at most `ttl` and never past its
/// session's expiry; every change in this process that decides whether a session lives or whose it is
/// (SessionStore, UserStore) calls changed(), so a logout, a blocked user or a new role is seen by the next
/// request. A change made by another process (the admin CLI, another kabinetd) is seen within `ttl`. Only live
/// sessions are kept: an unknown or expired token always asks the database.
#include "identity/SessionStore.h"
#include "storage/LookupCache.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace kabinet {

class SessionCache {
public:
    /// A cache keeping entries for `ttl` (zero: keeps nothing) and at most `capacity` of them.
    explicit SessionCache(std::chrono::milliseconds ttl, std::size_t capacity = 50'000);

    /// The owner of the tenant's session with this hash when an entry is fresh, unexpired at `now` (Unix
    /// seconds) and no change happened since it was looked up.
    std::optional<SessionOwner> find(const std::string& tenant, const std::string& tokenHash, long long now) const;
    /// Keeps what a lookup that began at `generation` (generation() read before asking the database) found.
    /// Ignored when a change happened meanwhile.
    void keep(const std::string& tenant, const std::string& tokenHash, const SessionOwner& owner, std::uint64_t generation);

    /// Where a lookup begins: read before asking the database, handed to keep().
    std::uint64_t generation() const noexcept { return entries_.generation(); }
    /// Sessions or users changed: every entry is stale now and again once the current transaction commits.
    static void changed();

private:
    LookupCache<SessionOwner> entries_;
};

} // namespace kabinet
