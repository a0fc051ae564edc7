/// Identity routes: registration, confirmations, sessions, profile, passwords, second factor, staff.
/// The contract is docs/API.md. Each handler parses the request, calls one method of identity/IdentityService
/// (which forwards to the service holding the rules) and writes the answer: its status, body and cookie.
#include "api/IdentitySpecs.h"
#include "api/Routes.h"
#include "identity/IdentityService.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <sstream>

namespace kabinet {

namespace {
using JsonObject = Poco::JSON::Object::Ptr;

std::string text(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

Response json(int status, const JsonObject& o) { return Response::json(status, text(*o)); }

JsonObject body(Request& q) { return q.jsonObject().extract<Poco::JSON::Object::Ptr>(); }

std::string field(const JsonObject& o, const std::string& key) {
    if (!o->has(key) || o->get(key).isEmpty() || !o->get(key).isString()) return {};
    return o->get(key).convert<std::string>();
}

/// The session cookie, path-scoped to the tenant.
std::string sessionCookie(const Request& q, const std::string& value, long long maxAge) {
    std::string c = "kabinet_session=" + value + "; Path=" + q.basePath + "; HttpOnly; SameSite=Lax";
    if (q.secure) c += "; Secure";
    if (maxAge >= 0) c += "; Max-Age=" + std::to_string(maxAge);
    return c;
}

Response loginAnswer(Request& q, const LoginResult& r) {
    Response resp = json(r.status, r.body);
    if (!r.token.empty())
        resp.headers.push_back({"Set-Cookie", sessionCookie(q, r.token, r.remember ? r.maxAgeSeconds : -1)});
    resp.headers.push_back({"Cache-Control", "no-store"});
    return resp;
}
} // namespace

void registerIdentityRoutes(Router& r, Services& s) {
    r.add("POST", "/api/v1/registration", true, spec::registration(), [&s](Request& q) {
        return json(201, s.identity->registerUser(*q.tenant, body(q), q.clientAddress));
    });
    r.add("POST", "/api/v1/confirm/email", true, spec::confirmEmail(), [&s](Request& q) {
        return json(200, s.identity->confirmEmail(*q.tenant, field(body(q), "token")));
    });
    r.add("POST", "/api/v1/confirm/email/resend", true, spec::resendEmail(), [&s](Request& q) {
        s.identity->resendEmail(*q.tenant, body(q));
        return Response::json(202, R"({"ok":true,"message":"Если учётная запись ожидает подтверждения, письмо отправлено повторно"})");
    });
    r.add("POST", "/api/v1/confirm/phone", true, spec::confirmPhone(), [&s](Request& q) {
        auto b = body(q);
        return json(200, s.identity->confirmPhone(*q.tenant, field(b, "pending_token"), field(b, "code")));
    });
    r.add("POST", "/api/v1/confirm/phone/resend", true, spec::resendPhone(), [&s](Request& q) {
        s.identity->resendPhone(*q.tenant, field(body(q), "pending_token"));
        return Response::json(202, R"({"ok":true})");
    });

    r.add("POST", "/api/v1/session", true, spec::login(), [&s](Request& q) {
        return loginAnswer(q, s.identity->login(*q.tenant, body(q), q.clientAddress));
    });
    r.add("POST", "/api/v1/session/second-factor", true, spec::loginSecondFactor(), [&s](Request& q) {
        auto b = body(q);
        return loginAnswer(q, s.identity->secondFactor(*q.tenant, field(b, "challenge"), field(b, "code"), q.clientAddress));
    });
    r.add("DELETE", "/api/v1/session", true, Access::User, spec::logout(), [&s](Request& q) {
        s.identity->logout(*q.tenant, *q.session);
        Response resp;
        resp.status = 204;
        resp.headers.push_back({"Set-Cookie", sessionCookie(q, "", 0)});
        return resp;
    });

    r.add("GET", "/api/v1/me", true, Access::User, spec::me(), [&s](Request& q) {
        Response resp = json(200, s.identity->me(*q.tenant, *q.session));
        resp.headers.push_back({"Cache-Control", "no-store"});
        return resp;
    });
    r.add("PATCH", "/api/v1/me", true, Access::User, spec::patchMe(), [&s](Request& q) {
        return json(200, s.identity->patchMe(*q.tenant, *q.session, body(q)));
    });
    r.add("POST", "/api/v1/me/phone/confirm", true, Access::User, spec::confirmPhoneChange(), [&s](Request& q) {
        return json(200, s.identity->confirmPhoneChange(*q.tenant, *q.session, field(body(q), "code")));
    });
    r.add("POST", "/api/v1/me/phone/resend", true, Access::User, spec::resendPhoneChange(), [&s](Request& q) {
        s.identity->resendPhoneChange(*q.tenant, *q.session);
        return Response::json(202, R"({"ok":true})");
    });
    r.add("POST", "/api/v1/me/password", true, Access::User, spec::changePassword(), [&s](Request& q) {
        s.identity->changePassword(*q.tenant, *q.session, body(q));
        return Response::json(200, R"({"ok":true})");
    });
    r.add("POST", "/api/v1/password/reset", true, spec::requestPasswordReset(), [&s](Request& q) {
        s.identity->requestPasswordReset(*q.tenant, body(q));
        return Response::json(202, R"({"ok":true,"message":"Если учётная запись с таким адресом существует, на него отправлено письмо со ссылкой для смены пароля"})");
    });
    r.add("POST", "/api/v1/password/reset/confirm", true, spec::confirmPasswordReset(), [&s](Request& q) {
        s.identity->confirmPasswordReset(*q.tenant, body(q));
        Response resp = Response::json(200, R"({"ok":true})");
        resp.headers.push_back({"Set-Cookie", sessionCookie(q, "", 0)});
        return resp;
    });

    r.add("POST", "/api/v1/me/second-factor", true, Access::User, spec::startSecondFactor(), [&s](Request& q) {
        return json(200, s.identity->startSecondFactor(*q.tenant, *q.session, field(body(q), "method")));
    });
    r.add("POST", "/api/v1/me/second-factor/confirm", true, Access::User, spec::confirmSecondFactor(), [&s](Request& q) {
        return json(200, s.identity->confirmSecondFactor(*q.tenant, *q.session, field(body(q), "code")));
    });
    r.add("DELETE", "/api/v1/me/second-factor", true, Access::User, spec::disableSecondFactor(), [&s](Request& q) {
        s.identity->disableSecondFactor(*q.tenant, *q.session, field(body(q), "password"));
        Response resp;
        resp.status = 204;
        return resp;
    });

    r.add("GET", "/api/v1/operators", true, Access::TenantAdmin, spec::listOperators(), [&s](Request& q) {
        Poco::JSON::Object o;
        o.set("operators", s.identity->listStaff(*q.tenant));
        return Response::json(200, text(o));
    });
    r.add("POST", "/api/v1/operators", true, Access::TenantAdmin, spec::createOperator(), [&s](Request& q) {
        auto b = body(q);
        const std::string role = b->has("role") ? field(b, "role") : std::string("operator");
        const std::string uid = s.identity->createStaff(*q.tenant, role, field(b, "email"), field(b, "full_name"), field(b, "password"),
                                                        {q.session->userId, q.clientAddress});
        JsonObject o = new Poco::JSON::Object;
        o->set("id", uid);
        o->set("role", role);
        return json(201, o);
    });
    // A tenant admin disables and enables staff and resets their second factor (identity/StaffService).
    for (const bool active : {false, true}) {
        r.add("POST", active ? "/api/v1/operators/{id}/enable" : "/api/v1/operators/{id}/disable", true, Access::TenantAdmin,
              spec::setOperatorActive(active), [&s, active](Request& q) {
                  JsonObject o = new Poco::JSON::Object;
                  o->set("operator", s.identity->setStaffActive(*q.tenant, q.params["id"], active, {q.session->userId, q.clientAddress}));
                  return json(200, o);
              });
    }
    r.add("DELETE", "/api/v1/operators/{id}/second-factor", true, Access::TenantAdmin, spec::resetOperatorSecondFactor(), [&s](Request& q) {
        JsonObject o = new Poco::JSON::Object;
        o->set("operator", s.identity->resetStaffSecondFactor(*q.tenant, q.params["id"], {q.session->userId, q.clientAddress}));
        return json(200, o);
    });
}

} // namespace kabinet
