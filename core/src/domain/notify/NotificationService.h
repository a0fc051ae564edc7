#pragma once
/// What people do with their notifications through the API (docs/API.md, "Notifications"): read their own
/// (newest first, paged by `before`), mark them read, see the kinds and categories of the tenant, choose
/// categories, channels and the digest; staff see the deliveries of a notification.
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace kabinet {

class Database;
class Tenant;

/// A page request of GET notifications.
struct NotificationQuery {
    bool unreadOnly = false;
    int limit = 20;         ///< 1 … kMaxLimit
    std::string before;     ///< a notification id of the person's, or a Unix time; "" = the newest
};

class NotificationService {
public:
    static constexpr int kMaxLimit = 100;
    explicit NotificationService(Database& db);

    /// {"rows": [{id, kind, category, title, body, created_at, read_at, refs}], "unread": N} of the person.
    /// A `before` that is neither a time nor one of the person's notifications is 422 naming `before`.
    Poco::JSON::Object::Ptr list(const Tenant& t, const std::string& user, const NotificationQuery& q);
    /// Marks the person's notification read: {"id", "read_at", "unread"}; 404 when it is not theirs.
    Poco::JSON::Object::Ptr markRead(const Tenant& t, const std::string& user, const std::string& id, long long now);
    /// Marks all the person's notifications read: {"read": how many, "unread": 0}.
    Poco::JSON::Object::Ptr markAllRead(const Tenant& t, const std::string& user, long long now);
    /// {"categories": [{id, label, default}], "channels": [{id, label}], "kinds": [{id, label, category,
    /// channels}]}: what people of `role` may receive (staff categories and their kinds for staff only).
    Poco::JSON::Object::Ptr kinds(Tenant& t, const std::string& role);
    /// {"categories": {id: bool}, "channels": {"email": bool, "sms": bool}, "digest": bool} of the person.
    Poco::JSON::Object::Ptr settings(Tenant& t, const std::string& user, const std::string& role);
    /// Applies a change of the settings (NotificationPreferences::apply) and answers them as settings() does.
    Poco::JSON::Object::Ptr updateSettings(Tenant& t, const std::string& user, const std::string& role,
                                           const Poco::JSON::Object::Ptr& change, long long now);
    /// Staff: {"id", "kind", "title", "created_at", "counts": [{channel, state, count}], "rows": [{user_id,
    /// login, channel, state, error, updated_at}]} with the outbox's state read through; 404 for an unknown id.
    Poco::JSON::Object::Ptr deliveries(const Tenant& t, const std::string& id, int limit, int offset);

private:
    Database& db_;
};

} // namespace kabinet
