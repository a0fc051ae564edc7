#include "plugins/Driver.h"

#include "plugins/PluginHost.h"

#include <cmath>
#include <cstddef>

namespace kabinet {

const char* driverErrorKind(kb_status status) {
    switch (status) {
    case KB_OK: return "ok";
    case KB_ERR_CONFIG: return "config";
    case KB_ERR_TRANSPORT: return "transport";
    case KB_ERR_TIMEOUT: return "timeout";
    case KB_ERR_REJECTED: return "rejected";
    case KB_ERR_INTERNAL: return "internal";
    case KB_ERR_PROTOCOL: return "protocol";
    case KB_ERR_AUTH: return "auth";
    }
    return "internal";
}

namespace {

const kb_driver_vtable* vtableOf(const LoadedPlugin& p) {
    return static_cast<const kb_driver_vtable*>(p.descriptor->vtable);
}

std::string text(const char* s) { return s ? std::string(s) : std::string(); }

// The sink callbacks: copy what the driver reports into a DriverReading. They must not throw across the
// C boundary; an allocation failure drops the item.
void onIdentity(void* ctx, const kb_identity* v) {
    if (!v) return;
    try {
        static_cast<DriverReading*>(ctx)->identity =
            DriverReading::Identity{text(v->serial), text(v->model), text(v->firmware), text(v->manufactured_on)};
    } catch (...) {
    }
}
void onClock(void* ctx, const kb_clock* v) {
    if (v) static_cast<DriverReading*>(ctx)->clock = DriverReading::Clock{v->meter_time, v->host_time};
}
void onValue(void* ctx, const kb_value* v) {
    if (!v) return;
    try {
        static_cast<DriverReading*>(ctx)->values.push_back({v->quantity, v->tariff, v->phase, v->value, v->timestamp});
    } catch (...) {
    }
}
void onInterval(void* ctx, const kb_interval* v) {
    if (!v) return;
    try {
        static_cast<DriverReading*>(ctx)->intervals.push_back(
            {v->start, v->length_s, v->ap_kwh, v->am_kwh, v->rp_kvarh, v->rm_kvarh, v->flags});
    } catch (...) {
    }
}
void onEvent(void* ctx, const kb_event* v) {
    if (!v) return;
    try {
        static_cast<DriverReading*>(ctx)->events.push_back({v->timestamp, v->event_class, v->phase, text(v->journal), v->code});
    } catch (...) {
    }
}
void onUnavailable(void* ctx, const kb_read_failure* v) {
    if (!v) return;
    try {
        // The status came later at the end of the struct: a driver that does not send it reports a missing object.
        const bool hasStatus = v->struct_size >= offsetof(kb_read_failure, status) + sizeof(kb_status);
        static_cast<DriverReading*>(ctx)->unavailable.push_back({v->item, text(v->object), text(v->reason), hasStatus ? v->status : KB_OK});
    } catch (...) {
    }
}

} // namespace

Driver::Driver(std::shared_ptr<const LoadedPlugin> plugin, void* instance) : plugin_(std::move(plugin)), instance_(instance) {}

Driver::~Driver() {
    try {
        plugin_->descriptor->destroy(instance_);
    } catch (...) {
    }
}

const std::string& Driver::name() const { return plugin_->manifest.name; }

std::unique_ptr<DriverSession> Driver::open(const std::string& meterJson, ByteTransport& transport) {
    char buf[512] = {0};
    kb_error_buf err{sizeof(kb_error_buf), buf, sizeof buf};
    void* session = nullptr;
    kb_status rc;
    try {
        rc = vtableOf(*plugin_)->open(instance_, meterJson.c_str(), transport.abi(), &session, &err);
    } catch (...) {
        throw DriverError(KB_ERR_INTERNAL, "open threw an exception");
    }
    if (rc != KB_OK) {
        if (session) vtableOf(*plugin_)->close(session);
        throw DriverError(rc, buf[0] ? buf : driverErrorKind(rc));
    }
    if (!session) throw DriverError(KB_ERR_INTERNAL, "open returned no session");
    return std::make_unique<DriverSession>(plugin_, session);
}

DriverSession::DriverSession(std::shared_ptr<const LoadedPlugin> plugin, void* session)
    : plugin_(std::move(plugin)), session_(session) {}

DriverSession::~DriverSession() { close(); }

void DriverSession::close() {
    if (!session_) return;
    void* s = session_;
    session_ = nullptr;
    try {
        vtableOf(*plugin_)->close(s);
    } catch (...) {
    }
}

void DriverSession::read(unsigned items, long long from, long long to, DriverReading& out) {
    if (!session_) throw DriverError(KB_ERR_INTERNAL, "read on a closed session");
    const kb_read_request request{sizeof(kb_read_request), items, from, to};
    const kb_reading_sink sink{sizeof(kb_reading_sink), &out, &onIdentity, &onClock, &onValue,
                               &onInterval, &onEvent, &onUnavailable};
    char buf[512] = {0};
    kb_error_buf err{sizeof(kb_error_buf), buf, sizeof buf};
    kb_status rc;
    try {
        rc = vtableOf(*plugin_)->read(session_, &request, &sink, &err);
    } catch (...) {
        throw DriverError(KB_ERR_INTERNAL, "read threw an exception");
    }
    if (rc != KB_OK) throw DriverError(rc, buf[0] ? buf : driverErrorKind(rc));
}

} // namespace kabinet
