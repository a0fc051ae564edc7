#pragma once
/// Loads plugins from a directory of plugin folders (each with manifest.json and its library) through
/// Boost.DLL and the C ABI of kabinet/plugin.h. A plugin that is incompatible, lacks the entry symbol,
/// throws, or disagrees with its manifest is refused with a clear log line; the server goes on without it.
#include "plugins/Connector.h"
#include "plugins/Driver.h"

#include <kabinet/plugin.h>

#include <boost/dll/shared_library.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kabinet {

/// What a plugin folder's manifest.json declares.
struct PluginManifest {
    std::string name, kind, version, abi, library, status, securityPosture, configSchema, folder;
};

/// A plugin that loaded.
struct LoadedPlugin {
    PluginManifest manifest;
    std::shared_ptr<boost::dll::shared_library> library;
    const kb_plugin_descriptor* descriptor = nullptr;
};

/// A plugin folder that was refused, and why.
struct PluginFailure {
    std::string folder;
    std::string error;
};

/// A channel instance (host side C++ view of a channel plugin instance).
class Channel {
public:
    Channel(std::shared_ptr<const LoadedPlugin> plugin, void* instance);
    ~Channel();
    Channel(const Channel&) = delete;
    Channel& operator=(const Channel&) = delete;
    /// Sends a message; returns the provider's id. Throws ChannelError with the status on failure.
    std::string send(const std::string& recipient, const std::string& text, const std::string& reference,
                     unsigned* attempts = nullptr);
private:
    std::shared_ptr<const LoadedPlugin> plugin_;
    void* instance_;
};

class PluginHost {
public:
    /// Scans `dir`; every subfolder with a manifest.json is one plugin. Never throws for a bad plugin.
    explicit PluginHost(const std::string& dir);
    ~PluginHost();

    const std::vector<std::shared_ptr<const LoadedPlugin>>& plugins() const noexcept { return plugins_; }
    const std::vector<PluginFailure>& failures() const noexcept { return failures_; }
    /// The loaded plugin of this name, or nullptr.
    std::shared_ptr<const LoadedPlugin> find(const std::string& name) const;
    /// Creates a channel instance of the named channel plugin with a JSON config. Throws ConfigError.
    std::unique_ptr<Channel> createChannel(const std::string& name, const std::string& configJson) const;

    /// Creates a connector instance of the named connector plugin with a JSON config. Throws ConfigError.
    std::unique_ptr<Connector> createConnector(const std::string& name, const std::string& configJson) const;

    /// Creates a driver instance of the named driver plugin with a JSON config. Throws ConfigError.
    std::unique_ptr<Driver> createDriver(const std::string& name, const std::string& configJson) const;
    /// The same for a plugin loaded with loadFolder.
    static std::unique_ptr<Driver> createDriver(std::shared_ptr<const LoadedPlugin> plugin, const std::string& configJson);

    /// Loads one plugin folder; throws std::runtime_error explaining why it is refused.
    static std::shared_ptr<const LoadedPlugin> loadFolder(const std::string& folder);

private:
    std::vector<std::shared_ptr<const LoadedPlugin>> plugins_;
    std::vector<PluginFailure> failures_;
};

/// "driver", "connector", "channel" or "unknown".
const char* pluginKindName(kb_plugin_kind kind);

} // namespace kabinet
