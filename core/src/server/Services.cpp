#include "server/Services.h"

#include "notify/MailTransport.h"
#include "notify/SmsSender.h"
#include "storage/Migrations.h"

#include <Poco/Path.h>
#include <algorithm>
#include <thread>
#include "util/Log.h"

namespace kabinet {

Services::~Services() {
    if (jobs) jobs->stop();
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
    Poco::Path mailDir(config.dataDir);
    mailDir.makeAbsolute();
    mailDir.pushDirectory("mail");
    s->outbox = std::make_unique<OutboxWorker>(*s->db, *s->tenants, makeMailTransport(config.smtp, mailDir.toString()),
                                               makeSmsSender(config, *s->plugins), config.mailFrom);
    OutboxWorker* outbox = s->outbox.get();
    s->identity = std::make_unique<IdentityService>(*s->db, *s->hasher, s->config, [outbox] { outbox->poke(); });
    s->meters = std::make_unique<MeterService>(*s->db);
    Poco::Path dataDir(config.dataDir);
    dataDir.makeAbsolute();
    s->archive = std::make_unique<ArchiveService>(*s->db, *s->meters, dataDir.toString());
    s->jobs = std::make_unique<JobWorker>(*s->archive, *s->tenants);
    return s;
}

} // namespace kabinet
