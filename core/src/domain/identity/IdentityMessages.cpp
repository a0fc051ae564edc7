#include "identity/IdentityMessages.h"

#include "config/Config.h"
#include "identity/IdentityJson.h"
#include "notify/Outbox.h"
#include "tenants/Tenant.h"

#include <Poco/URI.h>

namespace kabinet {

using namespace idjson;

std::string portalLink(const Config& c, const Tenant& t, const std::string& page, const std::string& token) {
    std::string enc;
    Poco::URI::encode(token, "&=?#+/", enc);
    return c.publicBaseUrl() + "/t/" + t.id() + "/" + page + "?token=" + enc;
}

void queueMail(soci::session& s, Tenant& t, const std::string& to, const std::string& templ, const JsonObject& vars) {
    auto m = obj(t.mail(templ, vars));
    OutgoingMessage out{"email", to, str(m, "subject"), str(m, "text"), str(m, "html")};
    enqueueMessage(s, t.id(), out);
}

void queueSms(soci::session& s, Tenant& t, const std::string& to, const std::string& templ, const JsonObject& vars) {
    enqueueMessage(s, t.id(), OutgoingMessage{"sms", to, "", t.sms(templ, vars), ""});
}

} // namespace kabinet
