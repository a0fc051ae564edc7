#include "limits/TenantLimits.h"

#include "limits/LimitUsage.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Log.h"

#include <soci/soci.h>

#include <ctime>
#include <map>
#include <set>
#include <sstream>

namespace kabinet {

using namespace limits;

void TenantLimits::admitRequest(const Tenant& t, const std::string& client) {
    rates_.admitRequest(t.id(), LimitSettings::of(t), client);
}

void TenantLimits::takeIngestRows(const Tenant& t, long long rows) { rates_.takeIngestRows(t.id(), LimitSettings::of(t), rows); }

void TenantLimits::returnIngestRows(const Tenant& t, long long rows) { rates_.returnIngestRows(t.id(), LimitSettings::of(t), rows); }

Poco::JSON::Object::Ptr TenantLimits::report(const Tenant& t) {
    const LimitSettings l = LimitSettings::of(t);
    const auto u = rates_.usage(t.id());
    long long documents = 0, sms = 0;
    const long long now = static_cast<long long>(std::time(nullptr));
    db_.read([&](soci::session& s) {
        documents = documentBytes(s, t.id());
        sms = smsSentToday(s, t.id(), t.utcOffset(), now);
    });
    Poco::JSON::Object::Ptr usage = new Poco::JSON::Object;
    usage->set(kTenantRate, u.requestsLastSecond);
    usage->set(kIngestRows, u.ingestRowsLastMinute);
    usage->set(kDocumentBytes, documents);
    usage->set(kSmsPerDay, sms);
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    out->set("limits", l.toJson());
    out->set("usage", usage);
    return out;
}

std::string TenantLimits::metricsText() {
    const long long now = static_cast<long long>(std::time(nullptr));
    std::map<std::string, long long> documents;
    // Text messages sent by tenant and hour over the last 38 hours: a tenant's day begins on a whole hour of UTC
    // (Russian zones are whole hours), so its count since midnight is a sum of hours.
    std::map<std::string, std::map<long long, long long>> smsHours;
    try {
        db_.read([&](soci::session& s) {
            documents = documentBytesByTenant(s);
            const long long from = now - 38 * 3600;
            soci::rowset<soci::row> rs = (s.prepare << "SELECT tenant_id, CAST(sent_at / 3600 AS BIGINT), COUNT(*) FROM outbox "
                                                       "WHERE channel = 'sms' AND state = 'sent' AND sent_at >= :from "
                                                       "GROUP BY tenant_id, CAST(sent_at / 3600 AS BIGINT)",
                                          soci::use(from));
            auto number = [](const soci::row& r, std::size_t i) -> long long {
                switch (r.get_properties(i).get_data_type()) {
                case soci::dt_long_long: return r.get<long long>(i);
                case soci::dt_integer: return r.get<int>(i);
                case soci::dt_double: return static_cast<long long>(r.get<double>(i));
                case soci::dt_string: return std::stoll(r.get<std::string>(i));
                default: return 0;
                }
            };
            for (const auto& r : rs) smsHours[r.get<std::string>(0)][number(r, 1)] += number(r, 2);
        });
    } catch (const std::exception& e) {
        log::warn("limits: usage not read for /metrics", {{"error", e.what()}});
    }
    const auto seen = rates_.tenants();
    std::map<std::string, int> offsets; // tenants whose limits are known: their local day; else UTC+3
    std::ostringstream out;
    auto label = [](const std::string& v) { return log::jsonEscape(v); };
    out << "# HELP kabinet_limit_rejections_total Requests, ingest batches, uploads and text messages refused by a tenant limit.\n"
        << "# TYPE kabinet_limit_rejections_total counter\n";
    for (const auto& [key, n] : Rejections::snapshot())
        out << "kabinet_limit_rejections_total{tenant=\"" << label(key.first) << "\",limit=\"" << label(key.second) << "\"} " << n
            << "\n";
    out << "# HELP kabinet_limit_usage What a tenant uses of a limit: API requests over the last second and ingest rows over "
           "the last minute (this instance), document bytes stored, text messages sent today (UTC+3 day).\n"
        << "# TYPE kabinet_limit_usage gauge\n";
    std::set<std::string> tenants;
    for (const auto& [id, l] : seen) tenants.insert(id);
    for (const auto& [id, v] : documents) tenants.insert(id);
    for (const auto& [id, v] : smsHours) tenants.insert(id);
    const long long today = dayStart(now, 3 * 3600) / 3600;
    for (const auto& id : tenants) {
        const std::string t = "tenant=\"" + label(id) + "\"";
        const auto u = rates_.usage(id);
        long long sms = 0;
        if (auto it = smsHours.find(id); it != smsHours.end())
            for (const auto& [hour, n] : it->second)
                if (hour >= today) sms += n;
        out << "kabinet_limit_usage{" << t << ",limit=\"" << kTenantRate << "\"} " << u.requestsLastSecond << "\n"
            << "kabinet_limit_usage{" << t << ",limit=\"" << kIngestRows << "\"} " << u.ingestRowsLastMinute << "\n"
            << "kabinet_limit_usage{" << t << ",limit=\"" << kDocumentBytes << "\"} " << (documents.count(id) ? documents[id] : 0) << "\n"
            << "kabinet_limit_usage{" << t << ",limit=\"" << kSmsPerDay << "\"} " << sms << "\n";
    }
    out << "# HELP kabinet_limit A tenant's limit (tenants that had a request or ingest batch since start).\n"
        << "# TYPE kabinet_limit gauge\n";
    for (const auto& [id, l] : seen) {
        auto values = l.toJson();
        for (const auto& [name, v] : *values)
            out << "kabinet_limit{tenant=\"" << label(id) << "\",limit=\"" << label(name) << "\"} " << v.convert<long long>() << "\n";
    }
    return out.str();
}

} // namespace kabinet
