/// Routes of the notification centre (docs/API.md, "Notifications").
#include "api/NotificationSpecs.h"
#include "api/Routes.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/NumberParser.h>
#include <Poco/URI.h>

#include <ctime>
#include <sstream>

namespace kabinet {

namespace {
Response json(int status, const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    Response r = Response::json(status, out.str());
    r.headers.push_back({"Cache-Control", "no-store"});
    return r;
}

long long now() { return static_cast<long long>(std::time(nullptr)); }

std::map<std::string, std::string> query(const Request& q) {
    std::map<std::string, std::string> out;
    if (q.query.size() > 2000) throw BadRequest("query_too_long", "Слишком длинная строка запроса");
    try {
        for (const auto& [k, v] : Poco::URI("/?" + q.query).getQueryParameters()) out[k] = v;
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
    return out;
}

/// A whole number of the query within [min, max], `fallback` when absent; 422 naming the parameter otherwise.
int number(const std::map<std::string, std::string>& params, const std::string& name, int fallback, int min, int max) {
    auto it = params.find(name);
    if (it == params.end() || it->second.empty()) return fallback;
    int n = 0;
    if (it->second.size() > 9 || !Poco::NumberParser::tryParse(it->second, n) || n < min || n > max)
        throw Unprocessable({{name, "Ожидается целое число от " + std::to_string(min) + " до " + std::to_string(max)}});
    return n;
}
} // namespace

void registerNotificationRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/notifications", true, Access::User, spec::notifications(), [&s](Request& q) {
        const auto params = query(q);
        NotificationQuery nq;
        nq.unreadOnly = number(params, "unread", 0, 0, 1) == 1;
        nq.limit = number(params, "limit", 20, 1, NotificationService::kMaxLimit);
        if (auto it = params.find("before"); it != params.end()) nq.before = it->second;
        return json(200, s.notifications->list(*q.tenant, q.session->userId, nq));
    });
    r.add("POST", "/api/v1/notifications/read-all", true, Access::User, spec::readAllNotifications(), [&s](Request& q) {
        return json(200, s.notifications->markAllRead(*q.tenant, q.session->userId, now()));
    });
    r.add("POST", "/api/v1/notifications/{id}/read", true, Access::User, spec::readNotification(), [&s](Request& q) {
        return json(200, s.notifications->markRead(*q.tenant, q.session->userId, q.params["id"], now()));
    });
    r.add("GET", "/api/v1/notification-kinds", true, Access::User, spec::notificationKinds(), [&s](Request& q) {
        return json(200, s.notifications->kinds(*q.tenant, q.session->role));
    });
    r.add("GET", "/api/v1/me/notification-settings", true, Access::User, spec::notificationSettings(), [&s](Request& q) {
        return json(200, s.notifications->settings(*q.tenant, q.session->userId, q.session->role));
    });
    r.add("PUT", "/api/v1/me/notification-settings", true, Access::User, spec::putNotificationSettings(), [&s](Request& q) {
        auto body = q.jsonObject().extract<Poco::JSON::Object::Ptr>();
        return json(200, s.notifications->updateSettings(*q.tenant, q.session->userId, q.session->role, body, now()));
    });
    r.add("GET", "/api/v1/operator/notifications/{id}/deliveries", true, Access::Operator, spec::notificationDeliveries(),
          [&s](Request& q) {
              const auto params = query(q);
              return json(200, s.notifications->deliveries(*q.tenant, q.params["id"], number(params, "limit", 200, 1, 1000),
                                                           number(params, "offset", 0, 0, 100000000)));
          });
}

} // namespace kabinet
