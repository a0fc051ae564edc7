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
#define KABINET_ABI_MINOR 0
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
    KB_ERR_INTERNAL = 5   /**< a bug or an unexpected state inside the plugin */
} kb_status;

typedef enum kb_log_level { KB_LOG_DEBUG = 0, KB_LOG_INFO = 1, KB_LOG_WARN = 2, KB_LOG_ERROR = 3 } kb_log_level;

/** Services the host offers to a plugin. Valid for the lifetime of the loaded library. */
typedef struct kb_host_api {
    uint32_t struct_size;
    uint32_t abi_version; /**< KABINET_ABI_VERSION of the host */
    void* host_ctx;       /**< pass back as the first argument of every callback */
    /** Writes one log line attributed to the plugin. Must not contain personal data. */
    void (*log)(void* host_ctx, kb_log_level level, const char* message);
} kb_host_api;

/** A buffer the host provides for a plugin's error text (UTF-8, always NUL-terminated by the plugin). */
typedef struct kb_error_buf {
    uint32_t struct_size;
    char* text;
    size_t capacity;
} kb_error_buf;

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
typedef struct kb_connector_vtable {
    uint32_t struct_size;
    /** Checks a consumer's login and password at the supplier and writes the contracts they give access to
     *  into `out` as a JSON array: [{"number","title","consumer_name","address","valid_from"}]. The password
     *  must not be kept or logged. KB_ERR_REJECTED: wrong credentials; KB_ERR_TRANSPORT/TIMEOUT: retry later;
     *  KB_ERR_INTERNAL when `out` is too small (the host retries with a bigger buffer up to 1 MiB). */
    kb_status (*link_contracts)(void* instance, const char* login, const char* password, kb_buffer* out, kb_error_buf* error);
} kb_connector_vtable;

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
     *  KB_PLUGIN_CONNECTOR. */
    const void* vtable;
} kb_plugin_descriptor;

/** The one exported symbol. Returns NULL when the plugin cannot work with this host. */
typedef const kb_plugin_descriptor* (*kb_plugin_entry_fn)(const kb_host_api* host);

#ifdef __cplusplus
}
#endif

#endif /* KABINET_PLUGIN_H */
