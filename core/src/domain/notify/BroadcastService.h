#pragma once
/// Operator broadcasts (issue 11, ОЭС 360 «Уведомление о задолженности», «Уведомление о плановых работах»):
/// a title and a body the operator writes, sent to the whole tenant, to the consumers of listed accounts or
/// contracts (by the numbers printed on bills), or to the consumers at given addresses, through the chosen
/// channels. A broadcast is one notification of kind `broadcast` raised through the NotificationCentre in
/// one transaction (its title and body override the kind's templates); delivery is the outbox's, after the
/// commit, so sending never waits for mail. Addresses match the text of metering_points.address: an address
/// given matches every point whose address contains it, case-insensitively.
#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Database;
class Tenant;

class BroadcastService {
public:
    /// Works on `db`, which must outlive it.
    explicit BroadcastService(Database& db) : db_(db) {}

    /// Sends {title, body, audience, channels}: answers {id, recipients}; id is the broadcast's (notifications.
/// broadcast_id, and the `broadcast` ref of what each recipient gets). 422 naming the field for a bad body,
    /// for account or contract numbers the tenant does not have (listed), an address that matches no
    /// metering point, or an audience with no consumer in it. The sending is audited (identity/AuditLog, kind
    /// `operator`, action `broadcast_send`: the title, the audience and the recipients) in its transaction, as
    /// made by `operatorId` from `client`.
    Poco::JSON::Object::Ptr send(Tenant& t, const Poco::JSON::Object::Ptr& body, long long now, const std::string& operatorId = {},
                                 const std::string& client = {});
    /// The same checks and count as send without sending anything: {recipients}.
    Poco::JSON::Object::Ptr preview(Tenant& t, const Poco::JSON::Object::Ptr& body, long long now);
    /// The tenant's broadcasts, newest first (at most 100): {rows:[{id, title, body, created_at, recipients,
    /// channels:{<channel>:{queued, sent, failed, not_wanted}}}]}.
    Poco::JSON::Object::Ptr history(Tenant& t);

private:
    Database& db_;
};

} // namespace kabinet
