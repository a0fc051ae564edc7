#pragma once
/// Demo meters that are really polled: for the run command, which starts simulated meters behind a few TCP
/// gateways (kabinet-meter-sim). Each tenant gets, per gateway, one smart meter beside its first demo smart
/// meter that a consumer sees (same account / contract; point grants copied), linked to the gateway's driver,
/// so the demo consumers see polled data.
#include <string>
#include <vector>

namespace kabinet {

class Database;
class TenantRegistry;

struct SimulatedGateway {
    std::string driver;                 ///< mercury, iec62056-21 or dlms
    std::string host;
    unsigned port = 0;
    unsigned long long serialBase = 0;  ///< serial of the meter at firstAddress (kabinet-meter-sim's default)
    unsigned firstAddress = 1;
};

/// Parses "driver=host:port,driver=host:port" with kabinet-meter-sim's default serials. Throws ConfigError.
std::vector<SimulatedGateway> parseSimulatedGateways(const std::string& text);

/// Links meter k of every gateway to the k-th tenant (ids in order). Idempotent. Returns the meters linked.
unsigned linkSimulatedMeters(Database& db, TenantRegistry& tenants, const std::vector<SimulatedGateway>& gateways);

/// The driver's meter settings for a simulated meter (address, password, ...).
std::string simulatedMeterSettings(const std::string& driver, unsigned address, const std::string& serial);

} // namespace kabinet
