#pragma once
/// Descriptions of the routes of contracts, accounts, meter data, manual readings, archives, reports,
/// ingest and operators' grants and polling view (MeterRoutes.cpp).
#include "http/RouteSpec.h"

namespace kabinet::spec {

RouteSpec access();               ///< GET access
RouteSpec addAccount();           ///< POST access/accounts
RouteSpec removeAccount();        ///< DELETE access/accounts/{id}
RouteSpec checkOgrn();            ///< POST access/ogrn
RouteSpec confirmOgrn();          ///< POST access/ogrn/confirm
RouteSpec linkSupplier();         ///< POST access/supplier
RouteSpec renameContract();       ///< PATCH access/contracts/{id}

RouteSpec points();               ///< GET points
RouteSpec point();                ///< GET points/{id}
RouteSpec readings();             ///< GET points/{id}/readings
RouteSpec consumption();          ///< GET points/{id}/consumption
RouteSpec profile();              ///< GET points/{id}/profile
RouteSpec events();               ///< GET points/{id}/events
RouteSpec network();              ///< GET points/{id}/network
RouteSpec history();              ///< GET points/{id}/history

RouteSpec manualReadings();       ///< GET points/{id}/manual-readings
RouteSpec submitReading();        ///< POST points/{id}/manual-readings
RouteSpec createVirtualMeter();   ///< POST meters/virtual
RouteSpec pendingReadings();      ///< GET operator/manual-readings
RouteSpec approveReading();       ///< POST operator/manual-readings/{id}/approve
RouteSpec rejectReading();        ///< POST operator/manual-readings/{id}/reject

RouteSpec pollingStatus();        ///< GET operator/polling
RouteSpec ingestMeterData();      ///< POST ingest/meter-data

RouteSpec archives();             ///< GET archive
RouteSpec requestArchive();       ///< POST archive
RouteSpec changeArchive();        ///< PATCH archive/{id}
RouteSpec archiveFile();          ///< GET archive/{id}/file
RouteSpec pointReport();          ///< GET points/{id}/report

RouteSpec consumers();            ///< GET operator/consumers
RouteSpec grant();                ///< POST operator/grants
RouteSpec revokeGrant();          ///< DELETE operator/grants

} // namespace kabinet::spec
