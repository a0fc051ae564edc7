#pragma once
/// The newest A+ `latest` reading of meters as read a moment ago, by tenant and meter: a consumer's points page
/// (and its polling) reads a meter's newest reading from the database once per time to live, not once a
/// request. The sink forgets a meter in every cache of this process the moment it writes readings of it and
/// again when the batch commits, so the next request sees them; a read that was under way meanwhile keeps
/// nothing. Readings written by another process (another kabinetd, the admin CLI) are seen within the time to
/// live (`--point-cache-ms`, 1 s; 0 keeps nothing).
#include "storage/FetchedRows.h"
#include "storage/LookupCache.h"

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace kabinet {

/// One meter's newest A+ `latest` reading: its moment (epoch seconds) and registers (absent when not read).
struct LatestReading {
    long long ts = 0;
    std::optional<double> total, t1, t2, t3, t4;
};

class LatestReadingCache {
public:
    /// Reads (rows of meter_id, ts, total, t1, t2, t3, t4) of the named meters, as PointReadStore::latestReadings.
    using Loader = std::function<std::vector<FetchedRows>(const std::vector<std::string>& meters)>;

    /// A cache keeping readings for `ttl` (zero: keeps nothing), at most `capacity` meters.
    explicit LatestReadingCache(std::chrono::milliseconds ttl, std::size_t capacity = 200'000);
    ~LatestReadingCache();
    LatestReadingCache(const LatestReadingCache&) = delete;
    LatestReadingCache& operator=(const LatestReadingCache&) = delete;

    /// The newest reading of each of `meters` that has one: fresh ones as kept, the rest by one call of `load`
    /// (not called when all are fresh), kept for the next request unless a meter was forgotten meanwhile.
    std::unordered_map<std::string, LatestReading> get(const std::string& tenant, const std::vector<std::string>& meters,
                                                       const Loader& load);

    /// How many meters it holds, fresh or not.
    std::size_t size() const;

    /// Readings of `meters` of the tenant are being written: every cache of this process forgets them now and
    /// again once the current transaction commits.
    static void changed(const std::string& tenant, const std::set<std::string>& meters);

private:
    LookupCache<std::optional<LatestReading>> entries_; ///< by tenant + "\n" + meter; none: the meter has no reading
};

} // namespace kabinet
