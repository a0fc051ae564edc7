#include "limits/LimitSettings.h"

#include "tenants/Tenant.h"
#include "util/Plural.h"

#include <algorithm>
#include <cstdio>

namespace kabinet::limits {

LimitSettings LimitSettings::of(const Tenant& t) {
    LimitSettings s;
    auto o = t.moduleSettings("limits"); // checked, with the defaults (kabinet.settings)
    if (!o) return s;
    auto read = [&](const char* key, long long& into) {
        if (o->has(key)) into = o->getValue<long long>(key);
    };
    read(kClientRate, s.clientRate);
    read(kClientBurst, s.clientBurst);
    read(kTenantRate, s.tenantRate);
    read(kTenantBurst, s.tenantBurst);
    read(kIngestRows, s.ingestRowsPerMinute);
    read(kDocumentBytes, s.documentBytes);
    read(kSmsPerDay, s.smsPerDay);
    return s;
}

Poco::JSON::Object::Ptr LimitSettings::toJson() const {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set(kClientRate, clientRate);
    o->set(kClientBurst, clientBurst);
    o->set(kTenantRate, tenantRate);
    o->set(kTenantBurst, tenantBurst);
    o->set(kIngestRows, ingestRowsPerMinute);
    o->set(kDocumentBytes, documentBytes);
    o->set(kSmsPerDay, smsPerDay);
    return o;
}

Error exceeded(const std::string& limit, const std::string& message, long long retryAfterSeconds) {
    Error e(429, "limit_exceeded", message);
    e.retryAfter(std::max(1LL, retryAfterSeconds));
    e.with("limit", limit);
    return e;
}

std::string bytesText(long long bytes) {
    char buf[64];
    if (bytes >= (1LL << 30)) std::snprintf(buf, sizeof buf, "%.1f ГБ", static_cast<double>(bytes) / (1LL << 30));
    else if (bytes >= (1LL << 20)) std::snprintf(buf, sizeof buf, "%.1f МБ", static_cast<double>(bytes) / (1LL << 20));
    else if (bytes >= (1LL << 10)) std::snprintf(buf, sizeof buf, "%.1f КБ", static_cast<double>(bytes) / (1LL << 10));
    else std::snprintf(buf, sizeof buf, "%lld %s", bytes, plural(bytes, "байт", "байта", "байт"));
    std::string s = buf;
    if (auto dot = s.find('.'); dot != std::string::npos) s[dot] = ','; // Russian decimal comma
    return s;
}

} // namespace kabinet::limits
