#pragma once
/// A tenant's limits as the core applies them: `settings.limits` of its Lua (kabinet.settings, always present,
/// every default filled in), and the one way a limit refuses — 429 `limit_exceeded` naming the limit.
#include "util/Error.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Tenant;

namespace limits {

/// The names of the limits, as the Lua keys, the `limit` member of a refusal and the metrics' `limit` label.
inline constexpr const char* kClientRate = "requests_per_second_per_client";
inline constexpr const char* kClientBurst = "burst_per_client";
inline constexpr const char* kTenantRate = "requests_per_second";
inline constexpr const char* kTenantBurst = "burst";
inline constexpr const char* kIngestRows = "ingest_rows_per_minute";
inline constexpr const char* kDocumentBytes = "document_storage_bytes";
inline constexpr const char* kSmsPerDay = "sms_per_day";

/// One tenant's limits.
struct LimitSettings {
    long long clientRate = 5000, clientBurst = 10000;       ///< API requests a second of one client, and its burst
    long long tenantRate = 20000, tenantBurst = 40000;      ///< API requests a second of the whole tenant, and its burst
    long long ingestRowsPerMinute = 1000000;                ///< meter-data rows a minute through the ingest route
    long long documentBytes = 107374182400LL;               ///< bytes of all the tenant's stored documents
    long long smsPerDay = 10000;                            ///< text messages sent in the tenant's local day

    /// The tenant's settings.limits (the library's defaults are the ones above; a key the library left out keeps
    /// the default here).
    static LimitSettings of(const Tenant& t);
    /// {name: value} of every limit, by the names above.
    Poco::JSON::Object::Ptr toJson() const;
};

/// The refusal of a limit: Error 429 "limit_exceeded" with `limit` = name, the Russian `message` and Retry-After
/// `retryAfterSeconds` (at least 1).
Error exceeded(const std::string& limit, const std::string& message, long long retryAfterSeconds);


/// "300 байт", "1,5 КБ", "2,0 МБ": a byte count as people read it.
std::string bytesText(long long bytes);

} // namespace limits
} // namespace kabinet
