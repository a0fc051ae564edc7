#pragma once
/// The host's HTTP client that plugins call through kb_host_api.http (ABI 1.2): one exchange per call over
/// POCO's HTTP(S) sessions, with TLS verification against the system's CA store, a timeout per attempt and the
/// retries kb_http_request describes. Connectors never open sockets themselves.
#include <kabinet/plugin.h>

#include <map>
#include <string>

namespace kabinet {

/// Rules of the host HTTP client (limits stated in docs/ARCHITECTURE.md).
struct PluginHttpLimits {
    static constexpr unsigned kDefaultTimeoutMs = 15000; ///< per attempt when the request says 0
    static constexpr unsigned kMaxRetries = 5;           ///< a request's `retries` is capped at this
    static constexpr unsigned kMaxRetryAfterS = 30;      ///< a Retry-After longer than this waits this long
    static constexpr unsigned kFirstBackoffMs = 500;     ///< without Retry-After: 0.5 s, doubled per retry
    static constexpr std::size_t kMaxBodyBytes = 64u << 20; ///< a longer answer is a transport error
};

/// kb_host_api.http: makes the exchange `request` asks for and fills `response` (its memory is owned by the
/// calling thread and valid until that thread's next call). Returns KB_OK with any HTTP status when an answer
/// came; KB_ERR_TIMEOUT / KB_ERR_TRANSPORT when none did after the retries; KB_ERR_CONFIG for a request that
/// is not well formed (method, URL scheme). Never throws; thread-safe. `hostCtx` is the plugin's name.
kb_status pluginHttp(void* hostCtx, const kb_http_request* request, kb_http_response* response, kb_error_buf* error);

/// Parses "Name: value\r\n" lines into a map with lower-case names (the header format of the ABI).
std::map<std::string, std::string> parseHeaderLines(const std::string& text);

} // namespace kabinet
