#include "http/Metrics.h"

#include "util/Log.h"

#include <sstream>

namespace kabinet {

void Metrics::observe(const std::string& method, const std::string& route, int status, double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++counts_[{method, route, status}];
    auto& h = latency_[{method, route}];
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    ++h.count;
    h.sum += seconds;
}

std::string Metrics::render() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::ostringstream out;
    auto label = [](const std::string& v) { return log::jsonEscape(v); };
    out << "# HELP kabinet_http_requests_total HTTP requests by method, route and status.\n"
        << "# TYPE kabinet_http_requests_total counter\n";
    for (const auto& [key, n] : counts_) {
        const auto& [method, route, status] = key;
        out << "kabinet_http_requests_total{method=\"" << label(method) << "\",route=\"" << label(route)
            << "\",status=\"" << status << "\"} " << n << "\n";
    }
    out << "# HELP kabinet_http_request_duration_seconds HTTP request latency by method and route.\n"
        << "# TYPE kabinet_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : latency_) {
        const std::string labels = "method=\"" + label(key.first) + "\",route=\"" + label(key.second) + "\"";
        for (std::size_t i = 0; i < kBuckets.size(); ++i)
            out << "kabinet_http_request_duration_seconds_bucket{" << labels << ",le=\"" << kBuckets[i] << "\"} "
                << h.buckets[i] << "\n";
        out << "kabinet_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << h.count << "\n";
        out << "kabinet_http_request_duration_seconds_sum{" << labels << "} " << h.sum << "\n";
        out << "kabinet_http_request_duration_seconds_count{" << labels << "} " << h.count << "\n";
    }
    return out.str();
}

} // namespace kabinet
