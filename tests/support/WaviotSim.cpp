#include "WaviotSim.h"

#include "KabinetdProcess.h"

#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace kabinet::test {

namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
    Poco::JSON::Parser p;
    return p.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
}

} // namespace

WaviotSim::WaviotSim(int modems, const std::string& login, const std::string& password)
    : login_(login), password_(password),
      sim_("waviot_server.py", {"--port", "0", "--modems", std::to_string(modems), "--login", login, "--password", password}) {}

std::string WaviotSim::apiUrl() const { return "http://127.0.0.1:" + std::to_string(port()) + "/"; }

std::string WaviotSim::authUrl() const { return apiUrl() + "auth/"; }

std::string WaviotSim::settings(const std::string& extra) const {
    return "{\"api_url\": " + quote(apiUrl()) + ", \"auth_url\": " + quote(authUrl()) + ", \"login\": " + quote(login_) +
           ", \"password\": " + quote(password_) + ", \"tree_id\": \"1\"" + (extra.empty() ? "" : ", " + extra) + "}";
}

void WaviotSim::control(const std::string& json) const {
    const auto r = http(port(), "POST", "/_control", json, {{"Content-Type", "application/json"}});
    if (r.status != 200) throw std::runtime_error("waviot simulator refused " + json + ": " + r.body);
}

void WaviotSim::setNow(long long now) const { control("{\"now\": " + std::to_string(now) + "}"); }

void WaviotSim::fault(const std::string& kind, int times, int after, const std::string& path, int delayMs) const {
    control("{\"fault\": " + quote(kind) + ", \"times\": " + std::to_string(times) + ", \"after\": " + std::to_string(after) +
            ", \"path\": " + quote(path) + ", \"delay_ms\": " + std::to_string(delayMs ? delayMs : 5000) + "}");
}

Poco::JSON::Object::Ptr WaviotSim::truth(long long from, long long to) const {
    const auto r = http(port(), "GET", "/_truth?from=" + std::to_string(from) + "&to=" + std::to_string(to));
    if (r.status != 200) throw std::runtime_error("waviot simulator: /_truth answered " + std::to_string(r.status));
    return parse(r.body);
}

Poco::JSON::Object::Ptr WaviotSim::counters() const {
    const auto r = http(port(), "GET", "/_truth?from=0&to=0");
    if (r.status != 200) throw std::runtime_error("waviot simulator: /_truth answered " + std::to_string(r.status));
    return parse(r.body);
}

} // namespace kabinet::test
