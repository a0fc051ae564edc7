#pragma once
/// The views of metering points for consumers and operators: the points one sees, general information,
/// readings, consumption by period, power profile, event journals, network parameters, billing history with a
/// forecast. A consumer sees only the points granted to them (kVisiblePoints); any other point is "not
/// found". Answers are JSON objects (docs/API.md). How access is got is AccessService's and GrantService's;
/// manual readings are ManualReadingService's.
#include "identity/SessionInfo.h"
#include "meters/LatestReadingCache.h"
#include "meters/PointListCache.h"
#include "meters/PointReadStore.h"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace kabinet {

class Database;
class Tenant;

/// Query parameters of a request, by name.
using Query = std::map<std::string, std::string>;

class MeterService {
public:
    /// Reads through `db`; a viewer's point list and its meters' latest readings serve the next requests for
    /// `pointCacheTtl` (PointListCache, LatestReadingCache).
    explicit MeterService(Database& db, std::chrono::milliseconds pointCacheTtl = std::chrono::milliseconds(1000))
        : db_(db), reads_(db), lists_(pointCacheTtl), latest_(pointCacheTtl) {}

    /// The points the session sees (staff: all of the tenant's, at most 500, by name), each with its meter, whether
    /// manual readings may be sent and its latest A+ reading (null when none). The list and the readings may be
    /// ones looked up a moment ago (PointListCache, LatestReadingCache); what is not kept is read in one query
    /// per 500 meters.
    Poco::JSON::Object::Ptr points(Tenant& t, const SessionInfo& s);
    /// A point's card, its meter's (with `polled`), manual-readings availability and transformers; 404 for a point
    /// the session does not see.
    Poco::JSON::Object::Ptr point(Tenant& t, const SessionInfo& s, const std::string& pointId);
    /// Register readings of a point in [from, to] (default: the 31 days to today), `energy` (A+ default) and
    /// `kind` (latest default, or billing), oldest first: {"energy", "rows": [{date, kind, source, t1..t4,
    /// total, ts}]}. 404 before any 422.
    Poco::JSON::Object::Ptr readings(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// The same answer as JSON text, written straight from the fetched rows (the API's path).
    std::string readingsText(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// The readings answers (as JSON text, each the same as readingsText's) of several points at once, in the
    /// order asked: visibility in one query, the rows of all the meters in one query per 500. 404 when any
    /// point is not seen by the session.
    std::vector<std::string> readingsText(Tenant& t, const SessionInfo& s, const std::vector<std::string>& pointIds, const Query& q);
    /// Consumption per day, week (from Monday) or month of the local calendar from the differences of the
    /// `latest` registers (null where a register is missing).
    Poco::JSON::Object::Ptr consumption(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// The power profile for [from, to]: as stored, or with `interval=60` (or 30 over 15-minute data) merged into
    /// longer intervals whose average power is the energy of their parts over their length (null where a part is
    /// missing).
    Poco::JSON::Object::Ptr profile(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// The same answer as JSON text, written straight from bulk-fetched rows (the API's path: years of intervals).
    std::string profileText(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// The meter's events in the period (default a year), newest first, filtered by category/severity, with counts
    /// of all of them by category and severity.
    Poco::JSON::Object::Ptr events(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// The per-phase network parameters of the latest moment at or before `at` (default now).
    Poco::JSON::Object::Ptr network(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// Billing history of the last 12 months beside the year before, and the forecast of the current period.
    Poco::JSON::Object::Ptr history(Tenant& t, const SessionInfo& s, const std::string& pointId, long long now);

    /// The meter id of a point the session may see (staff: any point of the tenant; empty when the point has
    /// no meter); throws 404 point_not_found otherwise.
    std::string visibleMeter(Tenant& t, const SessionInfo& s, const std::string& pointId);

private:
    Database& db_;
    PointReadStore reads_;      ///< the SQL of the point views
    PointListCache lists_;      ///< point lists looked up a moment ago (--point-cache-ms)
    LatestReadingCache latest_; ///< their meters' newest readings, as read a moment ago (--point-cache-ms)
};

} // namespace kabinet
