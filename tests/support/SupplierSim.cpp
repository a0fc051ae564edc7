#include "SupplierSim.h"

#include "KabinetdProcess.h"

#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace kabinet::test {

SupplierSim::SupplierSim(const std::string& window) : sim_("supplier_server.py", {"--port", "0", "--window", window}) {}

std::string SupplierSim::connectorsOption(unsigned timeoutMs) const {
    return R"({"oes360":{"supplier":{"base_url":")" + url() + R"(","timeout_ms":)" + std::to_string(timeoutMs) + R"(,"retries":1}}})";
}

void SupplierSim::control(const std::string& json) const {
    const auto r = http(port(), "POST", "/_control", json, {{"Content-Type", "application/json"}});
    if (r.status != 200) throw std::runtime_error("supplier simulator refused control " + json + ": " + r.body);
}

Poco::JSON::Object::Ptr SupplierSim::truth() const {
    const auto r = http(port(), "GET", "/_truth");
    if (r.status != 200) throw std::runtime_error("supplier simulator: no truth");
    return Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
}

} // namespace kabinet::test
