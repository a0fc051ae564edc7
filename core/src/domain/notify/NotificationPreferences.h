#pragma once
/// A person's notification choices: each category on or off (kept in the profile's `notifications` map,
/// users.notifications_json, which PATCH /api/v1/me also writes), e-mail and SMS on or off, and the daily
/// digest (notification_settings). Anything unset is the tenant's default: a category's `default`, channels
/// on, the digest as `notifications.digest` of tenant.lua.
#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include <map>
#include <string>

namespace kabinet {

struct NotificationKinds;

/// A person's effective choices.
struct NotificationSettings {
    std::map<std::string, bool> categories; ///< the categories offered to the person's role
    bool email = true, sms = true, digest = false;
};

class NotificationPreferences {
public:
    /// True when a category is offered to people of `role` (staff categories to operators and administrators).
    static bool offered(bool staffCategory, const std::string& role);
    /// The person's choices with the tenant's defaults filled in.
    static NotificationSettings of(soci::session& s, const std::string& tenant, const NotificationKinds& kinds,
                                   const std::string& user, const std::string& role);
    /// Applies a change {"categories"?: {id: bool}, "channels"?: {"email"?: bool, "sms"?: bool}, "digest"?: bool}
    /// (only what is sent). Throws Unprocessable naming each wrong field ("categories.spam", "digest") with a
    /// Russian reason, before anything is written.
    static void apply(soci::session& s, const std::string& tenant, const NotificationKinds& kinds, const std::string& user,
                      const std::string& role, const Poco::JSON::Object::Ptr& change, long long now);
    /// The choices as the API answers them.
    static Poco::JSON::Object::Ptr toJson(const NotificationSettings& settings);
};

} // namespace kabinet
