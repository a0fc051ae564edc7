#pragma once
/// The views of metering points for consumers and operators: the points one sees, general information,
/// readings, consumption by period, power profile, event journals, network parameters, billing history with a
/// forecast. A consumer sees only the points granted to them (kVisiblePoints); any other point is "not
/// found". Answers are JSON objects (docs/API.md). How access is got is AccessService's and GrantService's;
/// manual readings are ManualReadingService's.
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <string>

namespace kabinet {

class Database;
class Tenant;

/// Query parameters of a request, by name.
using Query = std::map<std::string, std::string>;

class MeterService {
public:
    explicit MeterService(Database& db) : db_(db) {}

    Poco::JSON::Object::Ptr points(Tenant& t, const SessionInfo& s);
    Poco::JSON::Object::Ptr point(Tenant& t, const SessionInfo& s, const std::string& pointId);
    Poco::JSON::Object::Ptr readings(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    Poco::JSON::Object::Ptr consumption(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// The power profile for [from, to]: as stored, or with `interval=60` (or 30 over 15-minute data) merged into
    /// longer intervals whose average power is the energy of their parts over their length (null where a part is
    /// missing).
    Poco::JSON::Object::Ptr profile(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// The same answer as JSON text, written straight from bulk-fetched rows (the API's path: years of intervals).
    std::string profileText(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    Poco::JSON::Object::Ptr events(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    Poco::JSON::Object::Ptr network(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    Poco::JSON::Object::Ptr history(Tenant& t, const SessionInfo& s, const std::string& pointId, long long now);

    /// The meter id of a point the session may see (staff: any point of the tenant; empty when the point has
    /// no meter); throws 404 point_not_found otherwise.
    std::string visibleMeter(Tenant& t, const SessionInfo& s, const std::string& pointId);

private:
    Database& db_;
};

} // namespace kabinet
