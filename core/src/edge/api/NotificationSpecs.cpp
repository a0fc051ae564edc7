#include "api/NotificationSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;

namespace {
Shape settings() {
    return named("NotificationSettings",
                 object({{"categories", described(mapOf(boolean()), "category id → on")},
                         {"channels", object({{"email", boolean()}, {"sms", boolean()}})},
                         {"digest", described(boolean(), "one mail a day instead of one per notification")}}));
}
const std::vector<std::string> kStates = {"queued", "sent", "failed", "not_wanted", "digest"};
} // namespace

RouteSpec notifications() {
    const Shape ref = named("NotificationRef", object({{"type", string()}, {"id", shapes::id()}, {"label", described(string(), "human text")}}));
    const Shape row = named("Notification", object({{"id", shapes::id()},
                                                    {"kind", string()},
                                                    {"category", string()},
                                                    {"title", string()},
                                                    {"body", string()},
                                                    {"created_at", shapes::unixTime()},
                                                    {"read_at", nullable(shapes::unixTime())},
                                                    {"refs", arrayOf(ref)}}));
    return RouteSpec("The caller's notifications, newest first, with the count of unread ones")
        .group("notifications")
        .query("unread", integer(), "1: only unread ones")
        .query("limit", integer(), "1–100, 20 by default")
        .query("before", string(), "a notification id (the last of the previous page) or Unix seconds")
        .answer(200, object({{"rows", arrayOf(row)}, {"unread", integer()}}))
        .errors({422});
}

RouteSpec readNotification() {
    return RouteSpec("Marks one of the caller's notifications read")
        .group("notifications")
        .answer(200, object({{"id", shapes::id()}, {"read_at", shapes::unixTime()}, {"unread", integer()}}))
        .errors({404});
}

RouteSpec readAllNotifications() {
    return RouteSpec("Marks all the caller's notifications read")
        .group("notifications")
        .answer(200, object({{"read", described(integer(), "how many were unread")}, {"unread", integer()}}));
}

RouteSpec notificationKinds() {
    return RouteSpec("The tenant's notification categories, channels and kinds offered to the caller")
        .group("notifications")
        .answer(200, object({{"categories", arrayOf(object({{"id", string()}, {"label", string()}, {"default", boolean()}}))},
                             {"channels", arrayOf(object({{"id", oneOf({"in_app", "email", "sms"})}, {"label", string()}}))},
                             {"kinds", arrayOf(object({{"id", string()},
                                                       {"label", string()},
                                                       {"category", string()},
                                                       {"channels", arrayOf(oneOf({"in_app", "email", "sms"}))}}))}}));
}

RouteSpec notificationSettings() {
    return RouteSpec("The caller's notification settings, the tenant's defaults filled in").group("notifications").answer(200, settings());
}

RouteSpec putNotificationSettings() {
    return RouteSpec("Changes the caller's notification settings (only what is sent)")
        .group("notifications")
        .body(object({{"categories?", mapOf(boolean())}, {"channels?", mapOf(boolean())}, {"digest?", boolean()}}))
        .answer(200, settings())
        .errors({422});
}

RouteSpec notificationDeliveries() {
    const Shape row = named("NotificationDelivery", object({{"user_id", shapes::id()},
                                                            {"login", string()},
                                                            {"channel", oneOf({"in_app", "email", "sms"})},
                                                            {"state", oneOf(kStates)},
                                                            {"error", string()},
                                                            {"updated_at", shapes::unixTime()}}));
    return RouteSpec("Staff: how a notification reached each recipient on each channel (the outbox's state read through)")
        .group("operators")
        .query("limit", integer(), "1–1000, 200 by default")
        .query("offset", integer(), "0 by default")
        .answer(200, object({{"id", shapes::id()},
                             {"kind", string()},
                             {"title", string()},
                             {"created_at", shapes::unixTime()},
                             {"counts", arrayOf(object({{"channel", string()}, {"state", oneOf(kStates)}, {"count", integer()}}))},
                             {"rows", arrayOf(row)}}))
        .errors({404, 422});
}

} // namespace kabinet::spec
