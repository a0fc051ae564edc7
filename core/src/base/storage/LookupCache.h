#pragma once
/// Rows looked up a moment ago, kept so that the several requests of one page (and a client polling) cost one
/// lookup, not one each. An entry serves for at most the cache's time to live; every change in this process to
/// the rows it was read from either makes all entries stale (a ChangeCount::changed() beside the write, at once
/// and again when the change's transaction commits) or drops the entries of the rows it names
/// (LookupCache::forget), so the next lookup sees it. A change made by another process (the admin CLI, another
/// kabinetd) is seen within the time to live.
#include <algorithm>
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

/// Values by key, fresh for `ttl`, while `changes` has not moved and their key was not forgotten since they were
/// looked up.
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

    /// Where a lookup begins: read before asking the database, handed to keep(). Moves with every change counted
    /// and every forget() (the sum of two counts that only grow: equal again only when neither moved).
    std::uint64_t generation() const noexcept { return changes_.now() + forgets_.load(std::memory_order_acquire); }

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

    /// Keeps what a lookup that began at `generation` (generation()) found; ignored when a change was counted or
    /// any key forgotten meanwhile.
    void keep(const std::string& key, Value value, std::uint64_t generation) {
        if (!enabled()) return;
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> lock(m_);
        const std::uint64_t counted = changes_.now(); // forgets_ moves only under the lock
        if (generation != counted + forgets_.load(std::memory_order_acquire)) return;
        // Whenever as many keys were kept as the cache holds (at least every 256 keeps), and whenever full, what
        // is stale goes (so that a quiet cache does not hold a day's worth of old values, at a constant cost a
        // keep); full of fresh entries, it starts over (a burst of new keys).
        if (entries_.size() >= capacity_ || ++keeps_ >= std::max(kSweepEvery, entries_.size())) {
            keeps_ = 0;
            for (auto it = entries_.begin(); it != entries_.end();)
                it = it->second.generation != counted || now >= it->second.until ? entries_.erase(it) : std::next(it);
            if (entries_.size() >= capacity_) entries_.clear();
        }
        entries_.insert_or_assign(key, Entry{std::move(value), now + ttl_, counted});
    }

    /// The rows behind `keys` changed: their entries go, and what a lookup under way keeps is ignored.
    template <class Keys>
    void forget(const Keys& keys) {
        std::lock_guard<std::mutex> lock(m_);
        forgets_.fetch_add(1, std::memory_order_acq_rel);
        if (entries_.empty()) return;
        for (const auto& key : keys) entries_.erase(key);
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
    std::size_t keeps_ = 0;                  ///< since the last sweep
    std::atomic<std::uint64_t> forgets_{0}; ///< forget() calls; part of generation()
};

} // namespace kabinet
