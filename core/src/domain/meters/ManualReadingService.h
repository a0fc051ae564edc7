#pragma once
/// Readings consumers submit themselves (SPEC §2.3), by the tenant's settings.manual_readings (ManualPolicy):
/// approval "auto" (stored at once) or "operator" (queued until an operator decides), a window of days of the
/// month, a ceiling of consumption per day, and only for meters whose data do not come by themselves.
/// Accepted readings are stored through the MeterDataSink with the source "consumer".
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Database;
class MeterService;
class Tenant;

class ManualReadingService {
public:
    /// `points` decides which metering points a session may see.
    ManualReadingService(Database& db, MeterService& points) : db_(db), points_(points) {}

    /// Submits the readings {date?, t1 … t4} of a point's meter. Today's reading is of the moment `now`, an
    /// earlier day's (at most two months back) of 12:00; it must lie between the meter's readings before and
    /// after that moment, whatever their source, and under the ceiling per day (422 naming the zone). Refused
    /// (403) for meters the server polls unless `polled_meters`, and for smart meters under `non_smart_only`;
    /// 404 for a point the session does not see. The answer carries the id, the state and the reading's `ts`.
    Poco::JSON::Object::Ptr submit(Tenant& t, const SessionInfo& s, const std::string& pointId, const Poco::JSON::Object::Ptr& body,
                                   long long now);
    /// The submissions of a point's meter, newest first.
    Poco::JSON::Object::Ptr ofPoint(Tenant& t, const SessionInfo& s, const std::string& pointId);
    /// The tenant's submissions in a state (pending by default, accepted, rejected) for operators.
    Poco::JSON::Object::Ptr inState(Tenant& t, const std::string& state);
    /// Approves or rejects (with a reason) a pending reading; an approval checks the reading again against
    /// the meter's readings around it (409 reading_inconsistent when they no longer fit) and then stores it.
    void decide(Tenant& t, const SessionInfo& op, const std::string& submissionId, bool approve, const std::string& reason,
                const std::string& client = {});

private:
    Database& db_;
    MeterService& points_;
};

} // namespace kabinet
