#pragma once
/// The point lists of MeterService::points (the points one sees with their meters, without readings) as looked
/// up a moment ago, by tenant and viewer (every staff member of a tenant sees the same list): a consumer's page
/// and its polling do not ask the database for it each time (the latest readings are LatestReadingCache's). Every write in this process to the rows a
/// list is made of (contracts, accounts, points and meters in MeterRegistry, grants in AccessStore, poll links
/// in PollStore) calls changed(), so the next request sees it; a change by another process is seen within the
/// time to live (`--point-cache-ms`, 1 s; 0 keeps nothing).
#include "meters/PointReadStore.h"
#include "storage/LookupCache.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace kabinet {

class PointListCache {
public:
    /// A cache keeping lists for `ttl` (zero: keeps nothing), at most 10,000 of them.
    explicit PointListCache(std::chrono::milliseconds ttl);

    /// The viewer's list in the tenant: kept when fresh, else what `load` reads (kept for the next request).
    std::shared_ptr<const FetchedRows> get(const std::string& tenant, const Viewer& v, const std::function<FetchedRows()>& load);

    /// Contracts, accounts, points, meters, grants or poll links changed: every list is stale now and again
    /// once the current transaction commits.
    static void changed();

private:
    LookupCache<std::shared_ptr<const FetchedRows>> lists_;
};

} // namespace kabinet
