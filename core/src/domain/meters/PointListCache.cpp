#include "meters/PointListCache.h"

namespace kabinet {

namespace {
ChangeCount listChanges; // contracts, accounts, points, meters, grants, poll links
} // namespace

PointListCache::PointListCache(std::chrono::milliseconds ttl) : lists_(listChanges, ttl, 10'000) {}

void PointListCache::changed() { listChanges.changed(); }

std::shared_ptr<const FetchedRows> PointListCache::get(const std::string& tenant, const Viewer& v, const std::function<FetchedRows()>& load) {
    const std::string key = tenant + (v.staff ? std::string("\n*") : "\n=" + v.userId);
    if (auto kept = lists_.find(key)) return *kept;
    const auto generation = lists_.generation();
    auto rows = std::make_shared<const FetchedRows>(load());
    lists_.keep(key, rows, generation);
    return rows;
}

} // namespace kabinet
