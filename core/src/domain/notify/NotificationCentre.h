#pragma once
/// The notification centre (SPEC §2.6): the one way anything in Kabinet tells a person something. A service
/// raises a Notice inside the transaction of the change that causes it; the centre stores one notification,
/// its recipients and, per recipient and channel, a delivery: in-app always, e-mail and SMS through the
/// outbox when the kind uses the channel and the person has not switched it (or its category) off, or
/// into the person's daily digest when they asked for one. A rolled-back change notifies no one; a
/// committed one is delivered even after a crash (the outbox survives restarts).
///
/// What a kind is — its Russian label, the category a person can switch, severity, channels and the
/// templates of title and body with named values ({point}, {reading}, {reason} …) — is declared by the
/// tenant in Lua (`notifications.kinds`), with Russian defaults in scripts/kabinet/notifications.lua.
#include <soci/soci.h>

#include <map>
#include <string>
#include <vector>

namespace kabinet {

class Tenant;

/// What a notification is about, for links in the portal: type is "contract", "account", "point",
/// "meter", "outage", "broadcast", "archive" or (later) "case"; id is that thing's id in the tenant.
struct NoticeRef {
    std::string type;
    std::string id;
    /// Human text for the link (never a raw id); "" = looked up by the centre for contract, account, point
    /// and meter (number, name, serial), else the notice's title.
    std::string label = {};
};

/// Who receives a notice. The union of every part, each person once; consumers only while active.
struct Audience {
    std::vector<std::string> users;    ///< these users (by user id)
    bool operators = false;            ///< the tenant's operators and tenant administrators
    std::vector<std::string> points;   ///< consumers with access to these metering points
    std::vector<std::string> accounts; ///< consumers with access to these accounts (by account id)
    std::vector<std::string> contracts;///< consumers with access to these contracts (by contract id)
    bool allConsumers = false;         ///< every consumer of the tenant
};

/// One event to tell people about.
struct Notice {
    std::string kind;                          ///< a kind the tenant declares (notifications.kinds)
    Audience audience;                         ///< who is told
    std::map<std::string, std::string> values; ///< named values the kind's templates use, already formatted
    std::vector<NoticeRef> refs;               ///< what it is about
    /// When set, a notice of the same kind and key raised before is not raised again (a tamper event seen
    /// on every poll, a silent meter still silent): raise() then returns "".
    std::string dedupeKey;
    std::string title; ///< overrides the kind's title template (operator broadcasts); "" = the template
    std::string body;  ///< overrides the kind's body template; "" = the template
    /// Overrides the channels of the kind ("email", "sms"; in-app is always used), as an operator's broadcast
    /// chooses them; empty = the kind's. Channels the tenant does not offer are left out.
    std::vector<std::string> channels = {};
    std::string broadcastId = {}; ///< the operator's broadcast the notice belongs to ("" = none)
};

class NotificationCentre {
public:
    /// Raises `n` inside the caller's transaction `s` at `now` (Unix seconds): stores the notification, its
    /// recipients and their deliveries and queues mails and text messages in the outbox. Returns the
    /// notification's id, or "" when deduplicated or when the audience is empty. Throws Error (422) for a kind
    /// the tenant does not declare; never commits or rolls back itself.
    static std::string raise(soci::session& s, Tenant& t, const Notice& n, long long now);
};

} // namespace kabinet
