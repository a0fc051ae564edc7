#include "meters/LatestReadingCache.h"

#include "storage/AfterCommit.h"

#include <algorithm>
#include <memory>

namespace kabinet {

namespace {
// The caches of this process, so that the sink reaches each (one per MeterService).
std::mutex g_cachesMutex;
std::vector<LatestReadingCache*> g_caches;

std::string keyOf(const std::string& tenant, const std::string& meter) {
    std::string key;
    key.reserve(tenant.size() + 1 + meter.size());
    key += tenant;
    key += '\n';
    key += meter;
    return key;
}
} // namespace

LatestReadingCache::LatestReadingCache(std::chrono::milliseconds ttl, std::size_t capacity) : ttl_(ttl), capacity_(capacity) {
    if (ttl_.count() <= 0) return;
    std::lock_guard<std::mutex> lock(g_cachesMutex);
    g_caches.push_back(this);
}

LatestReadingCache::~LatestReadingCache() {
    std::lock_guard<std::mutex> lock(g_cachesMutex);
    g_caches.erase(std::remove(g_caches.begin(), g_caches.end(), this), g_caches.end());
}

std::size_t LatestReadingCache::size() const {
    std::lock_guard<std::mutex> lock(m_);
    return entries_.size();
}

std::unordered_map<std::string, LatestReading> LatestReadingCache::get(const std::string& tenant, const std::vector<std::string>& meters,
                                                                       const Loader& load) {
    std::unordered_map<std::string, LatestReading> out;
    std::vector<std::string> missing;
    std::uint64_t forgets = 0;
    if (ttl_.count() > 0) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> lock(m_);
        forgets = forgets_;
        for (const auto& meter : meters) {
            auto it = entries_.find(keyOf(tenant, meter));
            if (it == entries_.end() || now >= it->second.until) missing.push_back(meter);
            else if (it->second.reading) out.emplace(meter, *it->second.reading);
        }
    } else {
        missing = meters;
    }
    if (missing.empty()) return out;
    std::unordered_map<std::string, LatestReading> loaded;
    for (const auto& part : load(missing))
        for (std::size_t r = 0; r < part.size(); ++r)
            loaded.emplace(std::string(part.text(r, 0)),
                           LatestReading{part.integer(r, 1), part.optReal(r, 2), part.optReal(r, 3), part.optReal(r, 4), part.optReal(r, 5),
                                         part.optReal(r, 6)});
    if (ttl_.count() > 0) {
        const auto now = std::chrono::steady_clock::now();
        std::lock_guard<std::mutex> lock(m_);
        if (forgets == forgets_) {
            // Full, what is stale goes; full of fresh entries, it starts over (a burst of new meters).
            if (entries_.size() + missing.size() > capacity_) {
                for (auto it = entries_.begin(); it != entries_.end();) it = now >= it->second.until ? entries_.erase(it) : std::next(it);
                if (entries_.size() + missing.size() > capacity_) entries_.clear();
            }
            for (const auto& meter : missing) {
                auto found = loaded.find(meter);
                entries_.insert_or_assign(keyOf(tenant, meter),
                                          Entry{found == loaded.end() ? std::nullopt : std::optional<LatestReading>(found->second), now + ttl_});
            }
        }
    }
    out.merge(loaded);
    return out;
}

void LatestReadingCache::forget(const std::string& tenant, const std::set<std::string>& meters) {
    std::lock_guard<std::mutex> lock(m_);
    ++forgets_;
    if (entries_.empty()) return;
    for (const auto& meter : meters) entries_.erase(keyOf(tenant, meter));
}

void LatestReadingCache::changed(const std::string& tenant, const std::set<std::string>& meters) {
    {
        std::lock_guard<std::mutex> lock(g_cachesMutex);
        if (g_caches.empty() || meters.empty()) return;
    }
    auto forgetEverywhere = [tenant, ids = std::make_shared<const std::set<std::string>>(meters)] {
        std::lock_guard<std::mutex> lock(g_cachesMutex);
        for (auto* cache : g_caches) cache->forget(tenant, *ids);
    };
    forgetEverywhere();
    afterCommit(forgetEverywhere);
}

} // namespace kabinet
