#pragma once
/// What a tenant's notifications are (kabinet.tenant.notifications, declared in Lua): the categories a person
/// switches, the channels offered, and the kinds with label, category, severity, channels and the templates
/// of title and body. Read from the tenant's scripts once per loaded declaration and kept.
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kabinet {

class Tenant;

/// A category a person switches on or off.
struct NotificationCategory {
    std::string id, label;
    bool defaultOn = true; ///< on until the person switches it off
    bool staff = false;    ///< offered to operators and tenant administrators only
};

/// A channel the tenant offers: "in_app", "email" or "sms".
struct NotificationChannel {
    std::string id, label;
};

/// A kind of notification.
struct NotificationKind {
    std::string id, label, category, severity, title, body;
    std::vector<std::string> channels; ///< always holds "in_app"
    /// True when the kind uses the channel.
    bool uses(const std::string& channel) const;
};

/// The notification declarations of one tenant.
struct NotificationKinds {
    std::vector<NotificationCategory> categories;
    std::vector<NotificationChannel> channels;
    std::map<std::string, NotificationKind> kinds;
    bool digestDefault = false; ///< whether mails go into the daily digest for people who did not choose
    int digestHour = 8;         ///< hour of the daily digest, tenant's local time

    /// The kind, or nullptr when the tenant does not declare it.
    const NotificationKind* kind(const std::string& id) const;
    /// The category, or nullptr.
    const NotificationCategory* category(const std::string& id) const;
    /// True when the tenant offers the channel.
    bool offers(const std::string& channel) const;

    /// The declarations of the tenant (computed on first use for each loaded version of its scripts; thread
    /// safe). Throws LuaError when the scripts fail.
    static std::shared_ptr<const NotificationKinds> of(Tenant& t);
};

/// A template with `{name}` placeholders filled from `values`. A part in square brackets `[…]` is left out
/// whole when a placeholder in it has no value (`отклонены[. Причина: {reason}].`). Any other placeholder
/// without a value is left out cleanly: with the spaces around it collapsed, and a separator or empty brackets it leaves dangling
/// (", ." "()" «») removed; the result never shows a raw `{name}`.
std::string fillTemplate(const std::string& templ, const std::map<std::string, std::string>& values);

} // namespace kabinet
