#include "polling/PollStore.h"

#include "meters/PointListCache.h"
#include "storage/Database.h"
#include "storage/RowValues.h"

#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

namespace kabinet {

namespace {
/// The meter a notification refers to (its refs [{type, id, label}]), if any.
std::optional<std::string> meterOf(const std::string& refsJson) {
    try {
        auto refs = Poco::JSON::Parser().parse(refsJson).extract<Poco::JSON::Array::Ptr>();
        for (const auto& v : *refs) {
            auto o = v.extract<Poco::JSON::Object::Ptr>();
            if (o->optValue<std::string>("type", "") == "meter") return o->optValue<std::string>("id", "");
        }
    } catch (const std::exception&) {
    }
    return std::nullopt;
}
} // namespace

PollStore::PollStore(Database& db, std::string owner) : db_(db), owner_(std::move(owner)) {}

void PollStore::upsertGateway(const std::string& tenantId, const std::string& gatewayId, const std::string& host,
                              unsigned port, const std::string& title) {
    db_.transaction([&](soci::session& s) {
        std::string t = tenantId, g = gatewayId, h = host, ti = title;
        int p = static_cast<int>(port);
        s << "INSERT INTO gateways (tenant_id, gateway_id, host, port, title) VALUES (:t, :g, :h, :p, :ti) "
             "ON CONFLICT (tenant_id, gateway_id) DO UPDATE SET host = excluded.host, port = excluded.port, title = excluded.title",
            soci::use(t), soci::use(g), soci::use(h), soci::use(p), soci::use(ti);
    });
}

void PollStore::linkMeter(const std::string& tenantId, const std::string& meterId, const std::string& gatewayId,
                          const std::string& driver, const std::string& settings) {
    db_.transaction([&](soci::session& s) {
        std::string t = tenantId, m = meterId, g = gatewayId, d = driver, st = settings;
        s << "INSERT INTO meter_links (tenant_id, meter_id, gateway_id, driver, settings) VALUES (:t, :m, :g, :d, :s) "
             "ON CONFLICT (tenant_id, meter_id) DO UPDATE SET gateway_id = excluded.gateway_id, driver = excluded.driver, "
             "settings = excluded.settings, enabled = 1",
            soci::use(t), soci::use(m), soci::use(g), soci::use(d), soci::use(st);
        PointListCache::changed(); // a polled meter takes no manual readings
    });
}

void PollStore::syncJobs(const std::string& tenantId, const PollingRules& rules, long long now) {
    db_.transaction([&](soci::session& s) {
        std::string t = tenantId;
        std::string keep;
        for (const auto& sc : rules.schedules) {
            std::string name = sc.name;
            long long at = now;
            s << "INSERT INTO poll_jobs (tenant_id, meter_id, schedule, next_run) "
                 "SELECT tenant_id, meter_id, :s, :n FROM meter_links WHERE tenant_id = :t AND enabled = 1 "
                 "ON CONFLICT (tenant_id, meter_id, schedule) DO NOTHING",
                soci::use(name), soci::use(at), soci::use(t);
            // Schedule names are checked by kabinet.polling ([a-z][a-z0-9_-]*), so they can be quoted as they are.
            keep += (keep.empty() ? "'" : ", '") + sc.name + "'";
        }
        if (keep.empty()) s << "DELETE FROM poll_jobs WHERE tenant_id = :t", soci::use(t);
        else s << "DELETE FROM poll_jobs WHERE tenant_id = :t AND schedule NOT IN (" + keep + ")", soci::use(t);
    });
}

std::vector<GatewayClaim> PollStore::claimGateways(long long now, long long leaseS, unsigned limit) {
    std::vector<GatewayClaim> out;
    if (limit == 0) return out;
    const bool pg = db_.backend() == Backend::PostgreSQL;
    // Every database: the main one and those of tenants placed elsewhere, until the limit is reached.
    for (Database* db : db_.all()) {
        if (out.size() >= limit) break;
        db->transaction([&](soci::session& s) {
            std::string owner = owner_;
            long long until = now + leaseS, now1 = now, now2 = now;
            int lim = static_cast<int>(limit - out.size());
            const std::string sql =
                std::string("UPDATE gateways SET lease_owner = :o, lease_until = :u WHERE (tenant_id, gateway_id) IN ("
                            "SELECT g.tenant_id, g.gateway_id FROM gateways g "
                            "WHERE (g.lease_until IS NULL OR g.lease_until < :n1) AND EXISTS ("
                            "SELECT 1 FROM meter_links l JOIN poll_jobs j ON j.tenant_id = l.tenant_id AND j.meter_id = l.meter_id "
                            "WHERE l.tenant_id = g.tenant_id AND l.gateway_id = g.gateway_id AND l.enabled = 1 AND j.next_run <= :n2) "
                            "ORDER BY g.tenant_id, g.gateway_id LIMIT :l") +
                (pg ? " FOR UPDATE OF g SKIP LOCKED" : "") + ") RETURNING tenant_id, gateway_id, host, port";
            soci::rowset<soci::row> rs = (s.prepare << sql, soci::use(owner), soci::use(until), soci::use(now1),
                                          soci::use(now2), soci::use(lim));
            for (const auto& r : rs)
                out.push_back({columnText(r, 0), columnText(r, 1), columnText(r, 2), static_cast<unsigned>(columnInteger(r, 3))});
        });
    }
    return out;
}

bool PollStore::renewLease(const GatewayClaim& g, long long until) {
    int changed = 0;
    db_.transaction([&](soci::session& s) {
        std::string t = g.tenantId, id = g.gatewayId, o = owner_;
        soci::statement st = (s.prepare << "UPDATE gateways SET lease_until = :u WHERE tenant_id = :t AND gateway_id = :g AND lease_owner = :o",
                              soci::use(until), soci::use(t), soci::use(id), soci::use(o));
        st.execute(true);
        changed = static_cast<int>(st.get_affected_rows());
    });
    return changed > 0;
}

void PollStore::releaseLease(const GatewayClaim& g) {
    db_.transaction([&](soci::session& s) {
        std::string t = g.tenantId, id = g.gatewayId, o = owner_;
        s << "UPDATE gateways SET lease_owner = NULL, lease_until = NULL WHERE tenant_id = :t AND gateway_id = :g AND lease_owner = :o",
            soci::use(t), soci::use(id), soci::use(o);
    });
}

std::vector<MeterTask> PollStore::dueMeters(const GatewayClaim& g, long long now) {
    std::vector<MeterTask> out;
    db_.read([&](soci::session& s) {
        std::string t = g.tenantId, id = g.gatewayId;
        long long n = now;
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT l.meter_id, m.serial, l.driver, l.settings, j.schedule, j.attempts "
                          "FROM meter_links l JOIN meters m ON m.tenant_id = l.tenant_id AND m.meter_id = l.meter_id "
                          "JOIN poll_jobs j ON j.tenant_id = l.tenant_id AND j.meter_id = l.meter_id "
                          "WHERE l.tenant_id = :t AND l.gateway_id = :g AND l.enabled = 1 AND j.next_run <= :n "
                          "ORDER BY l.meter_id, j.schedule",
             soci::use(t), soci::use(id), soci::use(n));
        for (const auto& r : rs) {
            const std::string meter = columnText(r, 0);
            if (out.empty() || out.back().meterId != meter)
                out.push_back({meter, columnText(r, 1), columnText(r, 2), columnText(r, 3), {}});
            out.back().due.push_back({columnText(r, 4), static_cast<unsigned>(columnInteger(r, 5))});
        }
    });
    return out;
}

PollStatus PollStore::status(const std::string& tenantId, unsigned notificationLimit) {
    PollStatus out;
    auto optionalInteger = [](const soci::row& r, std::size_t i) -> std::optional<long long> {
        if (r.get_indicator(i) == soci::i_null) return std::nullopt;
        return columnInteger(r, i);
    };
    auto optionalText = [](const soci::row& r, std::size_t i) -> std::optional<std::string> {
        if (r.get_indicator(i) == soci::i_null) return std::nullopt;
        return columnText(r, i);
    };
    db_.read([&](soci::session& s) {
        std::string t = tenantId;
        soci::rowset<soci::row> gs = (s.prepare << "SELECT gateway_id, host, port, title, lease_owner, lease_until FROM gateways "
                                                   "WHERE tenant_id = :t ORDER BY gateway_id",
                                      soci::use(t));
        for (const auto& r : gs)
            out.gateways.push_back({columnText(r, 0), columnText(r, 1) + ":" + columnText(r, 2), columnText(r, 3), optionalText(r, 4),
                                    optionalInteger(r, 5)});
        soci::rowset<soci::row> ms =
            (s.prepare << "SELECT l.meter_id, m.serial, m.model, l.driver, l.gateway_id, l.enabled, l.firmware, l.clock_drift_s, "
                          "j.schedule, j.next_run, j.attempts, j.last_run, j.last_ok, j.last_error_kind, j.last_error "
                          "FROM meter_links l JOIN meters m ON m.tenant_id = l.tenant_id AND m.meter_id = l.meter_id "
                          "LEFT JOIN poll_jobs j ON j.tenant_id = l.tenant_id AND j.meter_id = l.meter_id "
                          "WHERE l.tenant_id = :t ORDER BY l.gateway_id, l.meter_id, j.schedule",
             soci::use(t));
        for (const auto& r : ms) {
            const std::string id = columnText(r, 0);
            if (out.meters.empty() || out.meters.back().meterId != id)
                out.meters.push_back({id, columnText(r, 1), columnText(r, 2), columnText(r, 3), columnText(r, 4), columnInteger(r, 5) != 0,
                                      optionalText(r, 6), optionalInteger(r, 7), {}});
            if (r.get_indicator(8) == soci::i_null) continue;
            out.meters.back().jobs.push_back({columnText(r, 8), columnInteger(r, 9), columnInteger(r, 10), optionalInteger(r, 11),
                                              optionalInteger(r, 12), optionalText(r, 13), optionalText(r, 14)});
        }
        int limit = static_cast<int>(notificationLimit);
        // The meter alerts of the notification centre (sql/0007): read once any recipient read it.
        soci::rowset<soci::row> ns = (s.prepare << "SELECT n.notification_id, n.kind, n.refs, n.title, n.body, n.created_at, "
                                                   "CASE WHEN EXISTS (SELECT 1 FROM notification_recipients r WHERE r.tenant_id = n.tenant_id "
                                                   "AND r.notification_id = n.notification_id AND r.read_at IS NOT NULL) THEN 'read' ELSE 'new' END "
                                                   "FROM notifications n WHERE n.tenant_id = :t AND n.kind IN ('meter_tamper', 'meter_silent') "
                                                   "ORDER BY n.created_at DESC, n.notification_id LIMIT :l",
                                      soci::use(t), soci::use(limit));
        for (const auto& r : ns)
            out.notifications.push_back({columnText(r, 0), columnText(r, 1), columnText(r, 3), columnText(r, 4), columnText(r, 6),
                                         meterOf(columnText(r, 2)), columnInteger(r, 5)});
    });
    return out;
}

PollCursors PollStore::cursors(const std::string& tenantId, const std::string& meterId) {
    PollCursors c;
    db_.read([&](soci::session& s) {
        std::string t = tenantId, m = meterId;
        auto one = [&](const std::string& sql) -> std::optional<long long> {
            long long v = 0;
            soci::indicator ind = soci::i_null;
            s << sql, soci::use(t), soci::use(m), soci::into(v, ind);
            if (!s.got_data() || ind == soci::i_null) return std::nullopt;
            return v;
        };
        c.profile = one("SELECT MAX(ts) FROM profile WHERE tenant_id = :t AND meter_id = :m");
        c.event = one("SELECT MAX(ts_start) FROM meter_events WHERE tenant_id = :t AND meter_id = :m");
        c.billing = one("SELECT MAX(ts) FROM readings WHERE tenant_id = :t AND meter_id = :m AND kind = 'billing' AND source = 'driver'");
    });
    return c;
}

void PollStore::finish(const std::string& tenantId, const std::string& meterId, const std::vector<JobOutcome>& jobs,
                       const PollLogRow& log, const std::optional<std::string>& firmware,
                       const std::optional<long long>& clockDrift, long long now) {
    db_.transaction([&](soci::session& s) {
        std::string t = tenantId, m = meterId;
        for (const auto& j : jobs) {
            std::string sc = j.schedule, kind = j.errorKind, err = j.error.substr(0, 1000);
            long long next = j.nextRun, at = now;
            int attempts = static_cast<int>(j.attempts);
            if (j.ok) {
                s << "UPDATE poll_jobs SET next_run = :nr, attempts = 0, last_run = :a, last_ok = :b, last_error = NULL, "
                     "last_error_kind = NULL WHERE tenant_id = :t AND meter_id = :m AND schedule = :s",
                    soci::use(next), soci::use(at), soci::use(at), soci::use(t), soci::use(m), soci::use(sc);
            } else {
                s << "UPDATE poll_jobs SET next_run = :nr, attempts = :at, last_run = :a, last_error = :e, last_error_kind = :k "
                     "WHERE tenant_id = :t AND meter_id = :m AND schedule = :s",
                    soci::use(next), soci::use(attempts), soci::use(at), soci::use(err), soci::use(kind), soci::use(t),
                    soci::use(m), soci::use(sc);
            }
        }
        int seq = 0;
        long long started = log.startedAt;
        s << "SELECT COUNT(*) FROM poll_log WHERE tenant_id = :t AND meter_id = :m AND started_at = :s", soci::use(t),
            soci::use(m), soci::use(started), soci::into(seq);
        std::string schedules = log.schedules, outcome = log.outcome, message = log.message.substr(0, 2000), owner = owner_;
        std::string kind = log.errorKind;
        soci::indicator kindInd = kind.empty() ? soci::i_null : soci::i_ok;
        long long duration = log.durationMs, stored = log.storedRows;
        s << "INSERT INTO poll_log (tenant_id, meter_id, started_at, seq, schedules, duration_ms, outcome, error_kind, message, "
             "stored_rows, instance) VALUES (:t, :m, :s, :q, :sc, :d, :o, :k, :msg, :r, :i)",
            soci::use(t), soci::use(m), soci::use(started), soci::use(seq), soci::use(schedules), soci::use(duration),
            soci::use(outcome), soci::use(kind, kindInd), soci::use(message), soci::use(stored), soci::use(owner);
        if (firmware) {
            std::string fw = *firmware;
            s << "UPDATE meter_links SET firmware = :f WHERE tenant_id = :t AND meter_id = :m", soci::use(fw), soci::use(t), soci::use(m);
        }
        if (clockDrift) {
            long long d = *clockDrift;
            s << "UPDATE meter_links SET clock_drift_s = :d WHERE tenant_id = :t AND meter_id = :m", soci::use(d), soci::use(t), soci::use(m);
        }
    });
}

} // namespace kabinet
