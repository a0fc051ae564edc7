#include "limits/LimitUsage.h"

#include <soci/soci.h>

namespace kabinet::limits {

long long documentBytes(soci::session& s, const std::string& tenant) {
    long long bytes = 0;
    soci::indicator ind = soci::i_ok;
    s << "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM documents WHERE tenant_id = :t", soci::use(tenant), soci::into(bytes, ind);
    return ind == soci::i_ok ? bytes : 0;
}

long long dayStart(long long now, int offset) {
    const long long local = now + offset;
    long long day = local / 86400;
    if (local < 0 && local % 86400 != 0) --day;
    return day * 86400 - offset;
}

long long smsSentToday(soci::session& s, const std::string& tenant, int offset, long long now) {
    long long n = 0;
    const long long from = dayStart(now, offset);
    s << "SELECT COUNT(*) FROM outbox WHERE tenant_id = :t AND channel = 'sms' AND state = 'sent' AND sent_at >= :from",
        soci::use(tenant), soci::use(from), soci::into(n);
    return n;
}

std::map<std::string, long long> documentBytesByTenant(soci::session& s) {
    std::map<std::string, long long> out;
    soci::rowset<soci::row> rs = (s.prepare << "SELECT tenant_id, CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM documents GROUP BY tenant_id");
    for (const auto& r : rs) {
        // The backends name the type of an expression differently: take whichever arrives.
        long long v = 0;
        switch (r.get_properties(1).get_data_type()) {
        case soci::dt_long_long: v = r.get<long long>(1); break;
        case soci::dt_integer: v = r.get<int>(1); break;
        case soci::dt_double: v = static_cast<long long>(r.get<double>(1)); break;
        case soci::dt_string: v = std::stoll(r.get<std::string>(1)); break;
        default: break;
        }
        out[r.get<std::string>(0)] = v;
    }
    return out;
}

} // namespace kabinet::limits
