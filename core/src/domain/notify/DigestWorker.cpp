#include "notify/DigestWorker.h"

#include "notify/NotificationKinds.h"
#include "notify/NotificationStore.h"
#include "notify/Outbox.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "tenants/TenantRegistry.h"
#include "util/Log.h"
#include "util/Plural.h"
#include "storage/TenantScope.h"

#include <ctime>

namespace kabinet {

namespace {
constexpr std::chrono::milliseconds kPassInterval = std::chrono::seconds(60);

std::string localTime(long long ts, int offset, const char* format) {
    const std::time_t local = static_cast<std::time_t>(ts + offset);
    std::tm tm{};
    gmtime_r(&local, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}
} // namespace

std::string notificationCount(long long n) {
    return std::to_string(n) + " " + plural(n, "уведомление", "уведомления", "уведомлений");
}

DigestWorker::DigestWorker(Database& db, const TenantRegistry& tenants)
    : db_(db), tenants_(tenants),
      worker_("digest", [this] {
          runOnce(static_cast<long long>(std::time(nullptr)));
          return kPassInterval;
      }, Backoff{kPassInterval, std::chrono::minutes(10)}) {}

DigestWorker::~DigestWorker() { stop(); }

void DigestWorker::start() { worker_.start(); }

void DigestWorker::stop() { worker_.stop(); }

int DigestWorker::runOnce(long long now) {
    int queued = 0;
    for (const auto& id : tenants_.ids()) {
        TenantScope scope(id); // the tenant's own database, when it has one
        if (worker_.stopping()) break;
        queued += runTenant(id, now);
    }
    return queued;
}

int DigestWorker::runTenant(const std::string& tenantId, long long now) {
    auto t = tenants_.find(tenantId);
    if (!t) return 0;
    const auto kinds = NotificationKinds::of(*t);
    const int offset = t->utcOffset();
    const long long local = now + offset;
    const long long dueLocal = local - ((local % 86400) + 86400) % 86400 + kinds->digestHour * 3600LL;
    if (local < dueLocal) return 0; // not yet the hour today
    const long long dueAt = dueLocal - offset;
    std::vector<std::string> people;
    db_.read([&](soci::session& s) { people = NotificationStore(s).digestPeople(tenantId); });
    int queued = 0;
    for (const auto& user : people) {
        if (worker_.stopping()) break;
        db_.transaction([&](soci::session& s) {
            NotificationStore store(s);
            if (!store.claimDigest(tenantId, user, dueAt, now)) return;
            const auto entries = store.digestEntries(tenantId, user);
            const std::string email = store.emailOf(tenantId, user);
            if (entries.empty() || email.empty()) return;
            OutgoingMessage m;
            m.channel = "email";
            m.recipient = email;
            m.subject = t->shortName() + ": " + notificationCount(static_cast<long long>(entries.size())) + " за день";
            std::vector<std::string> ids;
            for (const auto& e : entries) {
                m.body += localTime(e.createdAt, offset, "%d.%m.%Y %H:%M") + " — " + e.title + "\n";
                if (!e.body.empty()) m.body += e.body + "\n";
                m.body += "\n";
                ids.push_back(e.notificationId);
            }
            m.body += t->name();
            const std::string messageId = enqueueMessage(s, tenantId, m);
            store.markDigestSent(tenantId, user, ids, messageId, now);
            ++queued;
        });
    }
    if (queued > 0) log::info("digest mails queued", {{"tenant", tenantId}, {"mails", std::to_string(queued)}});
    return queued;
}

} // namespace kabinet
