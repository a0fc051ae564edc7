#pragma once
/// Tenant limits as the rest of the core calls them (docs/ARCHITECTURE.md, «Tenant limits»): the request and
/// ingest checks (in memory, RateLimiter), the report staff read (GET operator/limits) and the lines /metrics
/// adds. The document quota is checked by DocumentStore::put and the text-message day by the outbox, each where
/// the thing happens, with the figures the database keeps (LimitUsage).
#include "limits/LimitSettings.h"
#include "limits/RateLimiter.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Database;
class Tenant;

class TenantLimits {
public:
    /// Limits whose database figures are read from `db`.
    explicit TenantLimits(Database& db) : db_(db) {}

    /// Admits one API request of `client` to the tenant, or throws 429 limit_exceeded (RateLimiter::admitRequest).
    void admitRequest(const Tenant& t, const std::string& client);
    /// Takes `rows` of the tenant's ingest budget, or throws 429 limit_exceeded.
    void takeIngestRows(const Tenant& t, long long rows);
    /// Gives back rows of a batch refused for its content.
    void returnIngestRows(const Tenant& t, long long rows);

    /// {limits: {name: value}, usage: {name: value}}: every limit of the tenant and what it uses of it —
    /// requests_per_second (API requests admitted over the last second, this instance), ingest_rows_per_minute
    /// (rows over the last minute, this instance), document_storage_bytes and sms_per_day (text messages sent
    /// since the tenant's midnight), the last two from the database.
    Poco::JSON::Object::Ptr report(const Tenant& t);
    /// The Prometheus lines of the limits: kabinet_limit_rejections_total{tenant,limit} (counter),
    /// kabinet_limit_usage{tenant,limit} and kabinet_limit{tenant,limit} (gauges). Reads the database twice (one
    /// grouped query each for documents and text messages), never loads a tenant.
    std::string metricsText();

    /// The in-memory buckets (for tests).
    limits::RateLimiter& rates() noexcept { return rates_; }

private:
    Database& db_;
    limits::RateLimiter rates_;
};

} // namespace kabinet
