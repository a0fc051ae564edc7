#pragma once
/// Everything a running kabinetd owns, built in order at start-up: configuration, database (migrated),
/// tenants (loaded from Lua and recorded), plugins, metrics. The HTTP layer and the CLI work on this.
#include "config/Config.h"
#include "http/HttpServer.h"
#include "http/Metrics.h"
#include "identity/AuditLog.h"
#include "identity/IdentityService.h"
#include "identity/PasswordHasher.h"
#include "cases/CaseService.h"
#include "cases/CaseTimers.h"
#include "connectors/ConnectorHub.h"
#include "connectors/ConnectorViews.h"
#include "connectors/Export80020.h"
#include "connectors/FileImports.h"
#include "connectors/SyncWorker.h"
#include "connectors/SupplierForwarder.h"
#include "connectors/SupplierLink.h"
#include "connectors/SupplierView.h"
#include "connectors/SupplierWorker.h"
#include "export/ArchiveService.h"
#include "export/ReportService.h"
#include "limits/TenantLimits.h"
#include "meters/AccessService.h"
#include "meters/GrantService.h"
#include "meters/IngestService.h"
#include "meters/ManualReadingService.h"
#include "meters/MeterService.h"
#include "meters/VirtualMeterService.h"
#include "notify/BroadcastService.h"
#include "notify/DigestWorker.h"
#include "notify/NotificationService.h"
#include "notify/OperatorAlerts.h"
#include "notify/Outbox.h"
#include "outages/OutageService.h"
#include "outages/OutageWorker.h"
#include "plugins/PluginHost.h"
#include "polling/PollingService.h"
#include "polling/Scheduler.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"

#include <map>
#include <memory>

namespace kabinet {

struct Services {
    Config config;
    std::unique_ptr<Database> db;
    std::unique_ptr<TenantRegistry> tenants;
    std::unique_ptr<PluginHost> plugins;
    Metrics metrics;
    std::unique_ptr<PasswordHasher> hasher;
    std::unique_ptr<OutboxWorker> outbox;
    std::unique_ptr<NotificationService> notifications; ///< people's notifications and their settings
    std::unique_ptr<DigestWorker> digest;               ///< the daily digest mails (started by kabinetd)
    std::unique_ptr<IdentityService> identity;
    /// The audit log of identifier guesses, as operators read it.
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<MeterService> meters; ///< the views of metering points
    std::unique_ptr<AccessService> access;
    std::unique_ptr<GrantService> grants;
    std::unique_ptr<BroadcastService> broadcasts; ///< operators' broadcasts
    std::unique_ptr<OperatorAlerts> alerts;       ///< tamper and silent-meter alerts for operators
    std::unique_ptr<ManualReadingService> manualReadings;
    std::unique_ptr<VirtualMeterService> virtualMeters;
    std::unique_ptr<IngestService> ingest;
    std::unique_ptr<PollingService> polling;
    std::unique_ptr<ArchiveService> archive;
    std::unique_ptr<ReportService> reports;
    std::unique_ptr<JobWorker> jobs;
    std::unique_ptr<OutageService> outages; ///< outages, their lookups and notices
    std::unique_ptr<OutageWorker> outageNotices; ///< notices of planned outages ahead of time
    std::unique_ptr<CaseService> cases;          ///< appeals, applications, feedback, surveys
    std::unique_ptr<CaseTimers> caseTimers;      ///< timer actions and overdue flags of cases (started by kabinetd)
    /// Meter polling (started by kabinetd only, not by the CLI).
    std::unique_ptr<Scheduler> scheduler;
    /// Upstream connectors: plugin instances per tenant, accounts, syncs, calls.
    std::unique_ptr<ConnectorHub> connectors;
    /// What operators see of the connectors (the page «Обмен данными»).
    std::unique_ptr<ConnectorViews> connectorViews;
    /// The background syncs of the connectors (started by kabinetd only, --connector-sessions).
    std::unique_ptr<SyncWorker> connectorSync;
    /// Consumers' suppliers (ОЭС 360): «Добавить договор», balances, readings and appeals sent to the supplier.
    std::unique_ptr<SupplierLink> supplierLink;
    std::unique_ptr<SupplierView> supplierView;
    std::unique_ptr<SupplierForwarder> supplierForwarder;
    /// The forwarding pass in the background (started by kabinetd only).
    std::unique_ptr<SupplierWorker> supplierWorker;
    /// Files connectors import (XML 80020: per-file results; handles the plugins' "file" records).
    std::unique_ptr<FileImports> connectorFiles;
    /// The export of half-hourly data as XML 80020 files.
    std::unique_ptr<Export80020> export80020;
    /// Tenant limits: request and ingest rates (in memory), the report staff read, their /metrics lines.
    std::unique_ptr<TenantLimits> limits;

    /// Opens and migrates the database, loads tenants and plugins. Throws ConfigError when the server
    /// cannot start (database unreachable or newer than the binary); bad tenants and plugins are logged
    /// and left out instead.
    static std::unique_ptr<Services> start(const Config& config);
    /// What the HTTP front needs of these services (configuration, tenants, metrics, sessions).
    HttpContext httpContext();
    /// Stops background work (polling, archive jobs, the outbox: each a Worker) before the rest is destroyed.
    ~Services();
};

} // namespace kabinet
