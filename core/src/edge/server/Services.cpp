#include "server/Services.h"

#include "notify/MailTransport.h"
#include "notify/SmsSender.h"
#include "storage/Migrations.h"
#include "util/Error.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Environment.h>
#include <Poco/Path.h>
#include <Poco/Process.h>
#include <sstream>
#include <algorithm>
#include <thread>
#include "util/Log.h"

namespace kabinet {

Services::~Services() {
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
    Migrator m(*s->db);
    int applied = m.migrate();
    log::info("database ready", {{"database", s->db->backendName()},
                                 {"schema_version", std::to_string(Migrator::latestKnown())},
                                 {"applied", std::to_string(applied)}});
    s->tenants = std::make_unique<TenantRegistry>(config.tenantsDir, config.scriptsDir,
                                                  LuaLimits{config.luaMemoryBytes, config.luaInstructionBudget});
    s->tenants->persist(*s->db);
    s->plugins = std::make_unique<PluginHost>(config.pluginsDir);
    const unsigned hashThreads = config.hashThreads ? config.hashThreads : std::max(1u, std::thread::hardware_concurrency());
    s->hasher = std::make_unique<PasswordHasher>(Argon2Params{}, hashThreads);
    s->outbox = std::make_unique<OutboxWorker>(*s->db, *s->tenants, makeMailTransport(config.smtp, config.dataPath("mail")),
                                               makeSmsSender(config, *s->plugins), config.mailFrom);
    s->notifications = std::make_unique<NotificationService>(*s->db);
    s->digest = std::make_unique<DigestWorker>(*s->db, *s->tenants);
    s->identity = std::make_unique<IdentityService>(*s->db, *s->hasher, s->config);
    s->audit = std::make_unique<AuditLog>(*s->db);
    s->meters = std::make_unique<MeterService>(*s->db);
    s->access = std::make_unique<AccessService>(*s->db, s->connectors);
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
    s->outages = std::make_unique<OutageService>(*s->db);
    s->outageNotices = std::make_unique<OutageWorker>(*s->outages, *s->tenants);
    s->cases = std::make_unique<CaseService>(*s->db);
    s->caseTimers = std::make_unique<CaseTimers>(*s->cases, *s->tenants);
    SchedulerOptions polling;
    polling.sessions = config.pollSessions;
    polling.tickMs = config.pollTickMs;
    polling.driversJson = config.drivers;
    polling.owner = config.instanceId.empty() ? Poco::Environment::nodeName() + ":" + std::to_string(Poco::Process::id())
                                              : config.instanceId;
    s->scheduler = std::make_unique<Scheduler>(*s->db, *s->tenants, *s->plugins, polling);
    if (!config.connectors.empty()) {
        // A connector that cannot start is logged and left out: consumers are told the supplier is not connected.
        Poco::Dynamic::Var parsed;
        try {
            parsed = Poco::JSON::Parser().parse(config.connectors);
        } catch (const std::exception&) {
            throw ConfigError("connectors must be a JSON object {\"<supplier>\": {\"plugin\": …, \"config\": {…}}}");
        }
        if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) throw ConfigError("connectors must be a JSON object");
        for (const auto& [supplier, v] : *parsed.extract<Poco::JSON::Object::Ptr>()) {
            try {
                auto o = v.extract<Poco::JSON::Object::Ptr>();
                std::ostringstream cfg;
                if (o->has("config")) o->getObject("config")->stringify(cfg);
                else cfg << "{}";
                s->connectors[supplier] = s->plugins->createConnector(o->getValue<std::string>("plugin"), cfg.str());
                log::info("connector ready", {{"supplier", supplier}, {"plugin", o->getValue<std::string>("plugin")}});
            } catch (const std::exception& e) {
                log::error("connector refused", {{"supplier", supplier}, {"error", e.what()}});
            }
        }
    }
    return s;
}

HttpContext Services::httpContext() {
    IdentityService* id = identity.get();
    return HttpContext{config, *tenants, metrics,
                       [id](Tenant& t, const std::string& token) { return id->resolveSession(t, token); }};
}

} // namespace kabinet
