#pragma once
/// The host side of a connector plugin (kb_connector_vtable): the legacy link_contracts of ABI 1.0, and since
/// ABI 1.2 sync (records reported through a sink as they come) and call (request–answer operations). Every
/// entry checks the plugin's struct_size first: a 1.0/1.1 plugin has no sync/call and says so by an error,
/// never by a crash.
#include <kabinet/plugin.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace kabinet {

struct LoadedPlugin;

/// A failed plugin call (channel send, connector call): the plugin's status and its (personal-data-free) text.
struct ChannelError : std::runtime_error {
    ChannelError(kb_status s, const std::string& m) : std::runtime_error(m), status(s) {}
    kb_status status;
};

/// What one connector sync asks for (kb_sync_request as C++ data).
struct ConnectorSyncRequest {
    std::string task, cursor, accountJson = "{}", inputJson = "{}";
    long long from = 0, to = 0, now = 0;
};

/// A connector instance (host side C++ view of a connector plugin instance). Its calls may run on several
/// threads at once for different accounts, as the SDK tells plugin authors.
class Connector {
public:
    /// Receives one record: its kind and its JSON text (valid during the call). Must not throw.
    using RecordSink = std::function<void(const std::string& kind, const std::string& json)>;

    Connector(std::shared_ptr<const LoadedPlugin> plugin, void* instance);
    ~Connector();
    Connector(const Connector&) = delete;
    Connector& operator=(const Connector&) = delete;

    /// The plugin's name (its manifest's).
    const std::string& pluginName() const;
    /// True when the plugin has sync and call (ABI 1.2 function table).
    bool hasSync() const;
    /// The contracts a supplier login gives access to, as JSON text. Throws ChannelError with the status.
    std::string linkContracts(const std::string& login, const std::string& password);
    /// Runs one sync: every record the plugin emits goes to `sink` at once; `stopping` is polled by the plugin.
    /// Returns when the plugin returns; throws ChannelError with its status and text on failure (records reported
    /// before stay reported), and ChannelError(KB_ERR_CONFIG) for a plugin without sync.
    void sync(const ConnectorSyncRequest& request, const RecordSink& sink, const std::function<bool()>& stopping);
    /// One request–answer operation; returns the plugin's JSON text (output buffer grown up to 64 MiB).
    /// Throws ChannelError with the status (KB_ERR_CONFIG for a plugin without call).
    std::string call(const std::string& operation, const std::string& inputJson);

private:
    std::shared_ptr<const LoadedPlugin> plugin_;
    void* instance_;
};

} // namespace kabinet
