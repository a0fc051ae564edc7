#include "plugins/Connector.h"

#include "plugins/PluginHost.h"

#include <algorithm>
#include <cstddef>

namespace kabinet {

namespace {
const kb_connector_vtable* table(const LoadedPlugin& p) { return static_cast<const kb_connector_vtable*>(p.descriptor->vtable); }

template <typename F>
bool covers(const kb_connector_vtable* vt, std::size_t offset, F fn) {
    return vt && vt->struct_size >= offset + sizeof(void*) && fn != nullptr;
}

struct SinkContext {
    const Connector::RecordSink* sink;
    const std::function<bool()>* stopping;
};

void sinkEmit(void* ctx, const char* kind, const char* json) {
    auto* c = static_cast<SinkContext*>(ctx);
    try {
        (*c->sink)(kind ? kind : "", json ? json : "");
    } catch (...) {
        // the host's callbacks never fail towards the plugin
    }
}

int sinkStopping(void* ctx) {
    auto* c = static_cast<SinkContext*>(ctx);
    try {
        return (*c->stopping && (*c->stopping)()) ? 1 : 0;
    } catch (...) {
        return 0;
    }
}

/// Runs fn(out, err) with an output buffer of 64 KiB, grown to the size the plugin asks for (up to `limit`)
/// while it says the buffer is too small (KB_ERR_INTERNAL with out.length > capacity).
template <typename F>
std::string withBuffer(std::size_t limit, const char* what, F fn) {
    std::size_t capacity = 64 * 1024;
    for (int round = 0; round < 4; ++round) {
        std::string data(capacity, '\0');
        kb_buffer out{sizeof(kb_buffer), data.data(), capacity, 0};
        char buf[1024] = {0};
        kb_error_buf err{sizeof(kb_error_buf), buf, sizeof buf};
        kb_status rc;
        try {
            rc = fn(&out, &err);
        } catch (...) {
            throw ChannelError(KB_ERR_INTERNAL, std::string(what) + " threw an exception");
        }
        if (rc == KB_ERR_INTERNAL && out.length > capacity) {
            if (out.length > limit) break;
            capacity = std::max(out.length, capacity * 4);
            if (capacity > limit) capacity = limit;
            continue;
        }
        if (rc != KB_OK) throw ChannelError(rc, buf);
        if (out.length > capacity) throw ChannelError(KB_ERR_INTERNAL, "connector wrote past its buffer");
        data.resize(out.length);
        return data;
    }
    throw ChannelError(KB_ERR_INTERNAL, std::string("connector answer larger than ") + std::to_string(limit >> 20) + " MiB");
}
} // namespace

Connector::Connector(std::shared_ptr<const LoadedPlugin> plugin, void* instance) : plugin_(std::move(plugin)), instance_(instance) {}

Connector::~Connector() {
    try {
        plugin_->descriptor->destroy(instance_);
    } catch (...) {
    }
}

const std::string& Connector::pluginName() const { return plugin_->manifest.name; }

bool Connector::hasSync() const {
    const auto* vt = table(*plugin_);
    return covers(vt, offsetof(kb_connector_vtable, sync), vt->sync) && covers(vt, offsetof(kb_connector_vtable, call), vt->call);
}

std::string Connector::linkContracts(const std::string& login, const std::string& password) {
    const auto* vt = table(*plugin_);
    if (!covers(vt, offsetof(kb_connector_vtable, link_contracts), vt->link_contracts))
        throw ChannelError(KB_ERR_INTERNAL, "connector has no link_contracts function");
    return withBuffer(1024 * 1024, "link_contracts", [&](kb_buffer* out, kb_error_buf* err) {
        return vt->link_contracts(instance_, login.c_str(), password.c_str(), out, err);
    });
}

void Connector::sync(const ConnectorSyncRequest& request, const RecordSink& sink, const std::function<bool()>& stopping) {
    const auto* vt = table(*plugin_);
    if (!covers(vt, offsetof(kb_connector_vtable, sync), vt->sync))
        throw ChannelError(KB_ERR_CONFIG, "connector " + pluginName() + " has no sync (plugin ABI older than 1.2)");
    kb_sync_request r{};
    r.struct_size = sizeof(kb_sync_request);
    r.task = request.task.c_str();
    r.account_json = request.accountJson.c_str();
    r.cursor = request.cursor.c_str();
    r.input_json = request.inputJson.c_str();
    r.from = request.from;
    r.to = request.to;
    r.now = request.now;
    SinkContext ctx{&sink, &stopping};
    kb_connector_sink s{sizeof(kb_connector_sink), &ctx, &sinkEmit, &sinkStopping};
    char buf[1024] = {0};
    kb_error_buf err{sizeof(kb_error_buf), buf, sizeof buf};
    kb_status rc;
    try {
        rc = vt->sync(instance_, &r, &s, &err);
    } catch (...) {
        throw ChannelError(KB_ERR_INTERNAL, "sync threw an exception");
    }
    if (rc != KB_OK) throw ChannelError(rc, buf[0] ? std::string(buf) : std::string("sync failed"));
}

std::string Connector::call(const std::string& operation, const std::string& inputJson) {
    const auto* vt = table(*plugin_);
    if (!covers(vt, offsetof(kb_connector_vtable, call), vt->call))
        throw ChannelError(KB_ERR_CONFIG, "connector " + pluginName() + " has no call (plugin ABI older than 1.2)");
    return withBuffer(std::size_t(64) << 20, "call", [&](kb_buffer* out, kb_error_buf* err) {
        return vt->call(instance_, operation.c_str(), inputJson.c_str(), out, err);
    });
}

} // namespace kabinet
