/// kabinet — the administration command line: migrations, tenant validation, plugin listing, version.
/// Errors go to stderr with a non-zero exit code.
#include "api/OpenApi.h"
#include "api/Routes.h"
#include "config/Config.h"
#include "demo/DemoSeeder.h"
#include "server/Services.h"
#include "identity/IdentityService.h"
#include "identity/PasswordHasher.h"
#include "util/Crypto.h"
#include "plugins/PluginHost.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"
#include "util/Log.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>
#include <set>
#include <ctime>
#include <Poco/JSON/Parser.h>
#include "polling/PollStore.h"
#include "demo/DemoPolling.h"
#include "server/Services.h"
#include "backup/Backup.h"
#include "backup/Restore.h"

using namespace kabinet;

namespace {

int usage(std::ostream& out, int code) {
    out << "usage: kabinet [--OPTION VALUE ...] COMMAND\n"
           "commands:\n"
           "  migrate            apply database migrations (--database URL)\n"
           "  tenants check [DIR] validate tenant folders without starting the server\n"
           "  plugins list [DIR]  load the plugins of DIR (--plugins) and show what loaded\n"
           "  users create-admin --tenant ID --email EMAIL [--full-name NAME]\n"
           "                     create the first tenant administrator; the password comes from\n"
           "                     KABINET_ADMIN_PASSWORD or is generated and printed once\n"
           "  demo seed [--years N] [--extra-meters N] [--json FILE]\n"
           "                     fill the database with demo consumers, meters and data (idempotent)\n"
           "  gateways add --tenant ID --gateway ID --address HOST:PORT [--title TEXT]\n"
           "                     register a TCP gateway (RS-485 converter, modem) meters are polled through\n"
           "  meters link --tenant ID --meter ID --gateway ID --driver NAME [--settings JSON]\n"
           "                     poll a meter with a driver plugin behind a gateway (settings: the driver's\n"
           "                     meter settings, e.g. {\"address\": 17, \"password\": \"111111\"})\n"
           "  demo polling --gateways DRIVER=HOST:PORT[,...]\n"
           "                     give every tenant a demo meter behind each simulated gateway (kabinet-meter-sim)\n"
           "  poll once          run one polling round in this process and print what it did\n"
           "  routes             list every API route: method, path, the access it needs, summary\n"
           "  openapi            print the OpenAPI 3.1 description of the API (as GET /api/v1/openapi.json serves it)\n"
           "  version            print the version, schema and plugin ABI\n"
           "  backup --to DIR    copy the database (SQLite online backup / pg_dump), the secret key and the data\n"
           "                     dir's user files into the new folder DIR, with a manifest of SHA-256 sums\n"
           "  restore --from DIR [--force]\n"
           "                     check the backup in DIR and put it into the (empty) --database and --data-dir;\n"
           "                     --force replaces what they hold; stop the server first\n"
           "options: --database, --tenants, --scripts, --plugins, --data-dir, --config, --log-level\n";
    return code;
}

int cmdMigrate(const Config& cfg) {
    Database db(cfg.databaseUrl(), 1);
    // store: the databases of tenants placed elsewhere get the same schema (each database once).
    for (const auto& [tenant, url] : cfg.tenantDatabases) db.place(tenant, url, 1);
    for (Database* d : db.all()) {
        Migrator m(*d);
        const int before = m.current(), applied = m.migrate();
        std::string tenants;
        for (const auto& id : db.tenantsOn(*d)) tenants += (tenants.empty() ? "" : ", ") + id;
        std::cout << "database " << (tenants.empty() ? d->backendName() : "of tenants " + tenants) << ": schema version " << before << " -> "
                  << m.current() << " (" << applied << " applied)\n";
    }
    return 0;
}

int cmdTenantsCheck(const Config& cfg, const std::string& dir) {
    TenantRegistry reg(dir.empty() ? cfg.tenantsDir : dir, cfg.scriptsDir,
                       LuaLimits{cfg.luaMemoryBytes, cfg.luaInstructionBudget});
    for (const auto& id : reg.ids()) std::cout << "ok      " << id << "  " << reg.find(id)->name() << "\n";
    for (const auto& f : reg.failures()) std::cerr << "FAILED  " << f.id << "  " << f.error << "\n";
    if (!reg.failures().empty()) return 1;
    if (reg.ids().empty()) {
        std::cerr << "no tenants found\n";
        return 1;
    }
    return 0;
}

int cmdCreateAdmin(const Config& cfg, const std::map<std::string, std::string>& opts) {
    auto get = [&](const std::string& k) { auto it = opts.find(k); return it == opts.end() ? std::string() : it->second; };
    const std::string tenantId = get("tenant"), email = get("email");
    std::string fullName = get("full-name");
    if (tenantId.empty() || email.empty()) {
        std::cerr << "kabinet: users create-admin needs --tenant and --email\n";
        return 2;
    }
    if (fullName.empty()) fullName = "Администратор";
    Database db(cfg.tenantDatabaseUrl(tenantId), 1); // store: the tenant's own database, when it has one
    Migrator(db).migrate();
    TenantRegistry reg(cfg.tenantsDir, cfg.scriptsDir, LuaLimits{cfg.luaMemoryBytes, cfg.luaInstructionBudget});
    auto tenant = reg.find(tenantId);
    if (!tenant) {
        std::cerr << "kabinet: tenant '" << tenantId << "' is not loaded\n";
        return 1;
    }
    reg.persist(db);
    std::string password;
    bool generated = false;
    if (const char* p = std::getenv("KABINET_ADMIN_PASSWORD"); p && *p) password = p;
    else {
        password = crypto::randomToken(15);
        generated = true;
    }
    PasswordHasher hasher;
    IdentityService identity(db, hasher, cfg);
    try {
        const std::string id = identity.createStaff(*tenant, "tenant-admin", email, fullName, password);
        std::cout << "tenant-admin " << id << " created for " << tenantId << "\n";
        if (generated) std::cout << "password: " << password << "\n";
    } catch (const Error& e) {
        std::cerr << "kabinet: " << e.what();
        for (const auto& [k, v] : e.fields()) std::cerr << "; " << k << ": " << v;
        std::cerr << "\n";
        return 1;
    }
    return 0;
}

int cmdDemoSeed(const Config& cfg, const std::map<std::string, std::string>& opts) {
    auto get = [&](const std::string& k, const std::string& d) { auto it = opts.find(k); return it == opts.end() ? d : it->second; };
    DemoOptions o;
    try {
        o.years = std::stoi(get("years", "3"));
        o.extraMeters = std::stoi(get("extra-meters", "0"));
    } catch (const std::exception&) {
        std::cerr << "kabinet: --years and --extra-meters take whole numbers\n";
        return 2;
    }
    if (o.years < 1 || o.years > 5 || o.extraMeters < 0 || o.extraMeters > 100000) {
        std::cerr << "kabinet: --years must be 1..5 and --extra-meters 0..100000\n";
        return 2;
    }
    Database db(cfg.databaseUrl(), 4);
    // Tenants placed on databases of their own are seeded there (the seeder works in each tenant's scope).
    for (const auto& [tenant, url] : cfg.tenantDatabases) db.place(tenant, url, 4);
    TenantRegistry reg(cfg.tenantsDir, cfg.scriptsDir, LuaLimits{cfg.luaMemoryBytes, cfg.luaInstructionBudget});
    for (Database* d : db.all()) {
        Migrator(*d).migrate();
        reg.persist(*d);
    }
    PasswordHasher hasher;
    IdentityService identity(db, hasher, cfg);
    DemoSeeder seeder(db, reg, identity);
    const auto accounts = seeder.seed(o);
    const auto& st = seeder.stats();
    std::cout << "demo data: " << st.users << " users, " << st.meters << " meters, " << st.profile << " profile rows, " << st.readings
              << " readings, " << st.events << " events in " << st.seconds << " s\n";
    Poco::JSON::Array list;
    for (const auto& a : accounts) {
        std::cout << a.tenant << "\t" << a.login << "\t" << a.password << "\t" << a.description << "\n";
        Poco::JSON::Object::Ptr o2 = new Poco::JSON::Object;
        o2->set("tenant", a.tenant);
        o2->set("kind", a.kind);
        o2->set("login", a.login);
        o2->set("password", a.password);
        o2->set("description", a.description);
        list.add(o2);
    }
    if (auto it = opts.find("json"); it != opts.end()) {
        std::ofstream out(it->second);
        list.stringify(out);
        if (!out) {
            std::cerr << "kabinet: cannot write " << it->second << "\n";
            return 1;
        }
    }
    return 0;
}

std::string need(const std::map<std::string, std::string>& o, const std::string& name) {
    auto it = o.find(name);
    if (it == o.end() || it->second.empty()) throw ConfigError("--" + name + " is required");
    return it->second;
}

int cmdGatewaysAdd(const Config& cfg, const std::map<std::string, std::string>& o) {
    const std::string address = need(o, "address");
    const auto colon = address.rfind(':');
    unsigned port = 0;
    try {
        if (colon == std::string::npos || colon == 0) throw std::invalid_argument("no port");
        port = static_cast<unsigned>(std::stoul(address.substr(colon + 1)));
        if (port == 0 || port > 65535) throw std::invalid_argument("port");
    } catch (const std::logic_error&) {
        throw ConfigError("--address must be HOST:PORT with a port from 1 to 65535");
    }
    Database db(cfg.tenantDatabaseUrl(need(o, "tenant")), 1); // store: the tenant's own database, when it has one
    Migrator(db).migrate();
    PollStore store(db, "cli");
    const auto title = o.count("title") ? o.at("title") : std::string();
    store.upsertGateway(need(o, "tenant"), need(o, "gateway"), address.substr(0, colon), port, title);
    std::cout << "gateway " << need(o, "gateway") << " → " << address << "\n";
    return 0;
}

int cmdMetersLink(const Config& cfg, const std::map<std::string, std::string>& o) {
    const std::string settings = o.count("settings") ? o.at("settings") : std::string("{}");
    try {
        if (Poco::JSON::Parser().parse(settings).type() != typeid(Poco::JSON::Object::Ptr)) throw std::invalid_argument("");
    } catch (const std::exception&) {
        throw ConfigError("--settings must be a JSON object");
    }
    Database db(cfg.tenantDatabaseUrl(need(o, "tenant")), 1); // store: the tenant's own database, when it has one
    Migrator(db).migrate();
    PollStore store(db, "cli");
    try {
        store.linkMeter(need(o, "tenant"), need(o, "meter"), need(o, "gateway"), need(o, "driver"), settings);
    } catch (const ConfigError&) {
        throw;
    } catch (const std::exception& e) {
        throw ConfigError("the meter or the gateway does not exist in this tenant (" + std::string(e.what()) + ")");
    }
    std::cout << "meter " << need(o, "meter") << " polled by " << need(o, "driver") << " via " << need(o, "gateway") << "\n";
    return 0;
}

int cmdDemoPolling(const Config& cfg, const std::map<std::string, std::string>& o) {
    const auto gateways = parseSimulatedGateways(need(o, "gateways"));
    Database db(cfg.databaseUrl(), 1);
    Migrator(db).migrate();
    TenantRegistry reg(cfg.tenantsDir, cfg.scriptsDir, LuaLimits{cfg.luaMemoryBytes, cfg.luaInstructionBudget});
    std::cout << "demo polling: " << linkSimulatedMeters(db, reg, gateways) << " simulated meters linked\n";
    return 0;
}

int cmdPollOnce(const Config& cfg) {
    auto services = Services::start(cfg);
    const unsigned meters = services->scheduler->runOnce(static_cast<long long>(std::time(nullptr)));
    std::cout << "polled " << meters << " meters: " << services->scheduler->polled() << " ok, " << services->scheduler->failed()
              << " failed\n";
    return services->scheduler->failed() == 0 ? 0 : 1;
}

int cmdPluginsList(const Config& cfg, const std::string& dir) {
    PluginHost host(dir.empty() ? cfg.pluginsDir : dir);
    for (const auto& p : host.plugins())
        std::cout << p->manifest.name << "\t" << p->manifest.kind << "\t" << p->manifest.version << "\tabi "
                  << p->manifest.abi << "\t" << p->manifest.status << "\n";
    for (const auto& f : host.failures()) std::cerr << "refused " << f.folder << ": " << f.error << "\n";
    return host.failures().empty() ? 0 : 1;
}

/// ", the databases of tenants placed on their own: a, b; c" for a backup holding such databases, else "".
std::string placedTenants(const backup::Manifest& m) {
    std::string out;
    for (const auto& d : m.databases) {
        if (d.tenants.empty()) continue;
        out += out.empty() ? ", the databases of tenants placed on their own: " : "; ";
        for (std::size_t i = 0; i < d.tenants.size(); ++i) out += (i ? ", " : "") + d.tenants[i];
    }
    return out;
}

int cmdBackup(const Config& cfg, const std::map<std::string, std::string>& o) {
    const auto s = backup::makeBackup(cfg, need(o, "to"));
    std::printf("backup of the %s database (schema %d)%s and %zu files, %.1f MB, in %s: %.2f s (databases %.2f s)\n",
                s.manifest.backend.c_str(), s.manifest.schemaVersion, placedTenants(s.manifest).c_str(),
                s.manifest.files.size() - s.manifest.databases.size(), s.bytes / 1e6, s.folder.c_str(), s.seconds, s.databaseSeconds);
    return 0;
}

int cmdRestore(const Config& cfg, const std::map<std::string, std::string>& o) {
    const auto s = backup::restoreBackup(cfg, need(o, "from"), o.count("force") > 0);
    std::printf("restored the %s database (schema %d, backed up %s)%s and %zu files: %.2f s\n", s.manifest.backend.c_str(),
                s.manifest.schemaVersion, s.manifest.createdAt.c_str(), placedTenants(s.manifest).c_str(), s.files, s.seconds);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> options;
    std::vector<std::string> args;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") return usage(std::cout, 0);
        if (a == "--force") { // a switch without a value (restore)
            options["force"] = "yes";
            continue;
        }
        if (a.rfind("--", 0) == 0) {
            std::string name = a.substr(2), value;
            auto eq = name.find('=');
            if (eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
            } else if (i + 1 < argc) {
                value = argv[++i];
            } else {
                std::cerr << "kabinet: option --" << name << " needs a value\n";
                return 2;
            }
            options[name] = value;
        } else {
            args.push_back(a);
        }
    }
    if (args.empty()) return usage(std::cerr, 2);
    try {
        if (!options.count("log-level")) options["log-level"] = "warn";
        static const std::set<std::string> cliOnly = {"tenant", "email", "full-name", "years", "extra-meters", "json",
                                                      "gateway", "address", "title", "meter", "driver", "settings", "gateways"};
        static const std::set<std::string> backupOnly = {"to", "from", "force"};
        std::map<std::string, std::string> settings;
        for (const auto& [k, v] : options)
            if (!cliOnly.count(k) && !backupOnly.count(k)) settings[k] = v;
        Config cfg = Config::resolve(settings);
        log::setLevel(cfg.logLevel);
        const std::string& cmd = args[0];
        if (cmd == "migrate" && args.size() == 1) return cmdMigrate(cfg);
        if (cmd == "tenants" && args.size() >= 2 && args[1] == "check" && args.size() <= 3)
            return cmdTenantsCheck(cfg, args.size() == 3 ? args[2] : "");
        if (cmd == "plugins" && args.size() >= 2 && args[1] == "list" && args.size() <= 3)
            return cmdPluginsList(cfg, args.size() == 3 ? args[2] : "");
        if (cmd == "users" && args.size() == 2 && args[1] == "create-admin") return cmdCreateAdmin(cfg, options);
        if (cmd == "demo" && args.size() == 2 && args[1] == "seed") return cmdDemoSeed(cfg, options);
        if (cmd == "gateways" && args.size() == 2 && args[1] == "add") return cmdGatewaysAdd(cfg, options);
        if (cmd == "meters" && args.size() == 2 && args[1] == "link") return cmdMetersLink(cfg, options);
        if (cmd == "poll" && args.size() == 2 && args[1] == "once") return cmdPollOnce(cfg);
        if (cmd == "demo" && args.size() == 2 && args[1] == "polling") return cmdDemoPolling(cfg, options);
        if (cmd == "backup" && args.size() == 1) return cmdBackup(cfg, options);
        if (cmd == "restore" && args.size() == 1) return cmdRestore(cfg, options);
        if (cmd == "routes" && args.size() == 1) {
            Services none;
            Router router;
            registerAllRoutes(router, none);
            // One line a route, tab-separated: method, path, role, summary (from the route's RouteSpec).
            for (const auto& r : router.routes())
                std::cout << r.method << "\t" << documentPath(r) << "\t" << accessName(r.access) << "\t"
                          << (r.spec ? r.spec->summary : std::string("UNDESCRIBED")) << "\n";
            return 0;
        }
        if (cmd == "openapi" && args.size() == 1) {
            Services none;
            Router router;
            registerAllRoutes(router, none);
            std::cout << openApiText(router) << "\n";
            return 0;
        }
        if (cmd == "version" && args.size() == 1) {
            std::cout << "kabinet " << KABINET_VERSION << "\nschema " << Migrator::latestKnown() << "\nplugin ABI "
                      << KABINET_ABI_MAJOR << "." << KABINET_ABI_MINOR << "\n";
            return 0;
        }
        std::cerr << "kabinet: unknown command '" << cmd << "'\n";
        return usage(std::cerr, 2);
    } catch (const ConfigError& e) {
        std::cerr << "kabinet: " << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "kabinet: " << e.what() << "\n";
        return 1;
    }
}
