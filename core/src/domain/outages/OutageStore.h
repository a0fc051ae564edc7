#pragma once
/// The SQL of outages (sql/0008_outages.sql): outages with their affected addresses, the metering points an
/// address may reach, the points a consumer sees, and the notification bookkeeping. Works on the caller's
/// session, so a service's writes stay one transaction.
#include "outages/AddressMatch.h"

#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace soci {
class session;
}

namespace kabinet::outages {

/// One outage as stored.
struct Outage {
    std::string id;
    std::string kind;  ///< planned | emergency
    std::string reason;
    long long startsAt = 0;
    long long plannedEnd = 0;
    std::optional<long long> actualEnd;
    int sources = 1;   ///< independent supply sources of its addresses: 1 or 2
    std::string state = "published"; ///< published | closed | cancelled (called off before its start)
    std::string createdBy, updatedBy; ///< user ids
    std::string createdByLogin, updatedByLogin; ///< their logins as read back (empty when the user is gone)
    long long createdAt = 0, updatedAt = 0;
    std::optional<long long> remindedAt;
    std::vector<AffectedAddress> addresses;
};

/// A metering point with its address.
struct PointAddress {
    std::string id;
    std::string name;
    std::string address;
};

class OutageStore {
public:
    /// A store of tenant `tenant` on session `s` (which the caller keeps alive).
    OutageStore(soci::session& s, std::string tenant) : s_(s), tenant_(std::move(tenant)) {}

    /// Stores a new outage and its addresses.
    void insert(const Outage& o);
    /// Rewrites an outage's fields and addresses (not created_*, reminded_at).
    void update(const Outage& o);
    /// The outage, or nullopt when the tenant has none of that id.
    std::optional<Outage> get(const std::string& id);
    /// Outages that started before `to` and had not ended by `from` (an open one past its planned end counts as
    /// going on), earliest first, at most `limit`.
    std::vector<Outage> overlapping(long long from, long long to, std::size_t limit);

    /// The tenant's points with an address, by id after `after` ("" = from the first), at most `limit`: the pages
    /// affectedPoints() reads. Addresses are matched in C++ (AddressMatch), since neither backend's SQL folds the
    /// case of Cyrillic letters or «ё» the same way.
    std::vector<PointAddress> addressedPoints(const std::string& after, std::size_t limit);
    /// The points a user sees (meters/VisiblePoints.h), with their addresses.
    std::vector<PointAddress> visiblePoints(const std::string& userId);

    /// Points already told of outage `id` at `stage`.
    std::set<std::string> notifiedPoints(const std::string& id, const std::string& stage);
    /// Records that `points` were told of outage `id` at `stage` at `now`.
    void recordNotified(const std::string& id, const std::string& stage, const std::vector<std::string>& points, long long now);
    /// Planned published outages whose notice ahead of time is due (start within `ahead` seconds of `now`, not yet
    /// ended, not yet reminded).
    std::vector<std::string> dueReminders(long long now, long long ahead);
    /// Marks outage `id` reminded at `now` if no one has and it is still published (not closed or cancelled by a
    /// concurrent change): true when this call marked it.
    bool claimReminder(const std::string& id, long long now);

private:
    void insertAddresses(const Outage& o);
    std::vector<Outage> load(const std::string& where, const std::vector<std::variant<std::string, long long>>& params);
    soci::session& s_;
    std::string tenant_;
};

} // namespace kabinet::outages
