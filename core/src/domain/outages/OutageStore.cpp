#include "outages/OutageStore.h"

#include "meters/VisiblePoints.h"
#include "storage/FetchedRows.h"

#include <soci/soci.h>

#include <map>

namespace kabinet::outages {

namespace {

const char* kColumns =
    "SELECT o.outage_id, o.kind, o.reason, o.starts_at, o.planned_end, o.actual_end, o.sources, o.state, o.created_by, o.created_at, "
    "o.updated_by, o.updated_at, o.reminded_at, cu.login, uu.login FROM outages o "
    "LEFT JOIN users cu ON cu.tenant_id = o.tenant_id AND cu.user_id = o.created_by "
    "LEFT JOIN users uu ON uu.tenant_id = o.tenant_id AND uu.user_id = o.updated_by WHERE o.tenant_id = ?";

std::optional<long long> optInt(const FetchedRows& r, std::size_t row, std::size_t col) {
    if (r.isNull(row, col)) return std::nullopt;
    return r.integer(row, col);
}

} // namespace

void OutageStore::insertAddresses(const Outage& o) {
    int seq = 0;
    for (const auto& a : o.addresses) {
        s_ << "INSERT INTO outage_addresses (tenant_id, outage_id, seq, street, houses, free_text) VALUES (:t, :id, :seq, :st, :h, :x)",
            soci::use(tenant_), soci::use(o.id), soci::use(seq), soci::use(a.street), soci::use(a.houses), soci::use(a.text);
        ++seq;
    }
}

void OutageStore::insert(const Outage& o) {
    long long actual = o.actualEnd.value_or(0);
    soci::indicator actualInd = o.actualEnd ? soci::i_ok : soci::i_null;
    s_ << "INSERT INTO outages (tenant_id, outage_id, kind, reason, starts_at, planned_end, actual_end, sources, state, created_by, "
          "created_at, updated_by, updated_at) VALUES (:t, :id, :k, :r, :s, :p, :a, :src, :st, :cb, :ca, :ub, :ua)",
        soci::use(tenant_), soci::use(o.id), soci::use(o.kind), soci::use(o.reason), soci::use(o.startsAt), soci::use(o.plannedEnd),
        soci::use(actual, actualInd), soci::use(o.sources), soci::use(o.state), soci::use(o.createdBy), soci::use(o.createdAt),
        soci::use(o.updatedBy), soci::use(o.updatedAt);
    insertAddresses(o);
}

void OutageStore::update(const Outage& o) {
    long long actual = o.actualEnd.value_or(0);
    soci::indicator actualInd = o.actualEnd ? soci::i_ok : soci::i_null;
    s_ << "UPDATE outages SET kind = :k, reason = :r, starts_at = :s, planned_end = :p, actual_end = :a, sources = :src, state = :st, "
          "updated_by = :ub, updated_at = :ua WHERE tenant_id = :t AND outage_id = :id",
        soci::use(o.kind), soci::use(o.reason), soci::use(o.startsAt), soci::use(o.plannedEnd), soci::use(actual, actualInd),
        soci::use(o.sources), soci::use(o.state), soci::use(o.updatedBy), soci::use(o.updatedAt), soci::use(tenant_), soci::use(o.id);
    s_ << "DELETE FROM outage_addresses WHERE tenant_id = :t AND outage_id = :id", soci::use(tenant_), soci::use(o.id);
    insertAddresses(o);
}

std::vector<Outage> OutageStore::load(const std::string& where, const std::vector<std::variant<std::string, long long>>& params) {
    std::vector<SqlParam> p{tenant_};
    p.insert(p.end(), params.begin(), params.end());
    auto rows = FetchedRows::fetch(s_, std::string(kColumns) + where, p);
    std::vector<Outage> out;
    std::map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        Outage o;
        o.id = std::string(rows.text(i, 0));
        o.kind = std::string(rows.text(i, 1));
        o.reason = std::string(rows.text(i, 2));
        o.startsAt = rows.integer(i, 3);
        o.plannedEnd = rows.integer(i, 4);
        o.actualEnd = optInt(rows, i, 5);
        o.sources = static_cast<int>(rows.integer(i, 6));
        o.state = std::string(rows.text(i, 7));
        o.createdBy = std::string(rows.text(i, 8));
        o.createdAt = rows.integer(i, 9);
        o.updatedBy = std::string(rows.text(i, 10));
        o.updatedAt = rows.integer(i, 11);
        o.remindedAt = optInt(rows, i, 12);
        o.createdByLogin = std::string(rows.text(i, 13));
        o.updatedByLogin = std::string(rows.text(i, 14));
        at[o.id] = out.size();
        out.push_back(std::move(o));
    }
    if (out.empty()) return out;
    // The addresses of these outages, in one query.
    std::string in;
    std::vector<SqlParam> ap{tenant_};
    for (const auto& o : out) {
        in += in.empty() ? "?" : ", ?";
        ap.push_back(o.id);
    }
    auto addr = FetchedRows::fetch(s_, "SELECT outage_id, street, houses, free_text FROM outage_addresses WHERE tenant_id = ? AND outage_id IN (" +
                                           in + ") ORDER BY outage_id, seq",
                                   ap, SqlPlan::PerCall);
    for (std::size_t i = 0; i < addr.size(); ++i) {
        auto it = at.find(std::string(addr.text(i, 0)));
        if (it == at.end()) continue;
        out[it->second].addresses.push_back({std::string(addr.text(i, 1)), std::string(addr.text(i, 2)), std::string(addr.text(i, 3))});
    }
    return out;
}

std::optional<Outage> OutageStore::get(const std::string& id) {
    auto v = load(" AND o.outage_id = ?", {id});
    if (v.empty()) return std::nullopt;
    return v.front();
}

std::vector<Outage> OutageStore::overlapping(long long from, long long to, std::size_t limit) {
    return load(" AND o.starts_at < ? AND (o.actual_end >= ? OR (o.actual_end IS NULL AND (o.planned_end >= ? OR o.state = 'published'))) "
                "ORDER BY o.starts_at, o.outage_id LIMIT " + std::to_string(limit),
                {to, from, from});
}

std::vector<PointAddress> OutageStore::addressedPoints(const std::string& after, std::size_t limit) {
    auto rows = FetchedRows::fetch(s_, "SELECT point_id, name, address FROM metering_points WHERE tenant_id = ? AND point_id > ? AND address IS NOT NULL "
                                       "AND address <> '' ORDER BY point_id LIMIT " + std::to_string(limit),
                                   {tenant_, after});
    std::vector<PointAddress> out;
    for (std::size_t i = 0; i < rows.size(); ++i)
        out.push_back({std::string(rows.text(i, 0)), std::string(rows.text(i, 1)), std::string(rows.text(i, 2))});
    return out;
}

std::vector<PointAddress> OutageStore::visiblePoints(const std::string& userId) {
    const std::vector<SqlParam> p{tenant_, tenant_, userId, tenant_, userId, tenant_, userId, tenant_, userId};
    auto rows = FetchedRows::fetch(s_, std::string("SELECT point_id, name, address FROM metering_points WHERE tenant_id = ? AND point_id IN (") +
                                           kVisiblePointsByGrant + ") ORDER BY name, point_id",
                                   p);
    std::vector<PointAddress> out;
    for (std::size_t i = 0; i < rows.size(); ++i)
        out.push_back({std::string(rows.text(i, 0)), std::string(rows.text(i, 1)), std::string(rows.text(i, 2))});
    return out;
}

std::set<std::string> OutageStore::notifiedPoints(const std::string& id, const std::string& stage) {
    auto rows = FetchedRows::fetch(s_, "SELECT point_id FROM outage_notices WHERE tenant_id = ? AND outage_id = ? AND stage = ?", {tenant_, id, stage});
    std::set<std::string> out;
    for (std::size_t i = 0; i < rows.size(); ++i) out.insert(std::string(rows.text(i, 0)));
    return out;
}

void OutageStore::recordNotified(const std::string& id, const std::string& stage, const std::vector<std::string>& points, long long now) {
    for (const auto& p : points)
        s_ << "INSERT INTO outage_notices (tenant_id, outage_id, stage, point_id, notified_at) VALUES (:t, :id, :st, :p, :n)", soci::use(tenant_),
            soci::use(id), soci::use(stage), soci::use(p), soci::use(now);
}

std::vector<std::string> OutageStore::dueReminders(long long now, long long ahead) {
    auto rows = FetchedRows::fetch(s_, "SELECT outage_id FROM outages WHERE tenant_id = ? AND state = 'published' AND kind = 'planned' AND "
                                       "reminded_at IS NULL AND starts_at <= ? AND planned_end > ? ORDER BY starts_at LIMIT 100",
                                   {tenant_, now + ahead, now});
    std::vector<std::string> out;
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(std::string(rows.text(i, 0)));
    return out;
}

bool OutageStore::claimReminder(const std::string& id, long long now) {
    soci::statement st = (s_.prepare << "UPDATE outages SET reminded_at = :n WHERE tenant_id = :t AND outage_id = :id AND reminded_at IS NULL "
                                            "AND state = 'published'",
                          soci::use(now), soci::use(tenant_), soci::use(id));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

} // namespace kabinet::outages
