#pragma once
/// The SQL of the point views (MeterService's point queries): which points a user sees and the meter behind
/// each, cards of points and meters, readings, registers, profile, events and network parameters. Every
/// method reads without a transaction and answers rows; the rules (who asks what, ranges, JSON) stay in
/// MeterService. Reads that may answer thousands of rows go through FetchedRows (one round trip, no
/// per-row objects); several meters are read in one query where a caller asks for many.
/// Cards, readings, registers, profile, events and network parameters are heavy reads (Database::heavyRead: the
/// read replica when one is attached); which points a viewer sees is always asked of the primary, so a grant
/// taken away takes effect at once.
#include "meters/RegisterMath.h"
#include "storage/FetchedRows.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kabinet {

class Database;

/// Who asks: staff see every point of the tenant, a consumer (userId) only the points granted to them.
struct Viewer {
    std::string userId; ///< the consumer's user id (unused for staff)
    bool staff = false; ///< operators and tenant admins: every point of the tenant
};

class PointReadStore {
public:
    /// Reads through the given pool; holds no state of its own.
    explicit PointReadStore(Database& db) : db_(db) {}

    /// The meter installed last at a point the viewer sees ("" when the point has none); nullopt when the point
    /// does not exist in the tenant or the viewer does not see it. One query.
    std::optional<std::string> visibleMeter(const std::string& tenant, const Viewer& v, const std::string& pointId);
    /// The same for several points at once: point id → meter id for every point the viewer sees (points not
    /// seen are absent). One query per 500 points.
    std::map<std::string, std::string> visibleMeters(const std::string& tenant, const Viewer& v, const std::vector<std::string>& pointIds);

    /// The points the viewer sees, by name, at most 500, in one query; columns: point_id, name, number, address,
    /// account number, contract number, meter_id, model, serial, smart, phases, tariff_zones, polled (count of
    /// enabled links). No readings: the list is what PointListCache keeps.
    FetchedRows pointList(const std::string& tenant, const Viewer& v);
    /// The newest A+ `latest` register of each of these meters that has one (kept by the sink: one primary-key
    /// probe a meter), one query per 500 meters; columns: meter_id, ts, total, t1 … t4.
    std::vector<FetchedRows> latestReadings(const std::string& tenant, const std::vector<std::string>& meters);

    /// The point's card {id, name, number, resource, address, installation_place, commissioned_on, tariff,
    /// power_limit_kw, account, contract}, or null.
    Poco::Dynamic::Var pointCard(const std::string& tenant, const std::string& pointId);
    /// The meter's card (passport fields; smart/virtual as numbers), or null.
    Poco::JSON::Object::Ptr meterCard(const std::string& tenant, const std::string& meter);
    /// True when the meter is polled by the server (an enabled link to a gateway).
    bool isPolled(const std::string& tenant, const std::string& meter);
    /// The meter's instrument transformers, by kind and phase.
    Poco::JSON::Array::Ptr transformers(const std::string& tenant, const std::string& meter);

    /// Readings of the meters (one energy, one kind) in [from, to): columns meter_id, ts, total, t1, t2, t3, t4,
    /// source, kind; ordered by meter then time. One query per 500 meters; the results in the order of the chunks.
    std::vector<FetchedRows> readings(const std::string& tenant, const std::vector<std::string>& meters, const std::string& energy,
                                      const std::string& kind, long long from, long long to);
    /// The readings of the meter installed last at a point the viewer sees, checked and read in one query;
    /// nullopt when the viewer does not see the point. Columns as readings(); when the point has no readings in
    /// the period, a single row whose ts is NULL.
    std::optional<FetchedRows> visibleReadings(const std::string& tenant, const Viewer& v, const std::string& pointId, const std::string& energy,
                                               const std::string& kind, long long from, long long to);
    /// Cumulative `latest` registers of a meter in [from - 2 days, to], oldest first.
    std::vector<Register> registers(const std::string& tenant, const std::string& meter, const std::string& energy, long long from, long long to);
    /// Power-profile intervals of a meter in [from, to), oldest first: columns ts, interval_min, p_plus, p_minus,
    /// q_plus, q_minus.
    FetchedRows profile(const std::string& tenant, const std::string& meter, long long from, long long to);

    /// Events of a meter with ts_start in [from, to), newest first: columns ts_start, ts_end, code, category,
    /// severity, text, tamper.
    FetchedRows events(const std::string& tenant, const std::string& meter, long long from, long long to);
    /// The moment of the meter's latest network parameters at or before `at`, or nullopt.
    std::optional<long long> networkMoment(const std::string& tenant, const std::string& meter, long long at);
    /// The per-phase network parameters of that moment, by phase.
    Poco::JSON::Array::Ptr networkPhases(const std::string& tenant, const std::string& meter, long long ts);

    /// At most this many ids are bound in one `IN (…)` list.
    static constexpr std::size_t kChunk = 500;

private:
    Database& db_;
};

} // namespace kabinet
