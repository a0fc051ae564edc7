#pragma once
/// Descriptions of the tenant's public routes and its plugins list (TenantRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec tenantProfile();         ///< GET tenant
RouteSpec registrationForm();      ///< GET forms/registration
RouteSpec dictionary();            ///< GET dictionaries/{name}
RouteSpec validateRegistration();  ///< POST forms/registration/validate
RouteSpec profileForm();           ///< GET forms/profile
RouteSpec plugins();               ///< GET plugins

/// The body of a registration (and of its validation): {kind, fields, consents}.
Shape registrationBody();

} // namespace kabinet::spec
