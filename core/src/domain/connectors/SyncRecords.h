#pragma once
/// The consumption of one sync's records, in the thread that runs the sync: meter data rows mapped from upstream
/// device keys to meters and written through the meter-data sink in batches, devices registered and linked by
/// the tenant's `link_device` rule, other kinds stored by their handlers, cursors stored with the records
/// before them, and every refused record counted as a problem.
#include "connectors/ConnectorTypes.h"
#include "meters/MeterData.h"

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kabinet {

class Database;
class Tenant;

/// The records of one sync of one (tenant, connector, account, task); not thread-safe (one consuming thread).
class SyncRecords {
public:
    /// Consumes records of `context`'s connector and account for `tenant` (whose `link_device` rule links new
    /// devices); `handlers` store the kinds other than meter_data / device / cursor / problem; at most
    /// `batchRows` meter data rows wait for the sink; cursors are saved on the (connector, account, `task`) job
    /// only when `scheduled`. Nothing is read or written before the first record.
    SyncRecords(Database& db, MeterDataSink& sink, Tenant& tenant, SyncContext context, std::string task,
                std::map<std::string, RecordHandler> handlers, std::size_t batchRows, bool scheduled);

    /// Takes one record the plugin reported (JSON object text). Guarantees: a record that is not an object, a
    /// malformed or refused one, or one of an unknown kind is a problem (counted, its text kept) and never
    /// stored half; a `device` record is stored at once (and linked when it has no meter yet); meter data rows
    /// of devices without a meter are dropped and counted; a `cursor` record flushes everything before it.
    void consume(const std::string& kind, const std::string& json);
    /// Writes what waits: the pending meter data through the sink (a refused batch counts its records as
    /// problems), then the handled records, one savepoint each, in one transaction that also saves `cursor`
    /// on the job for a scheduled sync. A given cursor becomes the outcome's cursor.
    void flush(const std::optional<std::string>& cursor);
    /// Copies the counts into `out` (records, stored rows, problems, unknown devices and their rows, the last
    /// cursor); when `out.ok` and some record was a problem, `out.error` becomes the first five problem texts.
    void fill(SyncOutcome& out) const;

private:
    void problem(const std::string& text);
    std::optional<std::string> link(const std::string& key, const Poco::Dynamic::Var& device);
    std::optional<std::string> meterOf(const std::string& key);
    void meterData(const Poco::JSON::Object::Ptr& record);

    Database& db_;
    MeterDataSink& sink_;
    Tenant& tenant_;
    const SyncContext context_;
    const std::string tenantId_, task_;
    const std::map<std::string, RecordHandler> handlers_;
    const std::size_t batchRows_;
    const bool scheduled_;

    SyncOutcome counts_;
    MeterDataBatch pending_;
    std::size_t pendingRows_ = 0, pendingRecords_ = 0;
    std::vector<std::pair<std::string, Poco::JSON::Object::Ptr>> handled_;
    std::map<std::string, std::optional<std::string>> meters_; // device key → meter
    std::set<std::string> unknown_;
    std::vector<std::string> problemTexts_;
};

} // namespace kabinet
