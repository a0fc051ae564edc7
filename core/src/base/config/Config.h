#pragma once
/// Server configuration, resolved in layers: built-in defaults, then a config file, then environment
/// variables, then command-line options (each later layer wins). The option and variable names are a
/// public interface: operators' scripts and the tests depend on them.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace kabinet {

struct Config {
    std::string listenHost = "127.0.0.1"; ///< --listen HOST:PORT / KABINET_LISTEN
    unsigned short listenPort = 8080;
    std::string database;                 ///< --database URL / KABINET_DATABASE (empty: SQLite file in dataDir)
    std::string tenantsDir;               ///< --tenants DIR / KABINET_TENANTS
    std::string scriptsDir;               ///< --scripts DIR / KABINET_SCRIPTS (shared Lua library)
    std::string pluginsDir;               ///< --plugins DIR / KABINET_PLUGINS
    std::string dataDir;                  ///< --data-dir DIR / KABINET_DATA_DIR
    std::string portalDir;                ///< --portal DIR / KABINET_PORTAL
    std::string configFile;               ///< --config FILE / KABINET_CONFIG
    std::string logLevel = "info";        ///< --log-level LEVEL / KABINET_LOG_LEVEL
    std::size_t maxBodyBytes = 1 << 20;   ///< --max-body BYTES / KABINET_MAX_BODY
    unsigned threads = 16;                ///< --threads N / KABINET_THREADS (HTTP worker threads)
    unsigned headTimeoutSeconds = 10;     ///< --head-timeout S / KABINET_HEAD_TIMEOUT: a request head must arrive whole within this
    unsigned bodyTimeoutSeconds = 30;     ///< --body-timeout S / KABINET_BODY_TIMEOUT: a request body must arrive whole within this
    unsigned connectionsPerAddress = 64;  ///< --connections-per-address N / KABINET_CONNECTIONS_PER_ADDRESS: live connections of one client address
    unsigned dbPoolSize = 8;              ///< --db-pool N / KABINET_DB_POOL
    std::size_t luaMemoryBytes = 32u << 20;       ///< --lua-memory BYTES / KABINET_LUA_MEMORY (per Lua state)
    unsigned long long luaInstructionBudget = 50'000'000ull; ///< --lua-budget N / KABINET_LUA_BUDGET: a call may use N ÷ 100,000 ms of CPU time
    unsigned tenantIdleSeconds = 60;      ///< --tenant-idle S / KABINET_TENANT_IDLE: a tenant's Lua state unused this long is closed
    unsigned sessionCacheMs = 1000;       ///< --session-cache-ms MS / KABINET_SESSION_CACHE_MS: a looked-up session serves this long (0: never)
    unsigned pointCacheMs = 1000;         ///< --point-cache-ms MS / KABINET_POINT_CACHE_MS: a looked-up point list and its latest readings serve this long (0: never)
    std::string smtp;                     ///< --smtp URL / KABINET_SMTP: smtp://[user:pass@]host:port[?starttls=1]; empty → <data-dir>/mail/*.eml
    std::string mailFrom = "Личный кабинет <no-reply@kabinet.localhost>"; ///< --mail-from / KABINET_MAIL_FROM
    std::string smsGateway;               ///< --sms-gateway JSON / KABINET_SMS_GATEWAY: config of the SMS channel plugin; empty → <data-dir>/sms/*.txt
    std::string smsPlugin = "sms-http";   ///< --sms-plugin NAME / KABINET_SMS_PLUGIN
    std::string publicUrl;                ///< --public-url URL / KABINET_PUBLIC_URL: base of links in mails (default http://<listen>)
    std::string connectors;               ///< --connectors JSON / KABINET_CONNECTORS: {"<tenant>": {"<connector id>": {settings…}}}
    std::string secretKeyFile;            ///< --secret-key-file FILE / KABINET_SECRET_KEY_FILE: 32-byte key of stored secrets (default <data-dir>/secret.key)
    unsigned connectorSessions = 2;       ///< --connector-sessions N / KABINET_CONNECTOR_SESSIONS: connector syncs at once (0: none)
    std::string ingestToken;              ///< --ingest-token / KABINET_INGEST_TOKEN: bearer token of the meter-data ingest route (empty: off)
    unsigned hashThreads = 0;             ///< --hash-threads N / KABINET_HASH_THREADS: concurrent password hashes (0 = cores)
    unsigned pollSessions = 8;            ///< --poll-sessions N / KABINET_POLL_SESSIONS: meter dialogues at once (0: no polling)
    unsigned pollTickMs = 1000;           ///< --poll-tick-ms MS / KABINET_POLL_TICK_MS: how often due polls are looked for
    std::string drivers;                  ///< --drivers JSON / KABINET_DRIVERS: {"<driver>": {config}} for driver plugins
    std::string instanceId;               ///< --instance-id ID / KABINET_INSTANCE_ID: name of this instance in leases (default host:pid)
    // edge: a reverse proxy in front, several instances
    std::string trustedProxies;           ///< --trusted-proxies LIST / KABINET_TRUSTED_PROXIES: addresses/CIDRs whose X-Forwarded-For/-Proto are believed
    unsigned leaseSeconds = 0;            ///< --lease-seconds S / KABINET_LEASE_SECONDS: length of work leases (gateways, messages, jobs); 0 = each one's default
    std::map<std::string, std::string> plugin; ///< plugin.<name>.<key> settings from the config file
    // store: read replica and tenant placement (docs/SCALING.md)
    std::string databaseReplica;          ///< --database-replica URL / KABINET_DATABASE_REPLICA: PostgreSQL streaming replica for heavy reads
    unsigned replicaMaxLagMs = 5000;      ///< --replica-max-lag-ms MS / KABINET_REPLICA_MAX_LAG_MS: staleness a replica read may have
    /// --tenant-databases JSON {"<tenant>": "<url>"} / KABINET_TENANT_DATABASES, and config-file keys
    /// tenant-database.<tenant> = URL: tenants whose data lives in a database of their own.
    std::map<std::string, std::string> tenantDatabases;

    /// Resolves the configuration from the file, the environment and the options given as key → value
    /// (keys are the long option names without dashes: "listen", "database", ...). Throws ConfigError
    /// naming the setting and its source when a value is invalid.
    static Config resolve(const std::map<std::string, std::string>& options, char** environ = nullptr);

    /// Applies one setting by its long option name; throws ConfigError for an unknown name or bad value.
    void set(const std::string& name, const std::string& value, const std::string& source);

    /// The base URL of links in mails, without a trailing slash.
    std::string publicBaseUrl() const;

    /// The absolute path of a folder inside the data directory ("mail" → /x/kabinet-data/mail), whether or not
    /// dataDir ends with a slash.
    std::string dataPath(const std::string& folder) const;

    /// The database URL in force (the SQLite default inside dataDir when none was given).
    std::string databaseUrl() const;

    /// The database URL of tenant `tenantId`: its own (tenantDatabases) or databaseUrl().
    std::string tenantDatabaseUrl(const std::string& tenantId) const;

    /// Names of all settings, as long option names; each has the variable KABINET_<NAME upper, '-'→'_'>.
    static const std::vector<std::string>& names();
};

/// Directory of the project's shared files (tenants/, scripts/, portal/, sql/): the source tree baked in at
/// build time, or <prefix>/share/kabinet when the program runs installed in <prefix>/bin beside it.
std::string defaultShareDir();
/// Directory of the plugins: where the build stages them, or <prefix>/lib/kabinet/plugins when installed.
std::string defaultPluginDir();
/// The configuration file read when neither --config nor KABINET_CONFIG names one: none for a program run
/// from the build tree; /etc/kabinet/kabinet.conf (<prefix>/etc/… outside /usr) when installed, if it exists.
std::string defaultConfigFile();

} // namespace kabinet
