#include "server/Services.h"

#include "notify/MailTransport.h"
#include "notify/SmsSender.h"
#include "storage/Migrations.h"
#include "util/Error.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/Process.h>
#include <sstream>
#include <algorithm>
#include <optional>
#include <thread>
#include "util/Log.h"
#include "connectors/SupplierRecords.h"

namespace kabinet {

Services::~Services() {
    if (supplierWorker) supplierWorker->stop();
    if (connectorSync) connectorSync->stop();
    if (scheduler) scheduler->stop();
    if (jobs) jobs->stop();
    if (outageNotices) outageNotices->stop();
    if (caseTimers) caseTimers->stop();
    if (digest) digest->stop();
    if (outbox) outbox->stop();
}

std::unique_ptr<Services> Services::start(const Config& config) {
    auto s = std::make_unique<Services>();
    s->config = config;
    log::setLevel(config.logLevel);
    s->db = std::make_unique<Database>(config.databaseUrl(), config.dbPoolSize);
    // store: tenants with a database of their own, each migrated like the main one; the read replica.
    for (const auto& [tenant, url] : config.tenantDatabases) s->db->place(tenant, url, config.dbPoolSize);
    for (Database* d : s->db->all()) {
        Migrator m(*d);
        int applied = m.migrate();
        std::string placed;
        for (const auto& t : s->db->tenantsOn(*d)) placed += (placed.empty() ? "" : ",") + t;
        log::info("database ready", {{"database", d->backendName()},
                                     {"schema_version", std::to_string(Migrator::latestKnown())},
                                     {"applied", std::to_string(applied)},
                                     {"tenants", d == s->db.get() ? std::string("*") : placed}});
    }
    if (!config.databaseReplica.empty())
        s->db->attachReplica(config.databaseReplica, config.dbPoolSize, std::chrono::milliseconds(config.replicaMaxLagMs));
    TenantRegistryOptions tenantOptions;
    tenantOptions.cacheFile = config.dataPath("") + "/tenants.cache"; // summaries of checked tenants (TenantCache)
    s->tenants = std::make_unique<TenantRegistry>(config.tenantsDir, config.scriptsDir,
                                                  LuaLimits{config.luaMemoryBytes, config.luaInstructionBudget}, tenantOptions);
    s->tenants->startSweeper(std::chrono::seconds(config.tenantIdleSeconds));
    for (Database* d : s->db->all()) s->tenants->persist(*d);
    s->plugins = std::make_unique<PluginHost>(config.pluginsDir);
    const unsigned hashThreads = config.hashThreads ? config.hashThreads : std::max(1u, std::thread::hardware_concurrency());
    s->hasher = std::make_unique<PasswordHasher>(Argon2Params{}, hashThreads);
    s->outbox = std::make_unique<OutboxWorker>(*s->db, *s->tenants, makeMailTransport(config.smtp, config.dataPath("mail")),
                                               makeSmsSender(config, *s->plugins), config.mailFrom);
    s->notifications = std::make_unique<NotificationService>(*s->db);
    s->digest = std::make_unique<DigestWorker>(*s->db, *s->tenants);
    s->identity = std::make_unique<IdentityService>(*s->db, *s->hasher, s->config);
    s->audit = std::make_unique<AuditLog>(*s->db);
    s->meters = std::make_unique<MeterService>(*s->db, std::chrono::milliseconds(config.pointCacheMs));
    Services* self = s.get();
    s->access = std::make_unique<AccessService>(*s->db, [self](Tenant& t, const std::string& supplier) {
        return self->connectors ? self->connectors->supplierInstance(t, supplier) : nullptr;
    });
    s->grants = std::make_unique<GrantService>(*s->db);
    s->broadcasts = std::make_unique<BroadcastService>(*s->db);
    s->alerts = std::make_unique<OperatorAlerts>(*s->db);
    s->manualReadings = std::make_unique<ManualReadingService>(*s->db, *s->meters);
    s->virtualMeters = std::make_unique<VirtualMeterService>(*s->db);
    s->ingest = std::make_unique<IngestService>(*s->db, config.ingestToken, s->tenants.get());
    s->polling = std::make_unique<PollingService>(*s->db);
    s->archive = std::make_unique<ArchiveService>(*s->db, *s->meters, config.dataPath(""));
    s->reports = std::make_unique<ReportService>(*s->meters, *s->archive);
    s->jobs = std::make_unique<JobWorker>(*s->archive, *s->tenants);
    if (config.leaseSeconds) { // --lease-seconds: one length for every work lease (the test of a failover uses a short one)
        s->outbox->leaseFor(config.leaseSeconds);
        s->archive->leaseFor(config.leaseSeconds);
    }
    s->outages = std::make_unique<OutageService>(*s->db);
    s->outageNotices = std::make_unique<OutageWorker>(*s->outages, *s->tenants);
    s->cases = std::make_unique<CaseService>(*s->db);
    s->caseTimers = std::make_unique<CaseTimers>(*s->cases, *s->tenants);
    SchedulerOptions polling;
    polling.sessions = config.pollSessions;
    polling.tickMs = config.pollTickMs;
    polling.driversJson = config.drivers;
    if (config.leaseSeconds) polling.leaseS = config.leaseSeconds;
    polling.owner = config.instanceId.empty() ? Poco::Environment::nodeName() + ":" + std::to_string(Poco::Process::id())
                                              : config.instanceId;
    s->scheduler = std::make_unique<Scheduler>(*s->db, *s->tenants, *s->plugins, polling);
    // Connectors: a connector that cannot start is logged and shown to operators as not configured.
    std::string keyFile = config.secretKeyFile;
    if (keyFile.empty()) keyFile = config.dataPath("") + "/secret.key";
    if (config.secretKeyFile.empty()) Poco::File(config.dataPath("")).createDirectories();
    std::optional<SecretBox> box;
    try {
        box.emplace(SecretBox::fromFile(keyFile, config.secretKeyFile.empty()));
    } catch (const std::exception& e) {
        throw ConfigError(std::string("secret-key-file: ") + e.what());
    }
    ConnectorHubOptions hub;
    hub.connectorsJson = config.connectors;
    hub.owner = polling.owner;
    s->connectors = std::make_unique<ConnectorHub>(*s->db, *s->tenants, *s->plugins, std::move(*box), hub);
    s->connectorViews = std::make_unique<ConnectorViews>(*s->db, *s->connectors);
    s->connectorSync = std::make_unique<SyncWorker>(*s->connectors, config.connectorSessions);
    registerSupplierRecords(*s->connectors);
    s->supplierLink = std::make_unique<SupplierLink>(*s->db, *s->connectors);
    s->supplierView = std::make_unique<SupplierView>(*s->db);
    s->supplierForwarder = std::make_unique<SupplierForwarder>(*s->db, *s->connectors);
    s->supplierWorker = std::make_unique<SupplierWorker>(*s->supplierForwarder, *s->tenants);
    s->connectorFiles = std::make_unique<FileImports>(*s->db, *s->connectors);
    s->export80020 = std::make_unique<Export80020>(*s->db, *s->connectors);
    s->limits = std::make_unique<TenantLimits>(*s->db);
    s->ingest->limitWith(*s->limits);
    return s;
}

HttpContext Services::httpContext() {
    IdentityService* id = identity.get();
    TenantLimits* lim = limits.get();
    HttpContext c{config, *tenants, metrics,
                  [id](Tenant& t, const std::string& token) { return id->resolveSession(t, token); }, {}};
    // Tenant limits: a client is the session's user when the route needs one, else the client's address.
    c.admit = [lim](const Request& r) {
        if (lim && r.tenant) lim->admitRequest(*r.tenant, r.session ? "user:" + r.session->userId : "address:" + r.clientAddress);
    };
    return c;
}

} // namespace kabinet
