#include "identity/SessionCache.h"

namespace kabinet {

namespace {
ChangeCount sessionChanges; // sessions and users
} // namespace

SessionCache::SessionCache(std::chrono::milliseconds ttl, std::size_t capacity) : entries_(sessionChanges, ttl, capacity) {}

void SessionCache::changed() { sessionChanges.changed(); }

std::optional<SessionOwner> SessionCache::find(const std::string& tenant, const std::string& tokenHash, long long now) const {
    auto owner = entries_.find(tenant + '\n' + tokenHash);
    if (owner && now >= owner->expiresAt) return std::nullopt;
    return owner;
}

void SessionCache::keep(const std::string& tenant, const std::string& tokenHash, const SessionOwner& owner, std::uint64_t generation) {
    entries_.keep(tenant + '\n' + tokenHash, owner, generation);
}

} // namespace kabinet
