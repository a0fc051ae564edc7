#pragma once
/// Guards one guess at an identifier that gives access to metering data (a personal account number, a
/// contract number for an ОГРН) with the shared Throttle: per user, growing delays and a lock; per client
/// address, growing delays only (the tenant's `identity.guessing` limits). Every miss and every refused
/// guess is written to the AuditLog.
#include "identity/AuditLog.h"
#include "identity/Throttle.h"

#include <string>

namespace kabinet {

class Database;
class Tenant;

class GuessGuard {
public:
    /// Reserves the guess. When the user or the address must still wait, records a `refused` entry and
    /// throws 429 `too_many_attempts` with Retry-After.
    GuessGuard(Database& db, const Tenant& t, const std::string& userId, const std::string& client, const std::string& action,
               const std::string& tried);
    /// A guess that was neither missed nor refused (found, or failed for another reason) is taken back.
    ~GuessGuard();
    GuessGuard(const GuessGuard&) = delete;
    GuessGuard& operator=(const GuessGuard&) = delete;

    /// The identifier was not found: the guess stays counted and is recorded (`miss`, or `locked` when it
    /// reached the user's lock). Call it after the transaction that looked the identifier up.
    void miss();

private:
    Database& db_;
    Throttle throttle_;
    std::string tenant_, userKey_, addressKey_;
    AuditEntry entry_;
    ThrottleReservation reservation_;
    bool settled_ = false;
};

} // namespace kabinet
