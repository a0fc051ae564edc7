#pragma once
/// Meter polling as a tenant's operators see it (GET operator/polling): gateways with their leases, polled
/// meters with each schedule's state, and the notification records polling raised.
#include <Poco/JSON/Object.h>

namespace kabinet {

class Database;
class Tenant;

class PollingService {
public:
    explicit PollingService(Database& db) : db_(db) {}

    /// Gateways (address, title, lease), every linked meter with its jobs (next run, failures in a row, last
    /// success, last error and its kind) and the latest 50 notification records. Meter settings (passwords)
    /// are never included.
    Poco::JSON::Object::Ptr status(const Tenant& t);

private:
    Database& db_;
};

} // namespace kabinet
