#pragma once
/// Every route of the API, registered by area. Registration only records handlers; the services they use
/// are reached when a request comes, so the route table can also be listed without a running server
/// (`kabinet routes`).
#include "http/Router.h"

namespace kabinet {

struct Services;

void registerSystemRoutes(Router& r, Services& s);   ///< /healthz, /metrics
void registerTenantRoutes(Router& r, Services& s);   ///< tenant profile, forms, dictionaries, plugins
void registerIdentityRoutes(Router& r, Services& s); ///< registration, sessions, profile, staff (docs/API.md)
void registerMeterRoutes(Router& r, Services& s);    ///< access to metering points, meter data, operator grants
void registerAuditRoutes(Router& r, Services& s);    ///< the operators' audit log
void registerOperatorNoticeRoutes(Router& r, Services& s); ///< operators' broadcasts and alerts
void registerOutageRoutes(Router& r, Services& s);   ///< outages: lookup, statistics, public list, operators' edits
void registerCaseRoutes(Router& r, Services& s);     ///< cases: kinds, filing, workflow actions, documents, messages, operators' list
void registerNotificationRoutes(Router& r, Services& s); ///< notifications, their kinds and settings, deliveries
void registerCaseReportRoutes(Router& r, Services& s); ///< staff's reports of cases (order 186 figures, surveys)
void registerCasePrintRoutes(Router& r, Services& s);  ///< the printable application of a form or a filed case (PDF)
void registerConnectorRoutes(Router& r, Services& s);  ///< operators' view of upstream connectors («Обмен данными»)
void registerSupplierRoutes(Router& r, Services& s);   ///< a consumer's supplier: balances, forwarded cases
void registerConnectorFileRoutes(Router& r, Services& s); ///< connector files: XML 80020 uploads, results, export
void registerLimitRoutes(Router& r, Services& s);   ///< the tenant's limits and usage (staff)
/// GET /api/v1/openapi.json: the OpenAPI 3.1 description of every route registered before it (api/OpenApi.h).
void registerApiDescription(Router& r);

/// All of the above.
inline void registerAllRoutes(Router& r, Services& s) {
    registerSystemRoutes(r, s);
    registerTenantRoutes(r, s);
    registerIdentityRoutes(r, s);
    registerMeterRoutes(r, s);
    registerAuditRoutes(r, s);
    registerOperatorNoticeRoutes(r, s);
    registerOutageRoutes(r, s);
    registerCaseRoutes(r, s);
    registerNotificationRoutes(r, s);
    registerCaseReportRoutes(r, s);
    registerCasePrintRoutes(r, s);
    registerConnectorRoutes(r, s);
    registerSupplierRoutes(r, s);
    registerConnectorFileRoutes(r, s);
    registerLimitRoutes(r, s);
    registerApiDescription(r); // last: it describes the routes above
}

} // namespace kabinet
