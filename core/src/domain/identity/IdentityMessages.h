#pragma once
/// Mails and text messages of the identity workflows, written from the tenant's templates into the outbox in
/// the caller's transaction: they are sent only if the change they tell of is committed.
#include <Poco/JSON/Object.h>

#include <string>

namespace soci {
class session;
}

namespace kabinet {

class Tenant;
struct Config;

/// The portal address of a page of the tenant that takes a one-time token (`…/t/<tenant>/<page>?token=…`).
std::string portalLink(const Config& c, const Tenant& t, const std::string& page, const std::string& token);
/// Queues the tenant's mail template `templ` with `vars` to `to`.
void queueMail(soci::session& s, Tenant& t, const std::string& to, const std::string& templ, const Poco::JSON::Object::Ptr& vars);
/// Queues the tenant's text-message template `templ` with `vars` to the phone `to`.
void queueSms(soci::session& s, Tenant& t, const std::string& to, const std::string& templ, const Poco::JSON::Object::Ptr& vars);

} // namespace kabinet
