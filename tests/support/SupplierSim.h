#pragma once
/// tests/simulators/supplier_server.py as a child process: the supplier billing API the supplier-http
/// connector talks to, with its /_control (faults, clock, window, appeal answers) and /_truth.
#include "Simulators.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet::test {

class SupplierSim {
public:
    /// Starts the simulator with a submission window of days `window` ("d1-d2").
    explicit SupplierSim(const std::string& window = "1-31");
    unsigned short port() const noexcept { return sim_.port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    /// The --connectors value serving tenant oes360's connector "supplier" from this simulator.
    std::string connectorsOption(unsigned timeoutMs = 1000) const;
    /// POST /_control with this JSON body; throws unless it answers 200.
    void control(const std::string& json) const;
    /// GET /_truth, parsed.
    Poco::JSON::Object::Ptr truth() const;

private:
    Simulator sim_;
};

} // namespace kabinet::test
