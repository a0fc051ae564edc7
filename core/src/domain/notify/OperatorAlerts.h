#pragma once
/// The operators' alerts (issue 11): tamper events and silent meters of the tenant (notifications of kinds
/// `meter_tamper` and `meter_silent`) as operators act on them: who the consumer is, the address, the meter's
/// serial, the local time — never an internal id in a text — and an acknowledgement recorded on the
/// recipient rows (who and when; the first one stands, acknowledging again changes nothing). A tamper alert
/// carries the hint of seed 000: an act of non-metered consumption may follow.
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Database;
class Tenant;

class OperatorAlerts {
public:
    /// Works on `db`, which must outlive it.
    explicit OperatorAlerts(Database& db) : db_(db) {}

    /// The tenant's alerts in `state` ("open", the default, or "acknowledged"), newest first, at most 200:
    /// {rows:[{id, kind, kind_label, title, body, created_at, time, consumer, address, meter_serial, point,
    /// hint, acknowledged_at, acknowledged_by}]}; 422 for another state.
    Poco::JSON::Object::Ptr list(Tenant& t, const std::string& state);
    /// Acknowledges an alert for every recipient by `op` at `now` (idempotent: the first acknowledgement is
    /// kept); answers the alert as list() shows it. 404 when the tenant has no such alert.
    Poco::JSON::Object::Ptr acknowledge(Tenant& t, const SessionInfo& op, const std::string& id, long long now);

private:
    Database& db_;
};

} // namespace kabinet
