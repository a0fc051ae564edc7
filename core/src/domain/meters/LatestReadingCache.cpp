#include "meters/LatestReadingCache.h"

#include "storage/AfterCommit.h"

#include <algorithm>
#include <memory>
#include <mutex>

namespace kabinet {

namespace {
// The caches of this process, so that the sink reaches each (one per MeterService).
std::mutex g_cachesMutex;
std::vector<LatestReadingCache*> g_caches;
// Readings are forgotten by meter (LookupCache::forget); nothing makes every kept reading stale at once.
const ChangeCount g_noBulkChange;

std::string keyOf(const std::string& tenant, const std::string& meter) {
    std::string key;
    key.reserve(tenant.size() + 1 + meter.size());
    key += tenant;
    key += '\n';
    key += meter;
    return key;
}
} // namespace

LatestReadingCache::LatestReadingCache(std::chrono::milliseconds ttl, std::size_t capacity) : entries_(g_noBulkChange, ttl, capacity) {
    if (!entries_.enabled()) return;
    std::lock_guard<std::mutex> lock(g_cachesMutex);
    g_caches.push_back(this);
}

LatestReadingCache::~LatestReadingCache() {
    std::lock_guard<std::mutex> lock(g_cachesMutex);
    g_caches.erase(std::remove(g_caches.begin(), g_caches.end(), this), g_caches.end());
}

std::size_t LatestReadingCache::size() const { return entries_.size(); }

std::unordered_map<std::string, LatestReading> LatestReadingCache::get(const std::string& tenant, const std::vector<std::string>& meters,
                                                                       const Loader& load) {
    std::unordered_map<std::string, LatestReading> out;
    std::vector<std::string> missing;
    const auto generation = entries_.generation();
    for (const auto& meter : meters) {
        if (auto kept = entries_.find(keyOf(tenant, meter))) {
            if (*kept) out.emplace(meter, **kept);
        } else {
            missing.push_back(meter);
        }
    }
    if (missing.empty()) return out;
    std::unordered_map<std::string, LatestReading> loaded;
    for (const auto& part : load(missing))
        for (std::size_t r = 0; r < part.size(); ++r)
            loaded.emplace(std::string(part.text(r, 0)),
                           LatestReading{part.integer(r, 1), part.optReal(r, 2), part.optReal(r, 3), part.optReal(r, 4), part.optReal(r, 5),
                                         part.optReal(r, 6)});
    for (const auto& meter : missing) {
        auto found = loaded.find(meter);
        entries_.keep(keyOf(tenant, meter), found == loaded.end() ? std::nullopt : std::optional<LatestReading>(found->second), generation);
    }
    out.merge(loaded);
    return out;
}

void LatestReadingCache::changed(const std::string& tenant, const std::set<std::string>& meters) {
    {
        std::lock_guard<std::mutex> lock(g_cachesMutex);
        if (g_caches.empty() || meters.empty()) return;
    }
    auto keys = std::make_shared<std::vector<std::string>>();
    keys->reserve(meters.size());
    for (const auto& meter : meters) keys->push_back(keyOf(tenant, meter));
    auto forgetEverywhere = [keys] {
        std::lock_guard<std::mutex> lock(g_cachesMutex);
        for (auto* cache : g_caches) cache->entries_.forget(*keys);
    };
    forgetEverywhere();
    afterCommit(forgetEverywhere);
}

} // namespace kabinet
