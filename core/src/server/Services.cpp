#include "server/Services.h"

#include "storage/Migrations.h"
#include "util/Log.h"

namespace kabinet {

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
    return s;
}

} // namespace kabinet
