// A fake plugin (a channel; FAKE_connector: a connector) compiled in several variants (FAKE_good, FAKE_bad_abi, ...) to test that the host
// refuses every kind of broken plugin and keeps the good one.
#include <kabinet/plugin.h>

#include <cstring>
#include <stdexcept>
#include <string>

namespace {
kb_status create(const char*, void** instance, kb_error_buf*) {
    static int dummy = 0;
    *instance = &dummy;
    return KB_OK;
}
void destroy(void*) {}
[[maybe_unused]] kb_status send(void*, const kb_message*, kb_send_result* result, kb_error_buf*) {
    std::strncpy(result->provider_id, "fake-1", sizeof result->provider_id);
    result->attempts = 1;
    return KB_OK;
}
#if defined(FAKE_connector)
// A supplier that knows one login: "demo-login" / "demo-pass" gives two contracts; "down" is unreachable.
kb_status link(void*, const char* login, const char* password, kb_buffer* out, kb_error_buf* error) {
    const std::string l = login, p = password;
    if (l == "down") {
        std::strncpy(error->text, "supplier unreachable", error->capacity - 1);
        return KB_ERR_TRANSPORT;
    }
    if (l != "demo-login" || p != "demo-pass") {
        std::strncpy(error->text, "credentials refused", error->capacity - 1);
        return KB_ERR_REJECTED;
    }
    const std::string json = R"([{"number":"ОЭС-777","consumer_name":"Иванов Иван","address":"г. Москва, ул. Ленина, 1","valid_from":"2024-01-01"},)"
                             R"({"number":"ОЭС-778","consumer_name":"Иванов Иван","address":"г. Москва, дача"}])";
    out->length = json.size();
    if (json.size() > out->capacity) return KB_ERR_INTERNAL;
    std::memcpy(out->data, json.data(), json.size());
    return KB_OK;
}
const kb_connector_vtable vtable = {sizeof(kb_connector_vtable), &link};
constexpr kb_plugin_kind kKind = KB_PLUGIN_CONNECTOR;
#else
const kb_channel_vtable vtable = {sizeof(kb_channel_vtable), &send};
constexpr kb_plugin_kind kKind = KB_PLUGIN_CHANNEL;
#endif

#if defined(FAKE_bad_abi)
constexpr uint32_t kAbi = (2u << 16) | 0u;
#else
constexpr uint32_t kAbi = KABINET_ABI_VERSION;
#endif
#if defined(FAKE_wrong_name)
constexpr const char* kName = "somebody-else";
#else
constexpr const char* kName = FAKE_NAME;
#endif
const kb_plugin_descriptor descriptor = {sizeof(kb_plugin_descriptor), kAbi, kName, "0.0.1", kKind,
                                         "{\"type\":\"object\"}", &create, &destroy, &vtable};
} // namespace

#if !defined(FAKE_no_entry)
extern "C" KABINET_PLUGIN_EXPORT const kb_plugin_descriptor* kabinet_plugin_entry(const kb_host_api* host) {
#if defined(FAKE_throws)
    (void)host;
    throw std::runtime_error("factory exploded");
#elif defined(FAKE_refuses)
    host->log(host->host_ctx, KB_LOG_ERROR, "this plugin needs host ABI 9.0");
    return nullptr;
#else
    (void)host;
    return &descriptor;
#endif
}
#else
extern "C" KABINET_PLUGIN_EXPORT int some_other_symbol() { return 1; }
#endif
