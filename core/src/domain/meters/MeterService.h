#pragma once
/// What consumers and operators ask of meter data: the ways a consumer gets access to metering points
/// (SPEC §2.2: personal account number, ОГРН + contract number, operator grant; supplier login comes with the
/// connectors), and the views of a metering point — general information, readings, consumption by period,
/// power profile, event journals, network parameters, billing history with a forecast. A consumer sees only
/// the points granted to them; any other point is "not found". Answers are JSON objects (docs/API.md).
#include "identity/SessionInfo.h"
#include "meters/PointReadStore.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kabinet {

class Connector;
class Database;
class Tenant;

/// Query parameters of a request, by name.
using Query = std::map<std::string, std::string>;

class MeterService {
public:
    explicit MeterService(Database& db) : db_(db), reads_(db) {}

    Poco::JSON::Object::Ptr access(Tenant& t, const SessionInfo& s);
    /// Grants the account with this number. Guesses are throttled per user and per client address and
    /// misses audited (identity/GuessGuard): 429 with Retry-After while they must wait.
    Poco::JSON::Object::Ptr addAccount(Tenant& t, const SessionInfo& s, const std::string& number, const std::string& client);
    void removeAccount(Tenant& t, const SessionInfo& s, const std::string& accountId);
    Poco::JSON::Object::Ptr checkOgrn(Tenant& t, const SessionInfo& s);
    /// Grants the contracts of the user's ОГРН once a contract number of it is named; guesses as addAccount.
    Poco::JSON::Object::Ptr confirmOgrn(Tenant& t, const SessionInfo& s, const std::string& contractNumber, const std::string& client);
    /// Links the contracts a supplier login gives access to (ОЭС 360): checks the supplier against the tenant's
    /// `suppliers` dictionary, asks the connector, stores the contracts and grants them with the given title.
    Poco::JSON::Object::Ptr linkSupplier(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body,
                                         const std::map<std::string, std::unique_ptr<Connector>>& connectors);
    void renameContract(Tenant& t, const SessionInfo& s, const std::string& contractId, const std::string& title);

    /// The points the session sees (staff: all of the tenant's, at most 500, by name), each with its meter, whether
    /// manual readings may be sent and its latest A+ reading (null when none); the latest readings of all the
    /// listed meters are read in one query.
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

    /// Manual readings (SPEC §2.3): per the tenant's settings.manual_readings — approval "auto" or "operator",
    /// window {from_day, to_day} of the month, max_daily_kwh ceiling. Today's reading is of the moment `now`,
    /// an earlier day's of 12:00; it must lie between the meter's readings before and after that moment,
    /// whatever their source (422 naming the zone). Refused (403) for meters the server polls unless
    /// `polled_meters`, and for smart meters under `non_smart_only`. The answer carries the reading's `ts`.
    Poco::JSON::Object::Ptr submitReading(Tenant& t, const SessionInfo& s, const std::string& pointId, const Poco::JSON::Object::Ptr& body,
                                          long long now);
    Poco::JSON::Object::Ptr manualReadings(Tenant& t, const SessionInfo& s, const std::string& pointId);
    Poco::JSON::Object::Ptr pendingReadings(Tenant& t, const std::string& state);
    /// Approves or rejects a pending reading; an approval checks the reading again against the meter's readings
    /// around it (409 reading_inconsistent when they no longer fit) and then stores it (source "consumer").
    void decideReading(Tenant& t, const SessionInfo& op, const std::string& submissionId, bool approve, const std::string& reason);
    /// A virtual meter of the consumer's own (ВГЭС): place, personal account number, serial → a point they see.
    /// The account number must be one of the tenant's personal accounts; a number not found is a guess,
    /// throttled per user and per client address and audited as `virtual_meter_account` (identity/GuessGuard):
    /// 422 on account_number, then 429 with Retry-After while they must wait.
    Poco::JSON::Object::Ptr createVirtualMeter(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body, const std::string& client);

    /// The tenant's consumers whose login or e-mail contains q (at most 50; a q of digits, spaces, dashes,
    /// brackets and «+» — a СНИЛС as shown — also by its digits): login with its `login_field`, e-mail,
    /// phone, profile fields and grants.
    Poco::JSON::Object::Ptr consumers(Tenant& t, const std::string& q);
    void grant(Tenant& t, const SessionInfo& op, const Poco::JSON::Object::Ptr& body, bool revoke);

    /// True when a submission on local day `day` of the month falls in the window [fromDay, toDay] (a window
    /// may wrap over the month's end, e.g. 25..5).
    static bool inWindow(int day, int fromDay, int toDay);

private:
    /// The meter id of a point the session may see; throws 404 otherwise.
    std::string visibleMeter(Tenant& t, const SessionInfo& s, const std::string& pointId);
    Database& db_;
    PointReadStore reads_; ///< the SQL of the point views
};

} // namespace kabinet
