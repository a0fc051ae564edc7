#include "notify/Outbox.h"

#include "storage/AfterCommit.h"

#include "limits/LimitSettings.h"
#include "limits/LimitUsage.h"
#include "limits/RateLimiter.h"
#include "notify/MailTransport.h"
#include "notify/SmsSender.h"
#include "storage/Database.h"
#include "storage/RowLease.h"
#include "tenants/TenantRegistry.h"
#include "util/Crypto.h"
#include "util/Log.h"
#include "storage/TenantScope.h"

#include <algorithm>
#include <mutex>
#include <chrono>
#include <ctime>
#include <vector>

namespace kabinet {

namespace {
constexpr int kMaxAttempts = 8;
/// A queued message is taken for the worker's lease (leaseFor), counting the attempt; its outcome gives the lease back.
const RowLease kMessageLease({"outbox", "message_id", "state = 'queued'", "attempts = attempts + 1", ""});
/// How often due messages are looked for when nobody pokes the worker.
constexpr std::chrono::milliseconds kPassInterval = std::chrono::seconds(2);
/// Messages a pass takes of one tenant; a pass that handed over this many comes back at once (a broadcast's
/// thousands of mails go out back to back, not 50 every 2 s).
constexpr int kBatch = 50;

long long now() { return static_cast<long long>(std::time(nullptr)); }

/// 10 s, 20 s, 40 s … capped at one hour.
long long backoff(int attempts) { return std::min<long long>(3600, 10LL << std::min(attempts, 12)); }
} // namespace

namespace {
/// The running outbox worker of this process, woken once a transaction that queued messages commits.
std::mutex runningMutex;
OutboxWorker* running = nullptr;

void wakeAfterCommit() {
    afterCommit([] {
        std::lock_guard<std::mutex> lock(runningMutex);
        if (running) running->poke();
    });
}
} // namespace

std::string enqueueMessage(soci::session& s, const std::string& tenantId, const OutgoingMessage& m) {
    const std::string id = crypto::randomToken(12);
    const long long t = now();
    s << "INSERT INTO outbox (tenant_id, message_id, channel, recipient, subject, body, html, state, attempts, "
         "next_attempt_at, lease_until, last_error, created_at) VALUES (:t, :id, :ch, :rc, :sub, :body, :html, 'queued', 0, "
         ":next, 0, '', :created)",
        soci::use(tenantId), soci::use(id), soci::use(m.channel), soci::use(m.recipient), soci::use(m.subject),
        soci::use(m.body), soci::use(m.html), soci::use(t), soci::use(t);
    wakeAfterCommit();
    return id;
}

long long enqueueSelected(soci::session& s, const std::string& channel, const std::string& subject, const std::string& body,
                          const std::string& select, long long now) {
    std::string ch = channel, sub = subject, b = body;
    soci::statement st = (s.prepare << "WITH q (t, id, rc) AS (" + select + ") INSERT INTO outbox (tenant_id, message_id, channel, "
                                       "recipient, subject, body, html, state, attempts, next_attempt_at, lease_until, last_error, created_at) "
                                       "SELECT q.t, q.id, :ch, q.rc, :sub, :body, '', 'queued', 0, :next, 0, '', :created FROM q",
                          soci::use(ch), soci::use(sub), soci::use(b), soci::use(now), soci::use(now));
    st.execute(true);
    const long long queued = st.get_affected_rows();
    if (queued > 0) wakeAfterCommit();
    return queued;
}

OutboxWorker::OutboxWorker(Database& db, const TenantRegistry& tenants, std::unique_ptr<MailTransport> mail,
                           std::unique_ptr<SmsSender> sms, std::string mailFrom)
    : db_(db), tenants_(tenants), mail_(std::move(mail)), sms_(std::move(sms)), mailFrom_(std::move(mailFrom)),
      worker_("outbox", [this] {
          return runOnce() >= kBatch ? std::chrono::milliseconds(0) : kPassInterval;
      }, Backoff{kPassInterval, std::chrono::minutes(1)}) {}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::start() {
    if (worker_.running()) return;
    log::info("outbox worker started", {{"mail", mail_->describe()}, {"sms", sms_->describe()}});
    worker_.start();
    std::lock_guard<std::mutex> lock(runningMutex);
    running = this;
}

void OutboxWorker::stop() {
    {
        std::lock_guard<std::mutex> lock(runningMutex);
        if (running == this) running = nullptr;
    }
    worker_.stop();
}

void OutboxWorker::poke() { worker_.wake(); }

int OutboxWorker::runOnce() {
    int handed = 0;
    for (const auto& tenant : tenants_.ids()) {
        TenantScope scope(tenant); // the tenant's own database, when it has one
        std::vector<std::string> due;
        const long long t = now();
        db_.read([&](soci::session& s) {
            soci::rowset<std::string> rs = (s.prepare << "SELECT message_id FROM outbox WHERE tenant_id = :t AND state = 'queued' "
                                                         "AND next_attempt_at <= :now AND lease_until < :now2 ORDER BY next_attempt_at LIMIT :n",
                                            soci::use(tenant), soci::use(t), soci::use(t), soci::use(kBatch));
            for (const auto& id : rs) due.push_back(id);
        });
        for (const auto& id : due) {
            if (worker_.stopping()) return handed;
            if (deliver(tenant, id)) ++handed;
        }
    }
    return handed;
}

bool OutboxWorker::deliver(const std::string& tenant, const std::string& id) {
    // Claim the message with a lease, so that another instance (or pass) leaves it alone meanwhile.
    bool claimed = false;
    std::string channel, recipient, subject, body, html;
    int attempts = 0;
    const long long t = now(), lease = t + leaseSeconds_;
    db_.transaction([&](soci::session& s) {
        claimed = kMessageLease.take(s, tenant, id, t, lease);
        if (claimed)
            s << "SELECT channel, recipient, subject, body, html, attempts FROM outbox WHERE tenant_id = :t AND message_id = :id",
                soci::use(tenant), soci::use(id), soci::into(channel), soci::into(recipient), soci::into(subject),
                soci::into(body), soci::into(html), soci::into(attempts);
    });
    if (!claimed) return false;
    std::string error;
    bool retryable = true;
    if (channel == "sms") {
        // The tenant's text messages a day (settings.limits.sms_per_day), counted in the database so that every
        // instance sees the same day. Over it the message is not sent and never retried.
        if (auto found = tenants_.find(tenant)) {
            const long long most = limits::LimitSettings::of(*found).smsPerDay;
            long long sent = 0;
            db_.read([&](soci::session& s) { sent = limits::smsSentToday(s, tenant, found->utcOffset(), t); });
            if (sent >= most) {
                limits::Rejections::count(tenant, limits::kSmsPerDay);
                error = std::string("limit_exceeded: ") + limits::kSmsPerDay + " — исчерпан дневной лимит SMS организации (" +
                        std::to_string(most) + " в сутки); сообщение не отправлено";
                retryable = false;
            }
        }
    }
    if (error.empty()) try {
        if (channel == "email") {
            MailMessage m;
            m.from = mailFrom_;
            m.to = recipient;
            m.subject = subject;
            m.text = body;
            m.html = html;
            m.messageId = tenant + "." + id;
            mail_->send(m);
        } else {
            sms_->send(recipient, body, id);
        }
    } catch (const MailError& e) {
        error = e.what();
        retryable = e.retryable;
    } catch (const SmsError& e) {
        error = e.what();
        retryable = e.retryable;
    } catch (const std::exception& e) {
        error = e.what();
    }
    const long long done = now();
    if (error.empty()) {
        db_.transaction([&](soci::session& s) {
            s << "UPDATE outbox SET state = 'sent', sent_at = :t, lease_until = 0, last_error = '' WHERE tenant_id = :tn AND message_id = :id",
                soci::use(done), soci::use(tenant), soci::use(id);
        });
        log::info("message delivered", {{"tenant", tenant}, {"message_id", id}, {"channel", channel},
                                        {"attempt", std::to_string(attempts)}});
        return true;
    }
    const bool giveUp = !retryable || attempts >= kMaxAttempts;
    const long long next = done + backoff(attempts);
    const std::string state = giveUp ? "failed" : "queued";
    error = error.substr(0, 500);
    db_.transaction([&](soci::session& s) {
        s << "UPDATE outbox SET state = :st, next_attempt_at = :next, lease_until = 0, last_error = :err WHERE tenant_id = :tn AND message_id = :id",
            soci::use(state), soci::use(next), soci::use(error), soci::use(tenant), soci::use(id);
    });
    log::warn(giveUp ? "message given up" : "message delivery failed; will retry",
              {{"tenant", tenant}, {"message_id", id}, {"channel", channel}, {"attempt", std::to_string(attempts)},
               {"error", error}});
    return false;
}

} // namespace kabinet
