#include "identity/GuessGuard.h"

#include "tenants/Tenant.h"
#include "util/Error.h"
#include "util/Log.h"

namespace kabinet {

GuessGuard::GuessGuard(Database& db, const Tenant& t, const std::string& userId, const std::string& client, const std::string& action,
                       const std::string& tried)
    : db_(db), throttle_(db, t.id()), tenant_(t.id()), userKey_("guess-user:" + userId), addressKey_("guess-address:" + client),
      entry_{"guess", userId, action, tried, client, "", "", nullptr} {
    const auto limits = ThrottleLimits::of(t, "guessing");
    reservation_ = throttle_.reserve({{userKey_, ThrottlePolicy::lockable(limits.maxFailures, limits.windowMinutes, limits.lockMinutes)},
                                      {addressKey_, ThrottlePolicy::slowOnly(limits.maxFailures, limits.windowMinutes)}});
    if (reservation_.waitSeconds > 0) {
        settled_ = true;
        entry_.outcome = "refused";
        AuditLog(db_).record(tenant_, entry_);
        Error e(429, "too_many_attempts",
                "Слишком много неудачных попыток. Повторите через " + std::to_string(reservation_.waitSeconds) + " с");
        e.retryAfter(reservation_.waitSeconds);
        throw e;
    }
}

GuessGuard::~GuessGuard() {
    if (settled_) return;
    try {
        throttle_.release(userKey_);
        throttle_.release(addressKey_);
    } catch (const std::exception& e) {
        log::warn("guess reservation not taken back", {{"tenant", tenant_}, {"error", e.what()}});
    }
}

void GuessGuard::miss() {
    settled_ = true;
    entry_.outcome = reservation_.locks ? "locked" : "miss";
    AuditLog(db_).record(tenant_, entry_);
}

} // namespace kabinet
