#pragma once
/// The SQL of manual readings (table manual_readings) and of what their checks read: the meter's tariff
/// zones, whether it is smart or polled, and its own readings next to a moment. A store works inside the
/// caller's session — for writes, the caller's transaction — on one tenant's rows.
#include <Poco/JSON/Array.h>

#include <optional>
#include <string>

namespace soci {
class session;
}

namespace kabinet {

/// What the rules of manual readings need to know of a meter.
struct ManualMeterFacts {
    int tariffZones = 1; ///< 1 … 4
    bool smart = false;
    bool polled = false; ///< an enabled link to a gateway: the server polls it
};

/// Cumulative A+ registers at a moment: total, t1 … t4.
struct RegisterValues {
    long long ts = 0;
    std::optional<double> v[5];
};

/// A submission as stored.
struct ManualReading {
    std::string id, meterId, userId;
    long long ts = 0;
    std::optional<double> v[5]; ///< total, t1 … t4
    std::string state;          ///< pending, accepted, rejected
    long long submittedAt = 0;
    std::optional<long long> decidedAt;
};

class ManualReadingStore {
public:
    /// Works on the rows of `tenantId` through `s`, which must outlive the store.
    ManualReadingStore(soci::session& s, std::string tenantId) : s_(s), tenant_(std::move(tenantId)) {}

    /// Defaults (one zone, not smart, not polled) for a meter the tenant does not have.
    ManualMeterFacts meter(const std::string& meterId);
    /// The meter's latest A+ `latest` registers at or before ts, whatever their source.
    std::optional<RegisterValues> readingAtOrBefore(const std::string& meterId, long long ts);
    /// The meter's first A+ `latest` registers after ts, whatever their source.
    std::optional<RegisterValues> readingAfter(const std::string& meterId, long long ts);

    /// Stores a new submission (decided_at only when it was decided at once).
    void insert(const ManualReading& r);
    /// The submission with this id, or nullopt.
    std::optional<ManualReading> find(const std::string& id);
    /// Records the decision on a submission: its state, the reason, when and by whom.
    void decide(const std::string& id, const std::string& state, const std::string& reason, long long at, const std::string& by);
    /// A meter's submissions, newest first (at most 200): id, ts, t1 … t4, total, state, reason, submitted_at,
    /// decided_at.
    Poco::JSON::Array::Ptr ofMeter(const std::string& meterId);
    /// The tenant's submissions in a state, oldest first (at most 500), with the point (point_id, point_name,
    /// address), the meter (model, serial) and the consumer's login.
    Poco::JSON::Array::Ptr inState(const std::string& state);

private:
    std::optional<RegisterValues> reading(const std::string& sql, const std::string& meterId, long long ts);
    soci::session& s_;
    std::string tenant_;
};

} // namespace kabinet
