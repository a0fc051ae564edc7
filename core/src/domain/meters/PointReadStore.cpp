#include "meters/PointReadStore.h"

#include "meters/RowJson.h"
#include "meters/VisiblePoints.h"
#include "storage/Database.h"
#include "storage/RowValues.h"

#include <cmath>

namespace kabinet {

namespace {

/// kVisiblePoints with positional placeholders (tenant, then user): `p.point_id IN (…)` of a single point or a few.
const std::string& visiblePoints() {
    static const std::string sql = [] {
        std::string s = kVisiblePoints;
        for (const char* name : {":vt", ":vu"}) s.replace(s.find(name), 3, "?");
        return s;
    }();
    return sql;
}

/// "?, ?, …" for n values, appending the values to params.
std::string placeholders(const std::vector<std::string>& ids, std::size_t from, std::size_t to, std::vector<SqlParam>& params) {
    std::string out;
    for (std::size_t i = from; i < to; ++i) {
        out += i == from ? "?" : ", ?";
        params.emplace_back(ids[i]);
    }
    return out;
}

} // namespace

std::optional<std::string> PointReadStore::visibleMeter(const std::string& tenant, const Viewer& v, const std::string& pointId) {
    std::optional<std::string> meter;
    db_.read([&](soci::session& se) {
        std::vector<SqlParam> params{tenant, pointId};
        std::string sql = "SELECT m.meter_id FROM metering_points p LEFT JOIN meters m ON m.tenant_id = p.tenant_id AND m.point_id = "
                          "p.point_id WHERE p.tenant_id = ? AND p.point_id = ?";
        if (!v.staff) {
            sql += " AND p.point_id IN (" + visiblePoints() + ")";
            params.insert(params.end(), {tenant, v.userId});
        }
        auto rows = FetchedRows::fetch(se, sql + " ORDER BY m.installed_on DESC", params);
        if (rows.size()) meter = std::string(rows.text(0, 0));
    });
    return meter;
}

std::map<std::string, std::string> PointReadStore::visibleMeters(const std::string& tenant, const Viewer& v,
                                                                 const std::vector<std::string>& pointIds) {
    std::map<std::string, std::string> out;
    db_.read([&](soci::session& se) {
        for (std::size_t at = 0; at < pointIds.size(); at += kChunk) {
            std::vector<SqlParam> params{tenant};
            std::string sql = "SELECT p.point_id, m.meter_id FROM metering_points p LEFT JOIN meters m ON m.tenant_id = p.tenant_id AND "
                              "m.point_id = p.point_id WHERE p.tenant_id = ? AND p.point_id IN (" +
                              placeholders(pointIds, at, std::min(pointIds.size(), at + kChunk), params) + ")";
            if (!v.staff) {
                sql += " AND p.point_id IN (" + visiblePoints() + ")";
                params.insert(params.end(), {tenant, v.userId});
            }
            auto rows = FetchedRows::fetch(se, sql + " ORDER BY p.point_id, m.installed_on DESC", params);
            for (std::size_t r = 0; r < rows.size(); ++r) out.emplace(std::string(rows.text(r, 0)), std::string(rows.text(r, 1))); // first: the newest
        }
    });
    return out;
}

FetchedRows PointReadStore::pointList(const std::string& tenant, const Viewer& v) {
    std::optional<FetchedRows> out;
    db_.read([&](soci::session& se) {
        std::vector<SqlParam> params{tenant};
        std::string sql =
            "SELECT p.point_id, p.name, p.number, p.address, a.number, c.number, m.meter_id, m.model, m.serial, m.smart, "
            "m.phases, m.tariff_zones, (SELECT COUNT(*) FROM meter_links l WHERE l.tenant_id = m.tenant_id AND l.meter_id = m.meter_id AND "
            "l.enabled <> 0) FROM metering_points p LEFT JOIN accounts a ON a.tenant_id = p.tenant_id AND "
            "a.account_id = p.account_id LEFT JOIN contracts c ON c.tenant_id = p.tenant_id AND c.contract_id = p.contract_id "
            "LEFT JOIN meters m ON m.tenant_id = p.tenant_id AND m.point_id = p.point_id WHERE p.tenant_id = ?";
        if (!v.staff) {
            sql += " AND p.point_id IN (" + std::string(kVisiblePointsByGrant) + ")";
            for (int i = 0; i < 4; ++i) params.insert(params.end(), {tenant, v.userId});
        }
        out = FetchedRows::fetch(se, sql + " ORDER BY p.name LIMIT 500", params);
    });
    return std::move(*out);
}

std::vector<FetchedRows> PointReadStore::latestReadings(const std::string& tenant, const std::vector<std::string>& meters) {
    std::vector<FetchedRows> out;
    if (meters.empty()) return out;
    db_.read([&](soci::session& se) {
        for (std::size_t at = 0; at < meters.size(); at += kChunk) {
            std::vector<SqlParam> params{tenant};
            const std::string sql = "SELECT meter_id, ts, total, t1, t2, t3, t4 FROM latest_readings WHERE tenant_id = ? AND energy = 'A+' AND "
                                    "kind = 'latest' AND meter_id IN (" +
                                    placeholders(meters, at, std::min(meters.size(), at + kChunk), params) + ")";
            out.push_back(FetchedRows::fetch(se, sql, params));
        }
    });
    return out;
}

Poco::Dynamic::Var PointReadStore::pointCard(const std::string& tenant, const std::string& pointId) {
    Poco::JSON::Array::Ptr p;
    db_.heavyRead([&](soci::session& se) {
        p = rowjson::rows(se, "SELECT p.point_id, p.name, p.number, p.resource, p.address, p.installation_place, p.commissioned_on, p.tariff, "
                        "p.power_limit_kw, a.number, c.number FROM metering_points p LEFT JOIN accounts a ON a.tenant_id = p.tenant_id AND "
                        "a.account_id = p.account_id LEFT JOIN contracts c ON c.tenant_id = p.tenant_id AND c.contract_id = p.contract_id "
                        "WHERE p.tenant_id = :t AND p.point_id = :p",
                    {"id", "name", "number", "resource", "address", "installation_place", "commissioned_on", "tariff", "power_limit_kw",
                     "account", "contract"},
                    {"power_limit_kw"}, {tenant, pointId});
    });
    return p->size() ? p->get(0) : Poco::Dynamic::Var();
}

Poco::JSON::Object::Ptr PointReadStore::meterCard(const std::string& tenant, const std::string& meter) {
    Poco::JSON::Array::Ptr m;
    db_.heavyRead([&](soci::session& se) {
        m = rowjson::rows(se, "SELECT meter_id, model, modification, serial, register_number, accuracy_class, nominal_voltage, current_range, "
                        "phases, tariff_zones, smart, virtual, installed_on, verified_on, verification_years, next_verification_on FROM meters "
                        "WHERE tenant_id = :t AND meter_id = :m",
                    {"id", "model", "modification", "serial", "register_number", "accuracy_class", "nominal_voltage", "current_range",
                     "phases", "tariff_zones", "smart", "virtual", "installed_on", "verified_on", "verification_years", "next_verification_on"},
                    {"phases", "tariff_zones", "smart", "virtual", "verification_years"}, {tenant, meter});
    });
    return m->size() ? m->getObject(0) : nullptr;
}

bool PointReadStore::isPolled(const std::string& tenant, const std::string& meter) {
    int n = 0;
    db_.heavyRead([&](soci::session& se) {
        se << "SELECT COUNT(*) FROM meter_links WHERE tenant_id = :t AND meter_id = :m AND enabled <> 0", soci::use(tenant), soci::use(meter),
            soci::into(n);
    });
    return n > 0;
}

Poco::JSON::Array::Ptr PointReadStore::transformers(const std::string& tenant, const std::string& meter) {
    Poco::JSON::Array::Ptr out;
    db_.heavyRead([&](soci::session& se) {
        out = rowjson::rows(se, "SELECT kind, phase, model, serial, ratio, accuracy_class, verified_on FROM transformers WHERE "
                          "tenant_id = :t AND meter_id = :m ORDER BY kind, phase",
                      {"kind", "phase", "model", "serial", "ratio", "accuracy_class", "verified_on"}, {}, {tenant, meter});
    });
    return out;
}

std::vector<FetchedRows> PointReadStore::readings(const std::string& tenant, const std::vector<std::string>& meters, const std::string& energy,
                                                  const std::string& kind, long long from, long long to) {
    std::vector<FetchedRows> out;
    db_.heavyRead([&](soci::session& se) {
        out.clear(); // restartable: the replica may fail half-way
        for (std::size_t at = 0; at < meters.size(); at += kChunk) {
            std::vector<SqlParam> params{tenant};
            const std::string in = placeholders(meters, at, std::min(meters.size(), at + kChunk), params);
            params.insert(params.end(), {energy, kind, from, to});
            out.push_back(FetchedRows::fetch(se,
                                             "SELECT meter_id, ts, total, t1, t2, t3, t4, source, kind FROM readings WHERE tenant_id = ? AND "
                                             "meter_id IN (" + in + ") AND energy = ? AND kind = ? AND ts >= ? AND ts < ? ORDER BY meter_id, ts",
                                             params, meters.size() > 1 ? SqlPlan::PerCall : SqlPlan::Reused));
        }
    });
    return out;
}

std::optional<FetchedRows> PointReadStore::visibleReadings(const std::string& tenant, const Viewer& v, const std::string& pointId,
                                                           const std::string& energy, const std::string& kind, long long from, long long to) {
    std::optional<FetchedRows> out;
    db_.read([&](soci::session& se) {
        std::vector<SqlParam> params{tenant, pointId};
        std::string point = "SELECT m.meter_id FROM metering_points p LEFT JOIN meters m ON m.tenant_id = p.tenant_id AND m.point_id = "
                            "p.point_id WHERE p.tenant_id = ? AND p.point_id = ?";
        if (!v.staff) {
            point += " AND p.point_id IN (" + visiblePoints() + ")";
            params.insert(params.end(), {tenant, v.userId});
        }
        params.insert(params.end(), {tenant, energy, kind, from, to});
        auto rows = FetchedRows::fetch(se,
                                       "SELECT v.meter_id, r.ts, r.total, r.t1, r.t2, r.t3, r.t4, r.source, r.kind FROM (" + point +
                                           " ORDER BY m.installed_on DESC LIMIT 1) v LEFT JOIN readings r ON r.tenant_id = ? AND r.meter_id = "
                                           "v.meter_id AND r.energy = ? AND r.kind = ? AND r.ts >= ? AND r.ts < ? ORDER BY r.ts",
                                       params);
        if (rows.size()) out = std::move(rows);
    });
    return out;
}

std::vector<Register> PointReadStore::registers(const std::string& tenant, const std::string& meter, const std::string& energy, long long from,
                                                long long to) {
    std::vector<Register> out;
    db_.heavyRead([&](soci::session& se) {
        out.clear();
        auto rows = FetchedRows::fetch(se,
                                       "SELECT ts, total, t1, t2, t3, t4 FROM readings WHERE tenant_id = ? AND meter_id = ? AND energy = ? "
                                       "AND kind = 'latest' AND ts >= ? AND ts <= ? ORDER BY ts",
                                       {tenant, meter, energy, from - 2 * kDaySeconds, to});
        out.reserve(rows.size());
        for (std::size_t r = 0; r < rows.size(); ++r) {
            Register g;
            g.ts = rows.integer(r, 0);
            for (int i = 0; i < 5; ++i) g.v[i] = rows.optReal(r, static_cast<std::size_t>(i + 1));
            out.push_back(g);
        }
    });
    return out;
}

FetchedRows PointReadStore::profile(const std::string& tenant, const std::string& meter, long long from, long long to) {
    std::optional<FetchedRows> out;
    db_.heavyRead([&](soci::session& se) {
        out = FetchedRows::fetch(se,
                                 "SELECT ts, interval_min, p_plus, p_minus, q_plus, q_minus FROM profile WHERE tenant_id = ? AND "
                                 "meter_id = ? AND ts >= ? AND ts < ? ORDER BY ts",
                                 {tenant, meter, from, to}, SqlPlan::PerCall);
    });
    return std::move(*out);
}

FetchedRows PointReadStore::events(const std::string& tenant, const std::string& meter, long long from, long long to) {
    std::optional<FetchedRows> out;
    db_.heavyRead([&](soci::session& se) {
        out = FetchedRows::fetch(se,
                                 "SELECT ts_start, ts_end, code, category, severity, text, tamper FROM meter_events WHERE tenant_id = ? AND "
                                 "meter_id = ? AND ts_start >= ? AND ts_start < ? ORDER BY ts_start DESC",
                                 {tenant, meter, from, to});
    });
    return std::move(*out);
}

std::optional<long long> PointReadStore::networkMoment(const std::string& tenant, const std::string& meter, long long at) {
    std::optional<long long> out;
    db_.heavyRead([&](soci::session& se) {
        long long ts = 0;
        soci::indicator ind;
        se << "SELECT MAX(ts) FROM network_params WHERE tenant_id = :t AND meter_id = :m AND ts <= :a", soci::use(tenant), soci::use(meter),
            soci::use(at), soci::into(ts, ind);
        if (ind != soci::i_null) out = ts;
    });
    return out;
}

Poco::JSON::Array::Ptr PointReadStore::networkPhases(const std::string& tenant, const std::string& meter, long long ts) {
    Poco::JSON::Array::Ptr out;
    db_.heavyRead([&](soci::session& se) {
        out = rowjson::rows(se, "SELECT phase, voltage, current, p, q, s, pf, frequency, angle FROM network_params WHERE tenant_id = :t AND "
                          "meter_id = :m AND ts = " + std::to_string(ts) + " ORDER BY phase",
                      {"phase", "voltage", "current", "p", "q", "s", "pf", "frequency", "angle"},
                      {"voltage", "current", "p", "q", "s", "pf", "frequency", "angle"}, {tenant, meter});
    });
    return out;
}

} // namespace kabinet
