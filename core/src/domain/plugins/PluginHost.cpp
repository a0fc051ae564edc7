#include "plugins/PluginHost.h"
#include "plugins/PluginHttp.h"

#include "util/Error.h"
#include "util/Files.h"
#include "util/Log.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <algorithm>
#include <fstream>
#include <sstream>

namespace kabinet {

namespace {
void hostLog(void* ctx, kb_log_level level, const char* message) {
    const char* name = static_cast<const char*>(ctx);
    const std::string text = message ? message : "";
    switch (level) {
    case KB_LOG_DEBUG: log::debug("plugin", {{"plugin", name}, {"text", text}}); break;
    case KB_LOG_INFO: log::info("plugin", {{"plugin", name}, {"text", text}}); break;
    case KB_LOG_WARN: log::warn("plugin", {{"plugin", name}, {"text", text}}); break;
    default: log::error("plugin", {{"plugin", name}, {"text", text}}); break;
    }
}

/// Host API blocks live as long as the process: plugins may keep the pointer.
const kb_host_api* hostApiFor(const std::string& name) {
    static std::mutex m;
    static std::map<std::string, std::pair<std::unique_ptr<std::string>, std::unique_ptr<kb_host_api>>> apis;
    std::lock_guard<std::mutex> lock(m);
    auto& slot = apis[name];
    if (!slot.second) {
        slot.first = std::make_unique<std::string>(name);
        slot.second = std::make_unique<kb_host_api>();
        slot.second->struct_size = sizeof(kb_host_api);
        slot.second->abi_version = KABINET_ABI_VERSION;
        slot.second->host_ctx = const_cast<char*>(slot.first->c_str());
        slot.second->log = &hostLog;
        slot.second->http = &pluginHttp;
    }
    return slot.second.get();
}

std::string abiText(uint32_t v) { return std::to_string(v >> 16) + "." + std::to_string(v & 0xFFFF); }
} // namespace

const char* pluginKindName(kb_plugin_kind kind) {
    switch (kind) {
    case KB_PLUGIN_DRIVER: return "driver";
    case KB_PLUGIN_CONNECTOR: return "connector";
    case KB_PLUGIN_CHANNEL: return "channel";
    }
    return "unknown";
}

std::shared_ptr<const LoadedPlugin> PluginHost::loadFolder(const std::string& folder) {
    auto p = std::make_shared<LoadedPlugin>();
    PluginManifest& m = p->manifest;
    m.folder = folder;
    try {
        std::string text;
        readFile(folder + "/manifest.json", text);
        Poco::JSON::Parser parser;
        auto obj = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
        m.name = obj->optValue<std::string>("name", "");
        m.kind = obj->optValue<std::string>("kind", "");
        m.version = obj->optValue<std::string>("version", "");
        m.abi = obj->optValue<std::string>("abi", "");
        m.library = obj->optValue<std::string>("library", "");
        m.status = obj->optValue<std::string>("status", "");
        m.securityPosture = obj->optValue<std::string>("security_posture", "");
        if (obj->has("config_schema")) {
            std::ostringstream ss;
            obj->get("config_schema").extract<Poco::JSON::Object::Ptr>()->stringify(ss);
            m.configSchema = ss.str();
        }
    } catch (const std::exception& e) {
        throw std::runtime_error("manifest.json is not valid JSON or not an object");
    }
    if (m.name.empty() || m.kind.empty() || m.library.empty())
        throw std::runtime_error("manifest.json must name 'name', 'kind' and 'library'");
    if (m.library.find('/') != std::string::npos) throw std::runtime_error("manifest 'library' must be a file name");
    const std::string libPath = folder + "/" + m.library;
    if (!Poco::File(libPath).exists()) throw std::runtime_error("library " + m.library + " is missing");
    try {
        p->library = std::make_shared<boost::dll::shared_library>(
            libPath, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        throw std::runtime_error("cannot load " + m.library + ": " + e.what());
    }
    if (!p->library->has(KABINET_PLUGIN_ENTRY_SYMBOL))
        throw std::runtime_error(std::string("library has no entry symbol ") + KABINET_PLUGIN_ENTRY_SYMBOL);
    auto entry = p->library->get<const kb_plugin_descriptor*(const kb_host_api*)>(KABINET_PLUGIN_ENTRY_SYMBOL);
    const kb_plugin_descriptor* d = nullptr;
    try {
        d = entry(hostApiFor(m.name));
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("entry threw an exception: ") + e.what());
    } catch (...) {
        throw std::runtime_error("entry threw an exception");
    }
    if (!d) throw std::runtime_error("plugin refused this host (ABI " + abiText(KABINET_ABI_VERSION) + ")");
    if (d->struct_size < offsetof(kb_plugin_descriptor, vtable) + sizeof(void*))
        throw std::runtime_error("descriptor is too small (struct_size " + std::to_string(d->struct_size) + ")");
    if ((d->abi_version >> 16) != KABINET_ABI_MAJOR || (d->abi_version & 0xFFFF) > KABINET_ABI_MINOR)
        throw std::runtime_error("incompatible ABI version " + abiText(d->abi_version) + " (host supports " +
                                 std::to_string(KABINET_ABI_MAJOR) + ".0–" + abiText(KABINET_ABI_VERSION) + ")");
    if (!d->name || m.name != d->name)
        throw std::runtime_error("descriptor name '" + std::string(d->name ? d->name : "") +
                                 "' differs from the manifest's '" + m.name + "'");
    if (m.kind != pluginKindName(d->kind))
        throw std::runtime_error("descriptor kind '" + std::string(pluginKindName(d->kind)) +
                                 "' differs from the manifest's '" + m.kind + "'");
    if (!d->create || !d->destroy || !d->vtable) throw std::runtime_error("descriptor lacks create/destroy/vtable");
    if (d->version && m.version.empty()) m.version = d->version;
    m.abi = abiText(d->abi_version);
    p->descriptor = d;
    return p;
}

PluginHost::PluginHost(const std::string& dir) {
    Poco::File root(dir);
    if (!root.exists() || !root.isDirectory()) {
        log::warn("plugin directory missing; no plugins loaded", {{"dir", dir}});
        return;
    }
    std::vector<std::string> folders;
    for (Poco::DirectoryIterator it(dir), end; it != end; ++it)
        if (it->isDirectory() && Poco::File(it.path().toString() + "/manifest.json").exists())
            folders.push_back(it.path().toString());
    std::sort(folders.begin(), folders.end());
    for (const auto& f : folders) {
        try {
            auto p = loadFolder(f);
            if (find(p->manifest.name)) throw std::runtime_error("a plugin named '" + p->manifest.name + "' is already loaded");
            plugins_.push_back(p);
            log::info("plugin loaded", {{"plugin", p->manifest.name}, {"kind", p->manifest.kind},
                                        {"version", p->manifest.version}, {"abi", p->manifest.abi}});
        } catch (const std::exception& e) {
            failures_.push_back({f.substr(f.find_last_of('/') + 1), e.what()});
            log::error("plugin refused", {{"folder", f}, {"error", e.what()}});
        }
    }
}

PluginHost::~PluginHost() = default;

std::shared_ptr<const LoadedPlugin> PluginHost::find(const std::string& name) const {
    for (const auto& p : plugins_)
        if (p->manifest.name == name) return p;
    return nullptr;
}

namespace {
void* createInstance(const LoadedPlugin& p, const std::string& name, const std::string& configJson) {
    char buf[512] = {0};
    kb_error_buf err{sizeof(kb_error_buf), buf, sizeof buf};
    void* instance = nullptr;
    kb_status rc;
    try {
        rc = p.descriptor->create(configJson.c_str(), &instance, &err);
    } catch (...) {
        throw ConfigError("plugin '" + name + "': create threw an exception");
    }
    if (rc != KB_OK || !instance) throw ConfigError("plugin '" + name + "': " + std::string(buf));
    return instance;
}
} // namespace

std::unique_ptr<Channel> PluginHost::createChannel(const std::string& name, const std::string& configJson) const {
    auto p = find(name);
    if (!p) throw ConfigError("channel plugin '" + name + "' is not loaded");
    if (p->descriptor->kind != KB_PLUGIN_CHANNEL) throw ConfigError("plugin '" + name + "' is not a channel");
    return std::make_unique<Channel>(p, createInstance(*p, name, configJson));
}


std::unique_ptr<Connector> PluginHost::createConnector(const std::string& name, const std::string& configJson) const {
    auto p = find(name);
    if (!p) throw ConfigError("connector plugin '" + name + "' is not loaded");
    if (p->descriptor->kind != KB_PLUGIN_CONNECTOR) throw ConfigError("plugin '" + name + "' is not a connector");
    return std::make_unique<Connector>(p, createInstance(*p, name, configJson));
}

std::unique_ptr<Driver> PluginHost::createDriver(const std::string& name, const std::string& configJson) const {
    auto p = find(name);
    if (!p) throw ConfigError("driver plugin '" + name + "' is not loaded");
    return createDriver(p, configJson);
}

std::unique_ptr<Driver> PluginHost::createDriver(std::shared_ptr<const LoadedPlugin> p, const std::string& configJson) {
    const std::string name = p->manifest.name;
    if (p->descriptor->kind != KB_PLUGIN_DRIVER) throw ConfigError("plugin '" + name + "' is not a driver");
    auto* vt = static_cast<const kb_driver_vtable*>(p->descriptor->vtable);
    if (vt->struct_size < offsetof(kb_driver_vtable, close) + sizeof(void*) || !vt->open || !vt->read || !vt->close)
        throw ConfigError("driver plugin '" + name + "' has an incomplete function table");
    void* instance = createInstance(*p, name, configJson);
    return std::make_unique<Driver>(std::move(p), instance);
}

Channel::Channel(std::shared_ptr<const LoadedPlugin> plugin, void* instance)
    : plugin_(std::move(plugin)), instance_(instance) {}

Channel::~Channel() {
    try {
        plugin_->descriptor->destroy(instance_);
    } catch (...) {
    }
}

std::string Channel::send(const std::string& recipient, const std::string& text, const std::string& reference,
                          unsigned* attempts) {
    auto* vt = static_cast<const kb_channel_vtable*>(plugin_->descriptor->vtable);
    if (vt->struct_size < offsetof(kb_channel_vtable, send) + sizeof(void*) || !vt->send)
        throw ChannelError(KB_ERR_INTERNAL, "channel has no send function");
    kb_message msg{sizeof(kb_message), recipient.c_str(), text.c_str(), reference.empty() ? nullptr : reference.c_str()};
    kb_send_result res{};
    res.struct_size = sizeof(kb_send_result);
    char buf[512] = {0};
    kb_error_buf err{sizeof(kb_error_buf), buf, sizeof buf};
    kb_status rc;
    try {
        rc = vt->send(instance_, &msg, &res, &err);
    } catch (...) {
        throw ChannelError(KB_ERR_INTERNAL, "send threw an exception");
    }
    if (attempts) *attempts = res.attempts;
    if (rc != KB_OK) throw ChannelError(rc, buf);
    res.provider_id[sizeof res.provider_id - 1] = 0;
    return res.provider_id;
}

} // namespace kabinet
