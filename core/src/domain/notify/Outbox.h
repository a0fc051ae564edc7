#pragma once
/// The outbox: mails and text messages are written in the same transaction as the change that causes
/// them, and a worker delivers them afterwards, with retries and backoff. Queued messages survive a
/// restart; a delivered message is marked sent and never picked again (delivery is at least once: a crash
/// between the hand-over and the mark may repeat it, with the same Message-ID / reference).
#include "util/Worker.h"

#include <soci/soci.h>

#include <memory>
#include <string>

namespace kabinet {

class Database;
class MailTransport;
class SmsSender;
class TenantRegistry;

/// One message to queue.
struct OutgoingMessage {
    std::string channel;   ///< "email" or "sms"
    std::string recipient; ///< address or E.164 number
    std::string subject;   ///< mails only
    std::string body;      ///< plain text
    std::string html;      ///< optional (mails)
};

/// Queues a message inside the caller's transaction; returns its id. The running OutboxWorker of this process
/// is woken once that transaction commits (other processes' workers find it on their next pass).
std::string enqueueMessage(soci::session& s, const std::string& tenantId, const OutgoingMessage& m);

/// Queues one message of the same subject and body for every row of `select` (SQL yielding tenant id, message id
/// and recipient, in that order) by one INSERT … SELECT inside the caller's transaction, due at `now`; returns how
/// many. For notices to many people; message ids must be new.
long long enqueueSelected(soci::session& s, const std::string& channel, const std::string& subject, const std::string& body,
                          const std::string& select, long long now);

/// Delivers queued messages in the background: a Worker ("outbox") whose pass delivers every due message,
/// every 2 s or at once when poked; a failing pass (database unreachable) backs off from 2 s up to a minute.
class OutboxWorker {
public:
    /// A stopped worker delivering through these transports, mails from `mailFrom`.
    OutboxWorker(Database& db, const TenantRegistry& tenants, std::unique_ptr<MailTransport> mail,
                 std::unique_ptr<SmsSender> sms, std::string mailFrom);
    /// Stops the worker.
    ~OutboxWorker();
    /// Starts the delivery thread (nothing while it runs).
    void start();
    /// Stops it: finishes the message in hand, leaves the rest queued; returns when the thread has ended.
    void stop();
    /// Wakes the worker now (after a commit that queued something); never lost, never blocks.
    void poke();
    /// Delivers every due message once, in this thread; returns how many were handed over. For tests/CLI.
    int runOnce();
    /// How long a message is leased to this instance while it is being sent (default 120 s); set before start().
    /// Another instance takes the message once the lease has expired — the holder died.
    void leaseFor(long long seconds) noexcept { leaseSeconds_ = seconds; }

private:
    bool deliver(const std::string& tenant, const std::string& id);
    Database& db_;
    const TenantRegistry& tenants_;
    std::unique_ptr<MailTransport> mail_;
    std::unique_ptr<SmsSender> sms_;
    std::string mailFrom_;
    long long leaseSeconds_ = 120;
    Worker worker_; ///< last: stopped before the members its pass uses are destroyed
};

} // namespace kabinet
