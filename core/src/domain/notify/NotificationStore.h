#pragma once
/// The SQL of the notification centre (sql/0007_notifications.sql): notifications, their recipients, the
/// deliveries per recipient and channel, and the reads of a person's notifications. Works on the session it
/// is given, inside the caller's transaction; recipients and deliveries are written by INSERT … SELECT, so a
/// notice to ten thousand people costs a handful of statements.
#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

namespace kabinet {

struct Audience;

/// A notification as one recipient sees it.
struct ReceivedNotification {
    std::string id, kind, category, severity, title, body, refsJson;
    long long createdAt = 0;
    std::optional<long long> readAt;
};

/// The delivery of a notification to one recipient on one channel, with the outbox's state read through.
struct DeliveryState {
    std::string userId, login, email, channel, state, error;
    long long updatedAt = 0;
};

/// A notification waiting for a person's daily digest.
struct DigestEntry {
    std::string notificationId, title, body;
    long long createdAt = 0;
};

class NotificationStore {
public:
    /// A store working on `s` (a session of the caller, usually inside its transaction).
    explicit NotificationStore(soci::session& s);

    /// SQL text quoted as a literal ('…', quotes doubled); throws std::invalid_argument for a NUL byte.
    static std::string literal(const std::string& text);

    // -- raising --
    /// Inserts the notification; false when one of the same kind and (non-empty) dedupe key exists.
    bool insertNotification(const std::string& tenant, const std::string& id, const std::string& kind,
                            const std::string& category, const std::string& severity, const std::string& title,
                            const std::string& body, const std::string& refsJson, long long now,
                            const std::string& dedupeKey, const std::string& broadcastId = "");
    /// Adds every active user of the audience as a recipient (each once); returns how many.
    long long addRecipients(const std::string& tenant, const std::string& id, const Audience& audience, long long now);
    /// Removes a notification (one that reached nobody).
    void removeNotification(const std::string& tenant, const std::string& id);
    /// The in-app delivery of every recipient: sent when stored.
    void addInAppDeliveries(const std::string& tenant, const std::string& id, long long now);
    /// The deliveries of one channel ("email" or "sms") for every recipient of a notification of `category`:
    /// not_wanted when the person switched the category or the channel off (unset = the defaults given) or has
    /// no address, digest for mails of people who chose the daily digest, queued otherwise; the queued ones
    /// are put into the outbox with this subject and body, all by INSERT … SELECT.
    void addChannelDeliveries(const std::string& tenant, const std::string& id, const std::string& channel,
                              const std::string& category, bool categoryDefault, bool digestDefault,
                              const std::string& subject, const std::string& body, long long now);
    /// Human labels of things a notification refers to: "Договор № …", "Лицевой счёт № …", the point's name,
    /// "Прибор учёта № <serial>"; "" when the thing is unknown or of another type.
    std::string refLabel(const std::string& tenant, const std::string& type, const std::string& id);

    // -- a person's notifications --
    /// The person's notifications, newest first: at most `limit`, only unread ones when asked, and only those
    /// before (created_at, id) when given.
    std::vector<ReceivedNotification> page(const std::string& tenant, const std::string& user, bool unreadOnly,
                                           int limit, std::optional<std::pair<long long, std::string>> before);
    /// (created_at, id) of the person's notification `id`, for `before`; nullopt when not theirs.
    std::optional<std::pair<long long, std::string>> position(const std::string& tenant, const std::string& user,
                                                              const std::string& id);
    /// How many of the person's notifications are unread.
    long long unread(const std::string& tenant, const std::string& user);
    /// Marks the person's notification read (kept when read before); the read time, or nullopt when the
    /// notification is not theirs.
    std::optional<long long> markRead(const std::string& tenant, const std::string& user, const std::string& id,
                                      long long now);
    /// Marks every unread notification of the person read; returns how many.
    long long markAllRead(const std::string& tenant, const std::string& user, long long now);

    // -- staff --
    /// The notification (as no recipient in particular sees it), or nullopt when the tenant has none of that id.
    std::optional<ReceivedNotification> find(const std::string& tenant, const std::string& id);
    /// Its deliveries by recipient and channel (the outbox's state when a message was queued), at most
    /// `limit` from `offset`.
    std::vector<DeliveryState> deliveries(const std::string& tenant, const std::string& id, int limit, int offset);
    /// Deliveries of the notification counted by channel and state (outbox read through): (channel, state, n).
    std::vector<std::tuple<std::string, std::string, long long>> deliveryCounts(const std::string& tenant,
                                                                                const std::string& id);

    // -- digest --
    /// People of the tenant with mails waiting for their digest.
    std::vector<std::string> digestPeople(const std::string& tenant);
    /// The person's digest entries, oldest first.
    std::vector<DigestEntry> digestEntries(const std::string& tenant, const std::string& user);
    /// Claims the person's digest of the pass at `dueAt`: true when no pass at or after `dueAt` took it yet
    /// (records `now` as its time). Several instances: one wins.
    bool claimDigest(const std::string& tenant, const std::string& user, long long dueAt, long long now);
    /// The person's e-mail address ("" when none).
    std::string emailOf(const std::string& tenant, const std::string& user);
    /// Marks the entries sent by the digest mail `messageId`.
    void markDigestSent(const std::string& tenant, const std::string& user, const std::vector<std::string>& ids,
                        const std::string& messageId, long long now);

private:
    bool postgres() const;
    soci::session& s_;
};

} // namespace kabinet
