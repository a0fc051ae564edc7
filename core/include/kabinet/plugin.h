/* Kabinet plugin ABI — the C contract between kabinetd and a plugin library.
 *
 * Rules that keep this contract stable across compilers and releases:
 *  - A plugin exports exactly one symbol, KABINET_PLUGIN_ENTRY_SYMBOL, of type kb_plugin_entry_fn.
 *  - Version handshake both ways: the host passes its ABI version to the entry; the plugin returns NULL
 *    (and explains why through host->log) when the host is too old; the host refuses a descriptor whose
 *    major version differs from its own or whose minor version is newer than the host's.
 *  - The first field of every struct that crosses the boundary is its size in bytes. Structs and function
 *    tables only ever grow at the end; a reader checks struct_size before touching a later field.
 *  - Instances are opaque handles (void*). No exceptions, no C++ types, no memory freed by the other side:
 *    strings handed out by a plugin live as long as the instance (or the descriptor, for static data).
 */
#ifndef KABINET_PLUGIN_H
#define KABINET_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KABINET_ABI_MAJOR 1
#define KABINET_ABI_MINOR 2
/** The ABI version as one number: major in the high 16 bits, minor in the low 16 bits. */
#define KABINET_ABI_VERSION ((uint32_t)((KABINET_ABI_MAJOR << 16) | KABINET_ABI_MINOR))
#define KABINET_PLUGIN_ENTRY_SYMBOL "kabinet_plugin_entry"

#if defined(__GNUC__)
#define KABINET_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define KABINET_PLUGIN_EXPORT
#endif

/** What a plugin is for. */
typedef enum kb_plugin_kind {
    KB_PLUGIN_DRIVER = 1,    /**< reads meters over a byte transport */
    KB_PLUGIN_CONNECTOR = 2, /**< talks to an upstream platform */
    KB_PLUGIN_CHANNEL = 3    /**< delivers messages (SMS, messengers) */
} kb_plugin_kind;

/** Result codes of every plugin call. */
typedef enum kb_status {
    KB_OK = 0,
    KB_ERR_CONFIG = 1,    /**< configuration rejected; the message says which key and why */
    KB_ERR_TRANSPORT = 2, /**< network / connection failure (retryable) */
    KB_ERR_TIMEOUT = 3,   /**< the peer did not answer in time (retryable) */
    KB_ERR_REJECTED = 4,  /**< the peer answered and refused (not retryable) */
    KB_ERR_INTERNAL = 5,  /**< a bug or an unexpected state inside the plugin */
    /* since ABI 1.1 (drivers) */
    KB_ERR_PROTOCOL = 6,  /**< the peer's bytes were corrupt or made no sense: bad checksum, truncated or
                               garbled frame, unexpected answer (retryable) */
    KB_ERR_AUTH = 7       /**< the meter refused the password or access level (retry only after a fix) */
} kb_status;

typedef enum kb_log_level { KB_LOG_DEBUG = 0, KB_LOG_INFO = 1, KB_LOG_WARN = 2, KB_LOG_ERROR = 3 } kb_log_level;

/** A buffer the host provides for a plugin's error text (UTF-8, always NUL-terminated by the plugin). */
typedef struct kb_error_buf {
    uint32_t struct_size;
    char* text;
    size_t capacity;
} kb_error_buf;

/** One HTTP request a plugin asks the host to make (ABI 1.2). */
typedef struct kb_http_request {
    uint32_t struct_size;
    const char* method;       /**< "GET", "POST", "PUT", "DELETE" */
    const char* url;          /**< absolute http:// or https:// URL, query included */
    const char* headers;      /**< extra request headers, "Name: value" lines separated by "\r\n" (may be NULL) */
    const uint8_t* body;      /**< request body (may be NULL) */
    size_t body_length;
    uint32_t timeout_ms;      /**< per attempt (0: the host's default, 15 s) */
    uint32_t retries;         /**< extra attempts after a transport failure, 429 or 5xx (GET, PUT, DELETE; POST only
                                   when the connection failed before the request was sent); waits Retry-After up to
                                   30 s, else 0.5 s doubled; the host caps it at 5 */
} kb_http_request;

/** The answer to a kb_http_request. The host owns the memory: `headers` and `body` stay valid until the next
 *  http call of the same thread or until the plugin call that made it returns, whichever is first. */
typedef struct kb_http_response {
    uint32_t struct_size;
    int status;               /**< HTTP status of the last attempt (0 when no answer came) */
    const char* headers;      /**< answer headers, "Name: value" lines separated by "\r\n", names lower-case */
    const uint8_t* body;
    size_t body_length;
    uint32_t attempts;        /**< how many attempts were made */
} kb_http_response;

/** Services the host offers to a plugin. Valid for the lifetime of the loaded library. */
typedef struct kb_host_api {
    uint32_t struct_size;
    uint32_t abi_version; /**< KABINET_ABI_VERSION of the host */
    void* host_ctx;       /**< pass back as the first argument of every callback */
    /** Writes one log line attributed to the plugin. Must not contain personal data. */
    void (*log)(void* host_ctx, kb_log_level level, const char* message);
    /* since ABI 1.2: a plugin reads it only when struct_size covers it */
    /** Makes one HTTP(S) exchange for the plugin (connectors never open sockets themselves). The host applies
     *  its timeouts, TLS verification and retries (see kb_http_request). Thread-safe. NULL on hosts < 1.2. */
    kb_status (*http)(void* host_ctx, const kb_http_request* request, kb_http_response* response,
                      kb_error_buf* error);
} kb_host_api;

/* ---- channel plugins --------------------------------------------------------------------------- */

/** One outgoing message. */
typedef struct kb_message {
    uint32_t struct_size;
    const char* recipient; /**< E.164 phone number for SMS ("+79161234567") */
    const char* text;      /**< UTF-8 body */
    const char* reference; /**< the host's id of this message, for idempotency at the gateway (may be NULL) */
} kb_message;

/** What a channel reports after a send. */
typedef struct kb_send_result {
    uint32_t struct_size;
    char provider_id[128]; /**< the gateway's message id, if it returned one */
    uint32_t attempts;     /**< how many HTTP attempts the send took */
} kb_send_result;

/** Function table of a channel plugin. Grows only at the end. */
typedef struct kb_channel_vtable {
    uint32_t struct_size;
    /** Sends one message synchronously (retries inside, bounded by the configured timeout and retries). */
    kb_status (*send)(void* instance, const kb_message* message, kb_send_result* result, kb_error_buf* error);
} kb_channel_vtable;

/* ---- connector plugins ------------------------------------------------------------------------- */

/** A buffer the host provides for a plugin's output (UTF-8 JSON); the plugin sets `length`. */
typedef struct kb_buffer {
    uint32_t struct_size;
    char* data;
    size_t capacity;
    size_t length;
} kb_buffer;

/** Function table of a connector plugin (an upstream platform: a supplier's billing, WAVIoT, …). Grows only
 *  at the end. */
/** What one sync call asks a connector for (ABI 1.2). */
typedef struct kb_sync_request {
    uint32_t struct_size;
    const char* task;         /**< the task id the tenant declared, e.g. "channels", "events", "modems", "balances" */
    const char* account_json; /**< the upstream account: JSON object {"id", "kind", "token", ...} ("{}" for the
                                   connector's own account) */
    const char* cursor;       /**< where the last successful sync of this task stopped ("" the first time) */
    const char* input_json;   /**< task parameters as a JSON object (e.g. {"file": "/path"}; "{}" when none) */
    int64_t from;             /**< the window asked for, Unix seconds UTC, inclusive: max(cursor's time, now − window) */
    int64_t to;               /**< exclusive end of the window (now) */
    int64_t now;              /**< the host's clock */
} kb_sync_request;

/** Where a connector reports what it fetched, as it goes. `kind` names the record, `json` is one JSON object:
 *   "meter_data"   {"readings":[…], "profile":[…], "params":[…], "events":[…]} in the ingest format, each row
 *                  naming the upstream device by "device" instead of "meter_id";
 *   "device"       {"key", "serial", "model", "title", "battery", "last_message", "info":{…}} (a modem, a point);
 *   "contract"     {"number", "title", "consumer_name", "address", "valid_from", "points":[…]};
 *   "balance"      {"contract", "as_of", "balance", "charges":[…], "payments":[…]};
 *   "notification" {"id", "contract", "title", "text", "at"};
 *   "case_update"  {"external_id", "state", "answer", "at"};
 *   "cursor"       {"cursor": "…"} — the position reached so far: stored with the records before it;
 *   "problem"      {"key", "reason"} — one record was skipped (counted and shown, the sync goes on).
 *  The host's callbacks never fail and never call back into the plugin; pointers are valid during the call. */
typedef struct kb_connector_sink {
    uint32_t struct_size;
    void* ctx;
    void (*emit)(void* ctx, const char* kind, const char* json);
    /** Non-zero when the host is stopping: a long sync returns at the next record boundary (KB_OK). */
    int (*stopping)(void* ctx);
} kb_connector_sink;

typedef struct kb_connector_vtable {
    uint32_t struct_size;
    /** Checks a consumer's login and password at the supplier and writes the contracts they give access to
     *  into `out` as a JSON array: [{"number","title","consumer_name","address","valid_from"}]. The password
     *  must not be kept or logged. KB_ERR_REJECTED: wrong credentials; KB_ERR_TRANSPORT/TIMEOUT: retry later;
     *  KB_ERR_INTERNAL when `out` is too small (the host retries with a bigger buffer up to 1 MiB). */
    kb_status (*link_contracts)(void* instance, const char* login, const char* password, kb_buffer* out, kb_error_buf* error);
    /* since ABI 1.2: the host reads them only when struct_size covers them */
    /** Fetches what the request's task names and reports it through the sink as it goes (and "cursor" records
     *  at safe points). KB_ERR_AUTH: the upstream refused the account's credentials or token;
     *  KB_ERR_TRANSPORT / KB_ERR_TIMEOUT / KB_ERR_PROTOCOL: retry later (what was reported stays valid);
     *  KB_ERR_CONFIG: the task or the account's settings are wrong. */
    kb_status (*sync)(void* instance, const kb_sync_request* request, const kb_connector_sink* sink, kb_error_buf* error);
    /** One request–answer operation named by `operation` (e.g. "link", "submit_reading", "file_case",
     *  "export"), input and output JSON objects as the plugin's manifest lists them. Same status rules as
     *  link_contracts (KB_ERR_INTERNAL when `out` is too small: the host retries with a bigger buffer up to
     *  64 MiB); KB_ERR_CONFIG for an operation the plugin does not know. */
    kb_status (*call)(void* instance, const char* operation, const char* input_json, kb_buffer* out, kb_error_buf* error);
} kb_connector_vtable;

/* ---- driver plugins (ABI 1.1) ------------------------------------------------------------------- */

/** A byte stream to one meter (or to a bus of meters behind a gateway) that the host opens and owns: TCP
 *  now, a serial port later. A driver never opens sockets itself. Calls block at most timeout_ms. */
typedef struct kb_transport {
    uint32_t struct_size;
    void* ctx;               /**< pass back as the first argument */
    /** Writes all `length` bytes. KB_OK, KB_ERR_TRANSPORT (connection lost) or KB_ERR_TIMEOUT. */
    kb_status (*write)(void* ctx, const uint8_t* data, size_t length, uint32_t timeout_ms);
    /** Waits up to timeout_ms for input and reads what is there, at most `capacity` bytes, into data;
     *  sets *received (> 0 on KB_OK). KB_ERR_TIMEOUT when nothing came in time, KB_ERR_TRANSPORT when the
     *  connection is gone. */
    kb_status (*read)(void* ctx, uint8_t* data, size_t capacity, size_t* received, uint32_t timeout_ms);
    /** Drops whatever input is pending (stale bytes of an earlier dialogue). */
    void (*discard_input)(void* ctx);
    const char* description; /**< e.g. "tcp 10.0.0.5:4001", for log lines */
} kb_transport;

/** What a read asks for (bit mask). */
typedef enum kb_read_item {
    KB_READ_IDENTITY = 1,  /**< serial, model, firmware, manufacture date */
    KB_READ_CLOCK = 2,     /**< the meter's clock */
    KB_READ_ENERGY = 4,    /**< cumulative energy A+/A-/R+/R-, total and T1..T4 */
    KB_READ_INSTANT = 8,   /**< U, I, P, Q, S, cos phi per phase, frequency */
    KB_READ_PROFILE = 16,  /**< power-profile intervals that start in [from, to) */
    KB_READ_EVENTS = 32,   /**< journal entries that start in [from, to) */
    KB_READ_BILLING = 64   /**< cumulative energy snapshots the meter took at day / month starts within
                                [from, to) (kb_value with the snapshot's moment as timestamp); a driver
                                whose meter keeps none reports one kb_read_failure */
} kb_read_item;

/** Quantities of register values. */
typedef enum kb_quantity {
    KB_Q_ENERGY_AP = 1,   /**< active energy import A+, kWh */
    KB_Q_ENERGY_AM = 2,   /**< active energy export A-, kWh */
    KB_Q_ENERGY_RP = 3,   /**< reactive energy R+, kvarh */
    KB_Q_ENERGY_RM = 4,   /**< reactive energy R-, kvarh */
    KB_Q_VOLTAGE = 10,    /**< V */
    KB_Q_CURRENT = 11,    /**< A */
    KB_Q_POWER_P = 12,    /**< active power, kW (signed: negative = export) */
    KB_Q_POWER_Q = 13,    /**< reactive power, kvar (signed) */
    KB_Q_POWER_S = 14,    /**< apparent power, kVA */
    KB_Q_POWER_FACTOR = 15, /**< cos phi, -1..1 */
    KB_Q_FREQUENCY = 16,  /**< Hz */
    KB_Q_ANGLE = 17       /**< angle between phase voltages, degrees */
} kb_quantity;

/** The meter's identity. Strings live until the callback returns. */
typedef struct kb_identity {
    uint32_t struct_size;
    const char* serial;           /**< factory serial number as printed on the meter */
    const char* model;            /**< e.g. "Mercury 230", "CE301" ("" when the meter does not say) */
    const char* firmware;         /**< firmware version ("" when unknown) */
    const char* manufactured_on;  /**< "YYYY-MM-DD" ("" when unknown) */
} kb_identity;

/** The meter's clock at one moment. */
typedef struct kb_clock {
    uint32_t struct_size;
    int64_t meter_time;  /**< the meter's clock as Unix seconds, UTC */
    int64_t host_time;   /**< the host's clock when the answer arrived, Unix seconds, UTC */
} kb_clock;

/** One register value. */
typedef struct kb_value {
    uint32_t struct_size;
    kb_quantity quantity;
    uint32_t tariff;     /**< energy: 0 = total, 1..4 = T1..T4; other quantities: 0 */
    uint32_t phase;      /**< 0 = total / single phase, 1..3 = L1..L3 */
    double value;        /**< in the unit the quantity names */
    int64_t timestamp;   /**< moment of the value, Unix seconds, UTC */
} kb_value;

/** One power-profile interval. Energy values are NAN when the meter does not record that channel. */
typedef struct kb_interval {
    uint32_t struct_size;
    int64_t start;       /**< start of the interval, Unix seconds, UTC */
    uint32_t length_s;   /**< length in seconds (1800 for a 30-minute profile) */
    double ap_kwh, am_kwh, rp_kvarh, rm_kvarh; /**< energy over the interval */
    uint32_t flags;      /**< KB_INTERVAL_* */
} kb_interval;

#define KB_INTERVAL_INCOMPLETE 1u /**< the meter marks the interval as not full (power off, clock set) */

/** Classes of journal entries, the same for all drivers. */
typedef enum kb_event_class {
    KB_EV_OTHER = 0,
    KB_EV_POWER_OFF = 1, KB_EV_POWER_ON = 2,
    KB_EV_PHASE_OFF = 3, KB_EV_PHASE_ON = 4,
    KB_EV_COVER_OPEN = 5, KB_EV_COVER_CLOSE = 6,
    KB_EV_TERMINAL_COVER_OPEN = 7, KB_EV_TERMINAL_COVER_CLOSE = 8,
    KB_EV_MAGNETIC_FIELD = 9,
    KB_EV_FIRMWARE_INTEGRITY = 10, /**< firmware or metrology check failed */
    KB_EV_CLOCK_SET = 11,
    KB_EV_VOLTAGE_HIGH = 12, KB_EV_VOLTAGE_LOW = 13, KB_EV_VOLTAGE_NORMAL = 14,
    KB_EV_ACCESS = 15              /**< unauthorised access attempt / wrong password */
} kb_event_class;

/** One journal entry. */
typedef struct kb_event {
    uint32_t struct_size;
    int64_t timestamp;      /**< when it happened, Unix seconds, UTC */
    kb_event_class event_class;
    uint32_t phase;         /**< 0 = not phase specific, 1..3 */
    const char* journal;    /**< the meter's journal, e.g. "0x12" or "0.0.99.98.4.255" */
    int32_t code;           /**< the meter's own event code (-1 when the journal has none) */
} kb_event;

/** A read that failed for one object while the session stayed usable: the meter lacks the object
 *  ("object unavailable"), or (status != KB_OK) its answer for this object was malformed. */
typedef struct kb_read_failure {
    uint32_t struct_size;
    kb_read_item item;
    const char* object;     /**< what was asked, e.g. "1.0.1.8.1.255", "ECMPE", "05 00 03" */
    const char* reason;     /**< e.g. "object unavailable" */
    /* added at the end: a host reads it only when struct_size covers it (older drivers do not send it) */
    kb_status status;       /**< KB_OK: the meter lacks the object (a note, not an error); KB_ERR_PROTOCOL:
                                 the meter answered, but the answer for this object made no sense (a failed
                                 item: the host keeps the rest of the read and reports the item) */
} kb_read_failure;

/** Where a driver reports what it read. The host's callbacks never fail and never call back into the
 *  driver. All pointers are valid only during the callback. */
typedef struct kb_reading_sink {
    uint32_t struct_size;
    void* ctx;
    void (*identity)(void* ctx, const kb_identity* identity);
    void (*clock)(void* ctx, const kb_clock* clock);
    void (*value)(void* ctx, const kb_value* value);
    void (*interval)(void* ctx, const kb_interval* interval);
    void (*event)(void* ctx, const kb_event* event);
    void (*unavailable)(void* ctx, const kb_read_failure* failure);
} kb_reading_sink;

/** What one read call asks for. */
typedef struct kb_read_request {
    uint32_t struct_size;
    uint32_t items;  /**< kb_read_item bits */
    int64_t from;    /**< profile and events: start of the range, Unix seconds, UTC (inclusive) */
    int64_t to;      /**< end of the range (exclusive) */
} kb_read_request;

/** Function table of a driver plugin. Grows only at the end.
 *  A session drives exactly one meter; the host never uses a session, or the transport under it, from two
 *  threads at once, and never opens two sessions to one meter. */
typedef struct kb_driver_vtable {
    uint32_t struct_size;
    /** Opens a session to one meter over an open transport: wakes the line, authenticates. `meter_json` is
     *  the meter's settings as a JSON object (address, password, access level, utc_offset_min, ... as the
     *  driver's meter_schema in the manifest says). KB_ERR_CONFIG for bad settings, KB_ERR_AUTH when the
     *  password is refused, KB_ERR_TRANSPORT / KB_ERR_TIMEOUT / KB_ERR_PROTOCOL otherwise. */
    kb_status (*open)(void* instance, const char* meter_json, const kb_transport* transport, void** session,
                      kb_error_buf* error);
    /** Reads what the request asks for and reports it through the sink, as it goes. A failure of one
     *  object is reported through sink->unavailable and the read goes on; a failure of the link ends the
     *  call with KB_ERR_TRANSPORT / KB_ERR_TIMEOUT / KB_ERR_PROTOCOL (what was reported before stays
     *  valid). */
    kb_status (*read)(void* session, const kb_read_request* request, const kb_reading_sink* sink,
                      kb_error_buf* error);
    /** Ends the session (log-out / disconnect when the link still works, bounded by the driver's timeouts)
     *  and frees it. Never fails. */
    void (*close)(void* session);
} kb_driver_vtable;

/* ---- the descriptor ---------------------------------------------------------------------------- */

/** What a plugin returns from its entry: static data, valid until the library is unloaded. */
typedef struct kb_plugin_descriptor {
    uint32_t struct_size;
    uint32_t abi_version;           /**< KABINET_ABI_VERSION the plugin was built against */
    const char* name;               /**< e.g. "sms-http"; must equal the manifest's name */
    const char* version;            /**< the plugin's own version, e.g. "1.0.0" */
    kb_plugin_kind kind;
    const char* config_schema_json; /**< JSON Schema of the config object */
    /** Creates an instance from a JSON config object. On failure returns non-KB_OK and fills error. */
    kb_status (*create)(const char* config_json, void** instance, kb_error_buf* error);
    /** Destroys an instance made by create. */
    void (*destroy)(void* instance);
    /** Kind-specific function table: kb_channel_vtable for KB_PLUGIN_CHANNEL, kb_connector_vtable for
     *  KB_PLUGIN_CONNECTOR, kb_driver_vtable for KB_PLUGIN_DRIVER. */
    const void* vtable;
} kb_plugin_descriptor;

/** The one exported symbol. Returns NULL when the plugin cannot work with this host. */
typedef const kb_plugin_descriptor* (*kb_plugin_entry_fn)(const kb_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* KABINET_PLUGIN_H */
