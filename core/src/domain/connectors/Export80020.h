#pragma once
/// The export of a tenant's half-hourly data as XML 80020 files, as utilities send them upstream: the profile
/// (30-minute intervals) of every meter a connector has linked to a measuring-point code (connector_devices),
/// over whole days, turned into one file a day by the connector's plugin (call "export") and packed into a ZIP.
#include <string>

namespace kabinet {

class ConnectorHub;
class Database;
class Tenant;

/// The ZIP of an export and what it holds.
struct Export80020Result {
    std::string zip;    ///< the archive's bytes
    std::string name;   ///< e.g. 80020_2026-11-01_2026-11-30.zip
    int files = 0;      ///< daily files in it
};

class Export80020 {
public:
    Export80020(Database& db, ConnectorHub& hub);
    /// Days from `from` to `to` (YYYY-MM-DD, inclusive, at most 62 days). Throws Unprocessable naming `from` or
    /// `to` for a bad period, NotFound for a connector the tenant does not declare, the hub's errors (503, 422,
    /// 502) when the plugin fails. Days without complete data are left out of the archive.
    Export80020Result build(const Tenant& t, const std::string& connectorId, const std::string& from, const std::string& to);

private:
    Database& db_;
    ConnectorHub& hub_;
};

} // namespace kabinet
