#pragma once
/// tests/simulators/waviot_server.py as a child process: the WAVIoT platform the waviot connector syncs from,
/// with its clock, fault injection and the truth it holds.
#include "Simulators.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet::test {

class WaviotSim {
public:
    /// Starts the simulator with `modems` modems and one account (login, password).
    explicit WaviotSim(int modems = 4, const std::string& login = "kes-orenburg", const std::string& password = "waviot-demo");
    unsigned short port() const noexcept { return sim_.port(); }
    /// The API base (api_url) and the auth endpoint (auth_url).
    std::string apiUrl() const;
    std::string authUrl() const;
    /// The server's --connectors entry of a waviot connector pointing here, with `extra` JSON members
    /// (e.g. "\"timeout_ms\": 500") added.
    std::string settings(const std::string& extra = "") const;
    /// POST /_control with a JSON object; throws when the simulator refuses it.
    void control(const std::string& json) const;
    /// Sets the simulator's clock (Unix seconds).
    void setNow(long long now) const;
    /// Injects a fault ("401", "401_once", "429", "500", "slow", "truncated") for the next `times` API requests
    /// after `after` untouched ones, only on paths containing `path`.
    void fault(const std::string& kind, int times = 1, int after = 0, const std::string& path = "", int delayMs = 0) const;
    /// GET /_truth for values and events within [from, to].
    Poco::JSON::Object::Ptr truth(long long from, long long to) const;
    /// The whole truth's counters (sessions, logins, refreshes, logouts, faults_served, requests).
    Poco::JSON::Object::Ptr counters() const;

private:
    std::string login_, password_;
    Simulator sim_;
};

} // namespace kabinet::test
