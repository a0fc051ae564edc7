#include "identity/SessionCache.h"

#include "storage/AfterCommit.h"

namespace kabinet {

namespace {
std::atomic<std::uint64_t> changes{1};
} // namespace

SessionCache::SessionCache(std::chrono::milliseconds ttl, std::size_t capacity) : ttl_(ttl), capacity_(capacity) {}

std::uint64_t SessionCache::generation() noexcept { return changes.load(std::memory_order_acquire); }

void SessionCache::changed() {
    changes.fetch_add(1, std::memory_order_acq_rel);
    afterCommit([] { changes.fetch_add(1, std::memory_order_acq_rel); });
}

std::optional<SessionOwner> SessionCache::find(const std::string& tenant, const std::string& tokenHash, long long now) const {
    if (ttl_.count() <= 0) return std::nullopt;
    const auto at = std::chrono::steady_clock::now();
    const std::uint64_t current = generation();
    std::lock_guard<std::mutex> lock(m_);
    auto it = entries_.find(tenant + '\n' + tokenHash);
    if (it == entries_.end()) return std::nullopt;
    const Entry& e = it->second;
    if (e.generation != current || at >= e.until || now >= e.owner.expiresAt) return std::nullopt;
    return e.owner;
}

void SessionCache::keep(const std::string& tenant, const std::string& tokenHash, const SessionOwner& owner, std::uint64_t generation) {
    if (ttl_.count() <= 0 || generation != SessionCache::generation()) return;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(m_);
    if (entries_.size() >= capacity_) {
        // Full: drop what is stale; when everything is fresh, start over (a burst of new sessions).
        for (auto it = entries_.begin(); it != entries_.end();)
            it = it->second.generation != generation || now >= it->second.until ? entries_.erase(it) : std::next(it);
        if (entries_.size() >= capacity_) entries_.clear();
    }
    entries_[tenant + '\n' + tokenHash] = Entry{owner, now + ttl_, generation};
}

} // namespace kabinet
