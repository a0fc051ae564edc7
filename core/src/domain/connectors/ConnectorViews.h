#pragma once
/// What operators see of a tenant's connectors (the page «Обмен данными»): each declared connector with its
/// state, accounts, devices and jobs; a connector's sync log; its upstream devices with the meters they are.
#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class ConnectorHub;
class Database;
class Tenant;

class ConnectorViews {
public:
    ConnectorViews(Database& db, ConnectorHub& hub) : db_(db), hub_(hub) {}
    /// {"items":[{id, label, plugin, state, reason, accounts, devices, unlinked_devices, jobs:[…]}]} at `now`.
    Poco::JSON::Object::Ptr list(const Tenant& t, long long now) const;
    /// {"items":[…connector_log rows…]}, newest first, at most `limit` (1–500). 404 for an undeclared connector.
    Poco::JSON::Object::Ptr log(const Tenant& t, const std::string& connectorId, int limit) const;
    /// {"items":[{key, title, serial, meter_serial, point_name, battery, last_message, seen_at}]}. 404 as above.
    Poco::JSON::Object::Ptr devices(const Tenant& t, const std::string& connectorId) const;

private:
    void require(const Tenant& t, const std::string& connectorId) const;
    Database& db_;
    ConnectorHub& hub_;
};

} // namespace kabinet
