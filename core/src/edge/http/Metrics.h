#pragma once
/// Request counters and latency histograms by route and status, exposed in the Prometheus text format.
#include <array>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace kabinet {

class Metrics {
public:
    /// Records one finished request. `route` is the route pattern (never the raw path).
    void observe(const std::string& method, const std::string& route, int status, double seconds);
    /// Renders every series in the Prometheus text exposition format.
    std::string render() const;

private:
    static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,   0.25,   0.5,   1,    2.5,   10};
    struct Histogram {
        std::array<unsigned long long, kBuckets.size()> buckets{};
        unsigned long long count = 0;
        double sum = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, unsigned long long> counts_;
    std::map<std::pair<std::string, std::string>, Histogram> latency_;
};

} // namespace kabinet
