#pragma once
/// Serves the portal (portal/ folder): static assets, and index.html for every page path of the single-page
/// app, with the tenant's base path and API address injected in place of <!--KABINET_BOOT-->.
#include "http/Router.h"

#include <string>

namespace kabinet {

class Tenant;
class TenantRegistry;

/// Answers a portal path ("/", "/register", "/assets/app.js") for a tenant. `prefixed` says whether the
/// tenant came from the /t/{tenant} prefix (base "/t/{id}/") or the Host header (base "/").
Response servePortal(const std::string& portalDir, const Tenant& tenant, const std::string& path, bool prefixed,
                     const std::string& method);
/// The page for "/" without a tenant: every tenant of this deployment as a card with its short and full
/// name, colour and logo (or monogram) and a link to /t/{id}/; one self-contained HTML document (inline
/// styles, a CSP allowing nothing else), names HTML-escaped.
Response serveIndex(const TenantRegistry& tenants);

} // namespace kabinet
