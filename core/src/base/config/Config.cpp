#include "config/Config.h"

#include "util/Error.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <Poco/Path.h>
#include <Poco/File.h>
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#ifndef KABINET_SHARE_DIR
#define KABINET_SHARE_DIR "/usr/share/kabinet"
#endif
#ifndef KABINET_PLUGIN_DIR
#define KABINET_PLUGIN_DIR "/usr/lib/kabinet/plugins"
#endif

namespace kabinet {

namespace {
/// The prefix the running program is installed under: it lives in <prefix>/bin with <prefix>/share/kabinet
/// beside it (the packages: /usr/bin/kabinetd and /usr/share/kabinet). Empty when it runs from the build
/// tree, whose programs use the source and build folders baked in at build time.
const std::string& installedPrefix() {
    static const std::string prefix = [] {
        std::error_code ec;
        const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
        if (ec || exe.parent_path().filename() != "bin") return std::string();
        const std::filesystem::path p = exe.parent_path().parent_path();
        return std::filesystem::is_directory(p / "share" / "kabinet", ec) ? p.string() : std::string();
    }();
    return prefix;
}

/// A system folder of an installed program: /etc/kabinet for /usr, <prefix>/etc/kabinet otherwise.
std::string installedSystemDir(const std::string& underRoot) {
    const std::string& p = installedPrefix();
    return (p == "/usr" || p == "/" ? "" : p) + underRoot;
}
} // namespace

std::string defaultShareDir() {
    return installedPrefix().empty() ? KABINET_SHARE_DIR : installedPrefix() + "/share/kabinet";
}
std::string defaultPluginDir() {
    return installedPrefix().empty() ? KABINET_PLUGIN_DIR : installedPrefix() + "/lib/kabinet/plugins";
}
std::string defaultConfigFile() {
    return installedPrefix().empty() ? std::string() : installedSystemDir("/etc/kabinet/kabinet.conf");
}

namespace {
unsigned long long parseNumber(const std::string& name, const std::string& value, const std::string& source,
                               unsigned long long min, unsigned long long max) {
    std::size_t pos = 0;
    unsigned long long n = 0;
    try {
        if (value.empty() || value[0] == '-') throw std::invalid_argument("negative");
        n = std::stoull(value, &pos);
    } catch (const std::exception&) {
        throw ConfigError(source + ": " + name + " must be a whole number, got '" + value + "'");
    }
    if (pos != value.size() || n < min || n > max)
        throw ConfigError(source + ": " + name + " must be between " + std::to_string(min) + " and " +
                          std::to_string(max) + ", got '" + value + "'");
    return n;
}

std::string envName(const std::string& name) {
    std::string e = "KABINET_";
    for (char c : name) e += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return e;
}
} // namespace

const std::vector<std::string>& Config::names() {
    static const std::vector<std::string> n = {"listen",  "database", "tenants",   "scripts",   "plugins",
                                               "data-dir", "portal",  "log-level", "max-body",  "threads",
                                               "db-pool", "head-timeout", "body-timeout", "connections-per-address", "lua-memory", "lua-budget", "session-cache-ms", "point-cache-ms", "smtp", "mail-from",
                                               "sms-gateway", "sms-plugin", "public-url", "hash-threads",
                                               "ingest-token", "connectors", "poll-sessions", "poll-tick-ms",
                                               "drivers", "instance-id", "secret-key-file", "connector-sessions",
                                               "trusted-proxies", "lease-seconds", "tenant-idle",
                                               // store
                                               "database-replica", "replica-max-lag-ms", "tenant-databases"};
    return n;
}

void Config::set(const std::string& name, const std::string& value, const std::string& source) {
    if (name == "listen") {
        auto colon = value.rfind(':');
        if (colon == std::string::npos || colon == 0)
            throw ConfigError(source + ": listen must be HOST:PORT, got '" + value + "'");
        std::string host = value.substr(0, colon);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        listenHost = host;
        listenPort = static_cast<unsigned short>(parseNumber("listen port", value.substr(colon + 1), source, 0, 65535));
    } else if (name == "database") database = value;
    else if (name == "tenants") tenantsDir = value;
    else if (name == "scripts") scriptsDir = value;
    else if (name == "plugins") pluginsDir = value;
    else if (name == "data-dir") dataDir = value;
    else if (name == "portal") portalDir = value;
    else if (name == "config") configFile = value;
    else if (name == "log-level") {
        static const char* ok[] = {"debug", "info", "warn", "warning", "error"};
        if (std::none_of(std::begin(ok), std::end(ok), [&](const char* l) { return value == l; }))
            throw ConfigError(source + ": log-level must be debug, info, warn or error, got '" + value + "'");
        logLevel = value;
    } else if (name == "max-body") maxBodyBytes = parseNumber(name, value, source, 1024, 1ull << 31);
    else if (name == "threads") threads = static_cast<unsigned>(parseNumber(name, value, source, 1, 1024));
    else if (name == "head-timeout") headTimeoutSeconds = static_cast<unsigned>(parseNumber(name, value, source, 1, 600));
    else if (name == "body-timeout") bodyTimeoutSeconds = static_cast<unsigned>(parseNumber(name, value, source, 1, 3600));
    else if (name == "connections-per-address")
        connectionsPerAddress = static_cast<unsigned>(parseNumber(name, value, source, 1, 100000));
    else if (name == "db-pool") dbPoolSize = static_cast<unsigned>(parseNumber(name, value, source, 1, 256));
    else if (name == "lua-memory") luaMemoryBytes = parseNumber(name, value, source, 1 << 20, 1ull << 32);
    else if (name == "lua-budget") luaInstructionBudget = parseNumber(name, value, source, 10'000, 1ull << 40);
    else if (name == "tenant-idle") tenantIdleSeconds = static_cast<unsigned>(parseNumber(name, value, source, 1, 86400));
    else if (name == "session-cache-ms") sessionCacheMs = static_cast<unsigned>(parseNumber(name, value, source, 0, 60'000));
    else if (name == "point-cache-ms") pointCacheMs = static_cast<unsigned>(parseNumber(name, value, source, 0, 60'000));
    else if (name == "smtp") smtp = value;
    else if (name == "connectors") connectors = value;
    else if (name == "secret-key-file") secretKeyFile = value;
    else if (name == "connector-sessions") connectorSessions = static_cast<unsigned>(parseNumber(name, value, source, 0, 64));
    else if (name == "ingest-token") {
        if (!value.empty() && value.size() < 16) throw ConfigError(source + ": ingest-token must be at least 16 characters");
        ingestToken = value;
    }
    else if (name == "mail-from") mailFrom = value;
    else if (name == "sms-gateway") smsGateway = value;
    else if (name == "sms-plugin") smsPlugin = value;
    else if (name == "public-url") {
        if (value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
            throw ConfigError(source + ": public-url must start with http:// or https://, got '" + value + "'");
        publicUrl = value;
        while (!publicUrl.empty() && publicUrl.back() == '/') publicUrl.pop_back();
    } else if (name == "hash-threads") hashThreads = static_cast<unsigned>(parseNumber(name, value, source, 0, 256));
    else if (name == "poll-sessions") pollSessions = static_cast<unsigned>(parseNumber(name, value, source, 0, 4096));
    else if (name == "poll-tick-ms") pollTickMs = static_cast<unsigned>(parseNumber(name, value, source, 10, 600000));
    else if (name == "drivers") drivers = value;
    else if (name == "instance-id") instanceId = value;
    else if (name == "trusted-proxies") trustedProxies = value; // checked by the HTTP front (http/TrustedProxies)
    else if (name == "lease-seconds") leaseSeconds = static_cast<unsigned>(parseNumber(name, value, source, 0, 86400));
    else if (name.rfind("plugin.", 0) == 0) plugin[name.substr(7)] = value;
    // store
    else if (name == "database-replica") databaseReplica = value;
    else if (name == "replica-max-lag-ms") replicaMaxLagMs = static_cast<unsigned>(parseNumber(name, value, source, 0, 3'600'000));
    else if (name == "tenant-databases") {
        if (value.empty()) return;
        Poco::JSON::Object::Ptr o;
        try {
            o = Poco::JSON::Parser().parse(value).extract<Poco::JSON::Object::Ptr>();
        } catch (const std::exception&) {
            throw ConfigError(source + ": tenant-databases must be a JSON object {\"tenant\": \"database URL\"}");
        }
        for (const auto& [tenant, url] : *o) {
            if (!url.isString() || url.extract<std::string>().empty())
                throw ConfigError(source + ": tenant-databases: the database of tenant '" + tenant + "' must be a URL string");
            tenantDatabases[tenant] = url.extract<std::string>();
        }
    } else if (name.rfind("tenant-database.", 0) == 0 && name.size() > 16) {
        if (value.empty()) throw ConfigError(source + ": " + name + " must be a database URL");
        tenantDatabases[name.substr(16)] = value;
    }
    else throw ConfigError(source + ": unknown setting '" + name + "'");
}

Config Config::resolve(const std::map<std::string, std::string>& options, char** env) {
    Config c;
    const std::string share = defaultShareDir();
    c.tenantsDir = share + "/tenants";
    c.scriptsDir = share + "/scripts";
    c.portalDir = share + "/portal";
    c.pluginsDir = defaultPluginDir();
    c.dataDir = installedPrefix().empty() ? "./kabinet-data" : installedSystemDir("/var/lib/kabinet");

    // Which config file: option, then environment, then (installed programs) the system's file if there is one.
    std::string file;
    if (auto it = options.find("config"); it != options.end()) file = it->second;
    else if (const char* e = std::getenv("KABINET_CONFIG")) file = e;
    else if (const std::string sys = defaultConfigFile(); !sys.empty() && Poco::File(sys).exists()) file = sys;
    if (!file.empty()) {
        if (!Poco::File(file).exists()) throw ConfigError("config file '" + file + "' does not exist");
        Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> props;
        try {
            props = new Poco::Util::PropertyFileConfiguration(file);
        } catch (const Poco::Exception& e) {
            throw ConfigError("config file '" + file + "': " + e.displayText());
        }
        Poco::Util::AbstractConfiguration::Keys keys;
        props->keys(keys);
        for (const auto& k : keys) {
            if (k == "plugin") {
                Poco::Util::AbstractConfiguration::Keys names;
                props->keys("plugin", names);
                for (const auto& n : names) {
                    Poco::Util::AbstractConfiguration::Keys sub;
                    props->keys("plugin." + n, sub);
                    for (const auto& s : sub) c.plugin[n + "." + s] = props->getString("plugin." + n + "." + s);
                }
                continue;
            }
            if (k == "tenant-database") { // store: tenant-database.<tenant> = URL
                Poco::Util::AbstractConfiguration::Keys tenants;
                props->keys("tenant-database", tenants);
                for (const auto& t : tenants)
                    c.set("tenant-database." + t, props->getString("tenant-database." + t), "config file '" + file + "'");
                continue;
            }
            c.set(k, props->getString(k), "config file '" + file + "'");
        }
        c.configFile = file;
    }
    (void)env;
    for (const auto& n : names()) {
        const std::string e = envName(n);
        if (const char* v = std::getenv(e.c_str()); v && *v) c.set(n, v, "environment " + e);
    }
    for (const auto& [k, v] : options) {
        if (k == "config") continue;
        c.set(k, v, "option --" + k);
    }
    return c;
}

std::string Config::publicBaseUrl() const {
    if (!publicUrl.empty()) return publicUrl;
    std::string host = listenHost == "0.0.0.0" || listenHost == "::" ? "localhost" : listenHost;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return "http://" + host + ":" + std::to_string(listenPort);
}

std::string Config::dataPath(const std::string& folder) const {
    Poco::Path p(dataDir);
    p.makeDirectory(); // "/x/kabinet-data" names a directory, not a file in /x
    p.makeAbsolute();
    if (!folder.empty()) p.pushDirectory(folder);
    std::string out = p.toString();
    if (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

std::string Config::tenantDatabaseUrl(const std::string& tenantId) const {
    auto it = tenantDatabases.find(tenantId);
    return it == tenantDatabases.end() ? databaseUrl() : it->second;
}

std::string Config::databaseUrl() const {
    if (!database.empty()) return database;
    Poco::Path p(dataDir);
    p.makeAbsolute();
    p.makeDirectory();
    p.setFileName("kabinet.db");
    return "sqlite://" + p.toString();
}

} // namespace kabinet
