#pragma once
/// Meter data as plain rows, and the sink every producer (drivers, connectors, the demo generator, the ingest
/// route, manual readings) writes through. Writes are idempotent: the same interval, moment or event twice
/// is stored once (the later value wins), in batches, one transaction per batch.
#include <cstddef>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace kabinet {

class Database;

/// Cumulative energy registers at a moment (kWh / kvarh).
struct ReadingRow {
    std::string meterId;
    long long ts = 0;               ///< Unix seconds, UTC
    std::string kind = "latest";    ///< "billing" or "latest"
    std::string energy = "A+";      ///< "A+", "A-", "R+", "R-"
    std::optional<double> total, t1, t2, t3, t4;
    std::string source = "driver";  ///< driver, connector, consumer, operator, demo
};

/// One power-profile interval: average power (kW / kvar) from ts for intervalMin minutes.
struct ProfileRow {
    std::string meterId;
    long long ts = 0;
    int intervalMin = 30;
    std::optional<double> pPlus, pMinus, qPlus, qMinus;
};

/// The profile periods the sink stores: whole minutes from 1 to 60 that divide an hour (1, 2, 3, 4, 5, 6,
/// 10, 12, 15, 20, 30, 60), so that intervals tile every hour and add up to hourly values.
inline bool storableProfilePeriod(int minutes) { return minutes >= 1 && minutes <= 60 && 60 % minutes == 0; }

/// Instantaneous values of one phase ("A", "B", "C") or of the whole ("S").
struct ParamRow {
    std::string meterId;
    long long ts = 0;
    std::string phase = "S";
    std::optional<double> voltage, current, p, q, s, pf, frequency, angle;
};

/// A meter journal entry.
struct EventRow {
    std::string meterId;
    long long tsStart = 0;
    std::string code;            ///< e.g. "cover_open", "magnet", "power_off"
    std::string category;        ///< e.g. "tamper", "power", "clock", "voltage", "config", "firmware"
    std::string severity = "info"; ///< info, warning, alarm
    std::string text;            ///< Russian description
    std::optional<long long> tsEnd;
    bool tamper = false;         ///< raises an operator notification
};

struct MeterDataBatch {
    std::vector<ReadingRow> readings;
    std::vector<ProfileRow> profile;
    std::vector<ParamRow> params;
    std::vector<EventRow> events;
    bool empty() const { return readings.empty() && profile.empty() && params.empty() && events.empty(); }
};

/// A row of a batch that breaks a rule of meter data input (docs/ARCHITECTURE.md, "Meter data input").
class InvalidMeterData : public std::invalid_argument {
public:
    /// `field` names the list, the row's index in the batch as given and the field ("readings[3].ts");
    /// `reason` says what is wrong, in Russian.
    InvalidMeterData(const std::string& field, const std::string& reason) : std::invalid_argument(field + ": " + reason), field(field), reason(reason) {}
    /// The same with the text of what() given (for logs).
    InvalidMeterData(const std::string& field, const std::string& reason, const std::string& what)
        : std::invalid_argument(what + " (" + field + ")"), field(field), reason(reason) {}
    std::string field, reason;
};

/// Earliest time a row may carry: 2000-01-01 00:00 UTC.
constexpr long long kEarliestMeterTs = 946684800;

/// Checks every row of a batch before anything is stored: a meter named, times within
/// [kEarliestMeterTs, now + 1 day], registers and profile powers not negative, voltage, current, apparent
/// power and frequency not negative, cos φ within −1 … 1, an event's end not before its start (values that
/// are not finite are stored as NULL, as before); a reading's kind, energy and source, a parameter's phase and
/// an event's severity from their lists, an event's code and category given, a profile period that divides
/// an hour. Throws InvalidMeterData naming the first bad row's field.
void validateMeterData(const MeterDataBatch& batch, long long now);

/// What a write stored.
struct IngestResult {
    std::size_t readings = 0, profile = 0, params = 0, events = 0, tamperEvents = 0;
};

class TenantRegistry;

class MeterDataSink {
public:
    /// A sink writing to `db`. With `tenants`, a tamper event raises `meter_tamper` to the tenant's operators
    /// through the notification centre, in the batch's transaction, once per event (meter, start, code);
    /// without, events are only stored.
    explicit MeterDataSink(Database& db, const TenantRegistry* tenants = nullptr);
    /// Writes a batch for a tenant in one transaction. Every row is validated first (validateMeterData), and
    /// rows for meters the tenant does not have are refused (InvalidMeterData naming the first such row);
    /// a refused batch leaves nothing behind — no rows and no PostgreSQL partitions.
    IngestResult write(const std::string& tenantId, const MeterDataBatch& batch);

private:
    /// PostgreSQL: the monthly partitions of `table` for the months of the given times (not those between).
    void ensurePartitions(const std::string& table, const std::set<long long>& monthStarts);
    Database& db_;
    const TenantRegistry* tenants_;
};

} // namespace kabinet
