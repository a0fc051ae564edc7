#pragma once
/// The OpenAPI 3.1 document of the route table: made from each route's RouteSpec, served at
/// GET /api/v1/openapi.json, the source clients generate their code from (docs/API.md).
#include "http/Router.h"

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace kabinet {

/// The document of every described route of `router` (undescribed routes are listed with their role and no
/// shapes). Tenant-scoped routes appear under /t/{tenant}; their `tenant` path parameter is a shared
/// component. Sessions are the `kabinet_session` cookie, writes made with it also carry X-CSRF-Token; the
/// meter-data ingest route takes a bearer token.
Poco::JSON::Object::Ptr openApiDocument(const Router& router);

/// The document as JSON text.
std::string openApiText(const Router& router);

/// "METHOD path" of every route registered without a RouteSpec (the [openapi] tests require none).
std::vector<std::string> undescribedRoutes(const Router& router);

/// The path a route has in the document: "/t/{tenant}" + pattern for tenant-scoped routes.
std::string documentPath(const Route& route);

} // namespace kabinet
