#pragma once
/// Bulk meter data from drivers, connectors and other trusted producers (POST ingest/meter-data): a bearer
/// token (--ingest-token), a JSON batch, the MeterDataSink.
#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Database;
class TenantLimits;
class TenantRegistry;

class IngestService {
public:
    /// `token`: the secret producers present; empty refuses every producer.
    /// With `tenants`, tamper events raise notifications (MeterDataSink).
    IngestService(Database& db, std::string token, const TenantRegistry* tenants = nullptr)
        : db_(db), token_(std::move(token)), tenants_(tenants) {}

    /// Refuses batches over the tenant's ingest_rows_per_minute (needs `tenants`); `limits` outlives this.
    void limitWith(TenantLimits& limits) { limits_ = &limits; }
    /// Throws 401 unless `token` is the ingest token (compared in constant time).
    void authorize(const std::string& token) const;
    /// Stores a JSON batch (meterDataFromJson) for the tenant in one transaction; a row that breaks a rule of
    /// meter data input or names a meter the tenant does not have refuses the whole batch (422 naming the
    /// row's field). Answers how many rows of each kind were stored: {readings, profile, params, events,
    /// tamper_events}. With limits, a batch over the tenant's ingest budget is refused first (429 limit_exceeded,
    /// ingest_rows_per_minute); a batch refused for its content gives its rows back.
    Poco::JSON::Object::Ptr ingest(const std::string& tenantId, const Poco::JSON::Object::Ptr& body);

private:
    Database& db_;
    std::string token_;
    const TenantRegistry* tenants_;
    TenantLimits* limits_ = nullptr;
};

} // namespace kabinet
