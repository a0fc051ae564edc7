/// kabinetd — the Kabinet server. Configuration: defaults < --config file < KABINET_* variables < options.
#include "config/Config.h"
#include "api/Routes.h"
#include "http/HttpServer.h"
#include "server/Services.h"
#include "util/Error.h"
#include "util/Log.h"

#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include <csignal>
#include <iostream>
#include <map>

using namespace kabinet;

class Kabinetd : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        ServerApplication::defineOptions(options);
        options.addOption(Poco::Util::Option("help", "h", "show the options and exit").required(false).repeatable(false));
        static const std::map<std::string, std::string> help = {
            {"listen", "HOST:PORT to listen on (KABINET_LISTEN, default 127.0.0.1:8080)"},
            {"database", "database URL: sqlite:///path.db or postgresql://user:pw@host:port/db (KABINET_DATABASE)"},
            {"tenants", "directory of tenant folders, or a :-separated list of them (a later one wins on the same id) (KABINET_TENANTS)"},
            {"scripts", "directory of the shared Lua library (KABINET_SCRIPTS)"},
            {"plugins", "directory of plugin folders (KABINET_PLUGINS)"},
            {"data-dir", "data directory; holds the default SQLite file (KABINET_DATA_DIR)"},
            {"portal", "directory of the web portal (KABINET_PORTAL)"},
            {"log-level", "debug, info, warn or error (KABINET_LOG_LEVEL)"},
            {"max-body", "largest accepted request body in bytes (KABINET_MAX_BODY)"},
            {"threads", "HTTP worker threads (KABINET_THREADS)"},
            {"head-timeout", "seconds a request head may take to arrive whole (KABINET_HEAD_TIMEOUT, default 10)"},
            {"body-timeout", "seconds a request body may take to arrive whole (KABINET_BODY_TIMEOUT, default 30)"},
            {"connections-per-address", "connections at once from one client address (KABINET_CONNECTIONS_PER_ADDRESS, default 64)"},
            {"db-pool", "database connections (KABINET_DB_POOL)"},
            {"lua-memory", "memory limit of one Lua state in bytes (KABINET_LUA_MEMORY)"},
            {"lua-budget", "instruction budget of one Lua call (KABINET_LUA_BUDGET)"},
            {"tenant-idle", "seconds after which an unused Lua state of a tenant is closed (KABINET_TENANT_IDLE, default 60)"},
            {"session-cache-ms", "how long a looked-up session serves the next requests, 0 = never (KABINET_SESSION_CACHE_MS)"},
            {"point-cache-ms", "how long a looked-up list of a viewer's points and its latest readings serve the next requests, 0 = never (KABINET_POINT_CACHE_MS)"},
            {"smtp", "mail server smtp://[user:pass@]host:port[?starttls=1] (KABINET_SMTP); none: <data-dir>/mail/"},
            {"mail-from", "sender of mails (KABINET_MAIL_FROM)"},
            {"sms-gateway", "JSON config of the SMS channel plugin (KABINET_SMS_GATEWAY); none: <data-dir>/sms/"},
            {"sms-plugin", "channel plugin for text messages (KABINET_SMS_PLUGIN, default sms-http)"},
            {"public-url", "base URL of links in mails (KABINET_PUBLIC_URL)"},
            {"hash-threads", "password hashes at once (KABINET_HASH_THREADS, 0 = cores)"},
            {"poll-sessions", "meter dialogues at once, 0 = no polling (KABINET_POLL_SESSIONS)"},
            {"poll-tick-ms", "how often due meter polls are looked for (KABINET_POLL_TICK_MS)"},
            {"drivers", "JSON {driver: config} for driver plugins (KABINET_DRIVERS)"},
            {"instance-id", "name of this instance in polling leases (KABINET_INSTANCE_ID)"},
            {"connectors", "JSON {tenant: {connector id: {settings}}} of upstream connectors (KABINET_CONNECTORS)"},
            {"secret-key-file", "FILE with the 32-byte key of stored secrets (KABINET_SECRET_KEY_FILE; default <data-dir>/secret.key)"},
            {"connector-sessions", "N connector syncs at once, 0 = none (KABINET_CONNECTOR_SESSIONS, default 2)"},
            {"ingest-token", "bearer token of POST /t/{tenant}/api/v1/ingest/meter-data (KABINET_INGEST_TOKEN)"},
            {"trusted-proxies", "comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed (KABINET_TRUSTED_PROXIES)"},
            {"lease-seconds", "seconds a gateway, message or job is leased to this instance, 0 = defaults 120/120/600 (KABINET_LEASE_SECONDS)"},
            // store
            {"database-replica", "postgresql:// URL of a streaming replica for heavy reads (KABINET_DATABASE_REPLICA)"},
            {"replica-max-lag-ms", "staleness a replica read may have, else the primary serves it (KABINET_REPLICA_MAX_LAG_MS, default 5000)"},
            {"tenant-databases", "JSON {tenant: database URL} of tenants with a database of their own (KABINET_TENANT_DATABASES)"},
        };
        for (const auto& n : Config::names())
            options.addOption(Poco::Util::Option(n, "", help.at(n)).required(false).repeatable(false).argument("VALUE"));
        options.addOption(Poco::Util::Option("config", "", "configuration file (KABINET_CONFIG)").required(false).argument("FILE"));
    }

    void handleOption(const std::string& name, const std::string& value) override {
        ServerApplication::handleOption(name, value);
        if (name == "help") {
            help_ = true;
            stopOptionsProcessing();
            return;
        }
        for (const auto& n : Config::names())
            if (n == name) options_[name] = value;
        if (name == "config") options_[name] = value;
    }

    int main(const std::vector<std::string>&) override {
        if (help_) {
            Poco::Util::HelpFormatter f(options());
            f.setCommand(commandName());
            f.setHeader("Kabinet server: multi-tenant consumer portal and integration server.");
            f.format(std::cout);
            return EXIT_OK;
        }
        std::signal(SIGPIPE, SIG_IGN); // a peer closing early is a socket error, never a signal
        std::unique_ptr<Services> services;
        std::unique_ptr<HttpServer> http;
        try {
            Config cfg = Config::resolve(options_);
            log::setLevel(cfg.logLevel);
            TrustedProxies::parse(cfg.trustedProxies); // a bad list stops the start before anything else runs
            services = Services::start(cfg);
            Router router;
            registerAllRoutes(router, *services);
            http = std::make_unique<HttpServer>(services->httpContext(), std::move(router));
            http->start();
            services->outbox->start();
            services->jobs->start();
            services->outageNotices->start();
            services->caseTimers->start();
            services->digest->start();
            services->scheduler->start();
            services->connectorSync->start();
            services->supplierWorker->start();
        } catch (const ConfigError& e) {
            log::error("cannot start", {{"error", e.what()}});
            return EXIT_CONFIG;
        } catch (const std::exception& e) {
            log::error("cannot start", {{"error", e.what()}});
            return EXIT_SOFTWARE;
        }
        log::info("listening", {{"address", services->config.listenHost + ":" + std::to_string(http->port())},
                                {"database", services->db->backendName()},
                                {"tenants", std::to_string(services->tenants->ids().size())},
                                {"plugins", std::to_string(services->plugins->plugins().size())}});
        waitForTerminationRequest();
        log::info("shutting down; finishing requests in flight");
        http->stop(10);
        services->supplierWorker->stop();
        services->connectorSync->stop();
        services->scheduler->stop();
        services->outbox->stop();
        services->jobs->stop();
        services->digest->stop();
        services->caseTimers->stop();
        log::info("stopped");
        return EXIT_OK;
    }

private:
    bool help_ = false;
    std::map<std::string, std::string> options_;
};

POCO_SERVER_MAIN(Kabinetd)
