#pragma once
/// Rows looked up a moment ago, kept so that the several requests of one page (and a client polling) cost one
/// lookup, not one each. An entry serves for at most the cache's time to live; every change in this process to
/// the rows it was read from (a ChangeCount::changed() beside the write) makes all entries stale at once and
/// again when the change's transaction commits, so the next lookup sees it. A change made by another process
/// (the admin CLI, another kabinetd) is seen within the time to live.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace kabinet {

/// The count of changes to one family of rows (sessions and users; points and grants).
class ChangeCount {
public:
    /// The count so far; read before a lookup, handed to LookupCache::keep().
    std::uint64_t now() const noexcept { return n_.load(std::memory_order_acquire); }
    /// The rows changed: counts now and again once the current transaction commits (at once outside one).
    void changed();

private:
    std::atomic<std::uint64_t> n_{1};
};

/// Values by key, fresh for `ttl` and while `changes` has not moved since they were looked up.
template <class Value>
class LookupCache {
public:
    /// A cache over `changes` keeping entries for `ttl` (zero: keeps nothing) and at most `capacity` of them.
    LookupCache(const ChangeCount& changes, std::chrono::milliseconds ttl, std::size_t capacity = 50'000)
        : changes_(changes), ttl_(ttl), capacity_(capacity) {}

    /// How many entries it holds, fresh or not.
    std::size_t size() const {
        std::lock_guard<std::mutex> lock(m_);
        return entries_.size();
    }

    /// Whether the cache keeps anything at all.
    bool enabled() const noexcept { return ttl_.count() > 0; }

    /// The value kept for `key` when it is fresh.
    std::optional<Value> find(const std::string& key) const {
        if (!enabled()) return std::nullopt;
        const auto at = std::chrono::steady_clock::now();
        const std::uint64_t current = changes_.now();
        std::lock_guard<std::mutex> lock(m_);
        auto it = entries_.find(key);
        if (it == entries_.end() || it->second.generation != current || at >= it->second.until) return std::nullopt;
        return it->second.value;
    }

    /// Keeps what a lookup that began when the count was `generation` found; ignored when a change happened
    /// meanwhile.
    void keep(const std::string& key, Value value, std::uint64_t generation) {
        if (!enabled() || generation != changes_.now()) return;
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> lock(m_);
        // Every so many keeps, and whenever full, what is stale goes (so that a quiet cache does not hold a
        // day's worth of old values); full of fresh entries, it starts over (a burst of new keys).
        if (entries_.size() >= capacity_ || ++keeps_ % kSweepEvery == 0) {
            for (auto it = entries_.begin(); it != entries_.end();)
                it = it->second.generation != generation || now >= it->second.until ? entries_.erase(it) : std::next(it);
            if (entries_.size() >= capacity_) entries_.clear();
        }
        entries_.insert_or_assign(key, Entry{std::move(value), now + ttl_, generation});
    }

private:
    struct Entry {
        Value value;
        std::chrono::steady_clock::time_point until;
        std::uint64_t generation = 0;
    };
    static constexpr std::size_t kSweepEvery = 256;
    const ChangeCount& changes_;
    std::chrono::milliseconds ttl_;
    std::size_t capacity_;
    mutable std::mutex m_;
    std::unordered_map<std::string, Entry> entries_;
    std::size_t keeps_ = 0;
};

} // namespace kabinet
