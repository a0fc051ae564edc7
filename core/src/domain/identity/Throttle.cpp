#include "identity/Throttle.h"

#include "lua/LuaState.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <ctime>

namespace kabinet {

namespace {

long long now() { return static_cast<long long>(std::time(nullptr)); }

std::string num(long long v) { return std::to_string(v); }

/// SQL for the `locked_until` that `count` failures call for (numbers only, computed here, never input).
std::string untilFor(const std::string& count, const ThrottlePolicy& p, long long t) {
    std::string sql = "CASE";
    if (p.lockAt > 0) sql += " WHEN " + count + " >= " + num(p.lockAt) + " THEN " + num(t + p.lockSeconds);
    long long delay = 1;
    int step = 0;
    for (; delay < p.maxDelaySeconds; delay *= 2, ++step)
        sql += " WHEN " + count + " = " + num(p.delayFrom + step) + " THEN " + num(t + delay);
    sql += " WHEN " + count + " >= " + num(p.delayFrom + step) + " THEN " + num(t + p.maxDelaySeconds);
    return sql + " ELSE 0 END";
}

/// The same rule in C++, for the first failure of a key (the INSERT's values).
long long untilAfter(int count, const ThrottlePolicy& p, long long t) {
    if (p.lockAt > 0 && count >= p.lockAt) return t + p.lockSeconds;
    if (count < p.delayFrom) return 0;
    const int step = std::min(count - p.delayFrom, 30);
    return t + std::min(p.maxDelaySeconds, 1LL << step);
}

/// Thrown inside the reservation's transaction to roll every key back.
struct Refused : Error {
    explicit Refused(long long wait) : Error(429, "throttled", "") { retryAfter(wait); }
};

} // namespace

ThrottleLimits ThrottleLimits::of(const Tenant& t, const std::string& group) {
    const auto& id = t.identity();
    Poco::JSON::Object::Ptr g;
    if (id.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto o = id.extract<Poco::JSON::Object::Ptr>();
        if (o->has(group) && o->get(group).type() == typeid(Poco::JSON::Object::Ptr)) g = o->getObject(group);
    }
    auto value = [&](const char* key) {
        if (!g || !g->has(key) || !g->get(key).isInteger())
            throw LuaError("tenant '" + t.id() + "': identity()." + group + "." + key + " is missing");
        return g->getValue<int>(key);
    };
    return ThrottleLimits{value("max_failures"), value("window_minutes"), value("lock_minutes")};
}

ThrottlePolicy ThrottlePolicy::lockable(int maxFailures, int windowMinutes, int lockMinutes) {
    ThrottlePolicy p;
    p.delayFrom = std::max(3, maxFailures / 2);
    p.lockAt = maxFailures;
    p.windowSeconds = windowMinutes * 60LL;
    p.lockSeconds = lockMinutes * 60LL;
    return p;
}

ThrottlePolicy ThrottlePolicy::slowOnly(int maxFailures, int windowMinutes) {
    ThrottlePolicy p;
    p.delayFrom = 4 * maxFailures;
    p.lockAt = 0;
    p.windowSeconds = windowMinutes * 60LL;
    p.lockSeconds = 0;
    return p;
}

ThrottleReservation Throttle::reserve(const std::vector<ThrottleKey>& keys) {
    ThrottleReservation out;
    try {
        db_.transaction([&](soci::session& s) {
            const long long t = now();
            for (std::size_t i = 0; i < keys.size(); ++i) {
                const auto& [key, p] = keys[i];
                const std::string since = num(t - p.windowSeconds);
                const std::string count = "(CASE WHEN login_throttle.window_start < " + since +
                                          " THEN 1 ELSE login_throttle.failures + 1 END)";
                const long long firstUntil = untilAfter(1, p, t);
                int failures = 0;
                long long until = 0;
                // One statement: refused (no row) while the key must wait; otherwise counted, with its new delay.
                s << "INSERT INTO login_throttle (tenant_id, throttle_key, failures, window_start, locked_until) VALUES (:t, :k, 1, " +
                         num(t) + ", " + num(firstUntil) +
                         ") ON CONFLICT (tenant_id, throttle_key) DO UPDATE SET failures = " + count +
                         ", window_start = CASE WHEN login_throttle.window_start < " + since + " THEN " + num(t) +
                         " ELSE login_throttle.window_start END, locked_until = " + untilFor(count, p, t) +
                         " WHERE login_throttle.locked_until <= " + num(t) + " RETURNING failures, locked_until",
                    soci::use(tenant_), soci::use(key), soci::into(failures), soci::into(until);
                if (!s.got_data()) {
                    long long lockedUntil = t + 1;
                    s << "SELECT locked_until FROM login_throttle WHERE tenant_id = :t AND throttle_key = :k", soci::use(tenant_),
                        soci::use(key), soci::into(lockedUntil);
                    throw Refused(std::max(1LL, lockedUntil - t));
                }
                if (i == 0) {
                    out.failures = failures;
                    out.locks = p.lockAt > 0 && failures >= p.lockAt;
                }
            }
        });
    } catch (const Error& e) {
        if (e.status() != 429 || e.code() != "throttled") throw;
        out = ThrottleReservation{};
        out.waitSeconds = e.retryAfterSeconds();
    }
    return out;
}

void Throttle::clear(const std::string& key) {
    db_.transaction([&](soci::session& s) {
        s << "DELETE FROM login_throttle WHERE tenant_id = :t AND throttle_key = :k", soci::use(tenant_), soci::use(key);
    });
}

void Throttle::release(const std::string& key) {
    db_.transaction([&](soci::session& s) {
        s << "UPDATE login_throttle SET failures = failures - 1 WHERE tenant_id = :t AND throttle_key = :k AND failures > 0",
            soci::use(tenant_), soci::use(key);
    });
}

} // namespace kabinet
