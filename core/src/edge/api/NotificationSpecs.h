#pragma once
/// Descriptions of the notification routes (NotificationRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec notifications();             ///< GET notifications
RouteSpec readNotification();          ///< POST notifications/{id}/read
RouteSpec readAllNotifications();      ///< POST notifications/read-all
RouteSpec notificationKinds();         ///< GET notification-kinds
RouteSpec notificationSettings();      ///< GET me/notification-settings
RouteSpec putNotificationSettings();   ///< PUT me/notification-settings
RouteSpec notificationDeliveries();    ///< GET operator/notifications/{id}/deliveries

} // namespace kabinet::spec
