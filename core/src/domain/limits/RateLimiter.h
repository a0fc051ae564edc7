#pragma once
/// The in-memory side of tenant limits: token buckets for API requests (one per client, one per tenant) and for
/// meter-data ingest rows, and the sliding counts the usage reports. Nothing here touches the database: a check
/// is a hash lookup and a little arithmetic under the tenant's own mutex. Each kabinetd instance keeps its own
/// buckets, so N instances behind a balancer admit up to N times a tenant's rate.
#include "limits/LimitSettings.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace kabinet::limits {

using Clock = std::chrono::steady_clock;

/// A token bucket: holds at most `burst` tokens, refilled at `rate` a second; a new bucket is full.
struct TokenBucket {
    double tokens = -1; ///< below 0: never used (full)
    Clock::time_point at{};
    /// Brings the bucket to `now`.
    void refill(Clock::time_point now, double rate, double burst);
    /// Seconds until `n` tokens are there (0 when they are), at least 1 when not (for Retry-After).
    long long secondsUntil(double n, double rate) const;
};

/// How much of a rate was used over the last window: the current window's count plus the previous window's,
/// weighted by how much of it still lies within one window back (the usual sliding-window estimate).
class SlidingCount {
public:
    explicit SlidingCount(std::chrono::seconds window) : window_(window) {}
    void add(Clock::time_point now, long long n);
    long long value(Clock::time_point now);

private:
    void roll(Clock::time_point now);
    std::chrono::seconds window_;
    long long index_ = 0, current_ = 0, previous_ = 0;
    double fraction_ = 0;
};

/// The request and ingest buckets of every tenant seen since start.
class RateLimiter {
public:
    /// Admits one API request of `client` (a session's user or an address) to `tenant`, or throws the 429 of
    /// requests_per_second_per_client (the client's bucket is empty; the tenant's is not touched) or of
    /// requests_per_second (the tenant's is). Counts the refusal.
    void admitRequest(const std::string& tenant, const LimitSettings& l, const std::string& client);
    /// Takes `rows` of the tenant's ingest budget (a bucket of ingest_rows_per_minute refilled over a minute), or
    /// throws the 429 of ingest_rows_per_minute (a batch larger than the whole budget can never pass: its message
    /// says to split it). Counts the refusal.
    void takeIngestRows(const std::string& tenant, const LimitSettings& l, long long rows);
    /// Gives back rows taken for a batch that was then refused for its content (nothing stored).
    void returnIngestRows(const std::string& tenant, const LimitSettings& l, long long rows);

    /// What the tenant used lately.
    struct Usage {
        long long requestsLastSecond = 0; ///< API requests admitted over the last second
        long long ingestRowsLastMinute = 0; ///< ingest rows taken over the last minute
        long long clients = 0;             ///< clients with a bucket (seen lately)
    };
    Usage usage(const std::string& tenant);
    /// The tenants that have state here, with the limits their last check applied.
    std::vector<std::pair<std::string, LimitSettings>> tenants() const;

    /// Client buckets a tenant keeps before idle (full) ones are let go.
    static constexpr std::size_t kClientsBeforePrune = 4096;

private:
    struct State {
        std::mutex mutex;
        TokenBucket tenant, ingest;
        std::unordered_map<std::string, TokenBucket> clients;
        SlidingCount requests{std::chrono::seconds(1)}, rows{std::chrono::seconds(60)};
        LimitSettings last; ///< the limits the last check applied (for /metrics, without loading the tenant)
    };
    std::shared_ptr<State> state(const std::string& tenant);
    void prune(State& s, Clock::time_point now, const LimitSettings& l);
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<State>> states_;
};

/// Refusals of every limit by tenant, counted process-wide by whatever refused (requests, ingest, documents,
/// text messages); /metrics renders them.
class Rejections {
public:
    static void count(const std::string& tenant, const std::string& limit);
    /// {(tenant, limit): refusals since start}.
    static std::vector<std::pair<std::pair<std::string, std::string>, unsigned long long>> snapshot();
};

} // namespace kabinet::limits
