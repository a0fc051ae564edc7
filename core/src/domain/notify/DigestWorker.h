#pragma once
/// The daily digest: once a day, at the tenant's `notifications.digest_hour` (its local time), everyone with
/// mails waiting for their digest gets one mail listing them, queued in the outbox; the entries are then
/// marked sent with that mail's id (their state read through to the outbox). A Worker ("digest") whose pass
/// runs every minute; a person's digest of a day is claimed by one conditional UPDATE, so several instances
/// send it once.
#include "util/Worker.h"

#include <string>

namespace kabinet {

class Database;
class TenantRegistry;

class DigestWorker {
public:
    /// A stopped worker (the mails a pass queues wake the outbox once committed).
    DigestWorker(Database& db, const TenantRegistry& tenants);
    /// Stops the worker.
    ~DigestWorker();
    /// Starts the thread (nothing while it runs).
    void start();
    /// Stops it; returns when the thread has ended.
    void stop();
    /// One pass at `now` (Unix seconds; tests inject their clock): sends the digests that are due and not yet
    /// sent today; returns how many mails were queued.
    int runOnce(long long now);

private:
    int runTenant(const std::string& tenantId, long long now);
    Database& db_;
    const TenantRegistry& tenants_;
    Worker worker_; ///< last: stopped before the members its pass uses are destroyed
};

/// The Russian form of "N notifications": 1 уведомление, 2 уведомления, 5 уведомлений, 21 уведомление.
std::string notificationCount(long long n);

} // namespace kabinet
