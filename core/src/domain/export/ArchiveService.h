#pragma once
/// Archive exports of meter data for a period (ВОЭК, SPEC §2.3): a consumer requests a period (at most the
/// tenant's depth, 3 years, back); the request can be changed until the tenant's cut-off on the day it was
/// made (21:00 Moscow time for ВОЭК) and is then locked; a background job builds XLSX and CSV files — the next
/// day by default, at once if the tenant says so — and the consumer downloads them. Jobs live in the
/// database and resume after a restart.
#include "identity/SessionInfo.h"
#include "util/Worker.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Database;
class MeterService;
class TenantRegistry;
class Tenant;

class ArchiveService {
public:
    ArchiveService(Database& db, MeterService& meters, std::string dataDir);

    Poco::JSON::Object::Ptr request(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body, long long now);
    Poco::JSON::Object::Ptr change(Tenant& t, const SessionInfo& s, const std::string& id, const Poco::JSON::Object::Ptr& body, long long now);
    Poco::JSON::Object::Ptr list(Tenant& t, const SessionInfo& s, long long now);
    /// The built file of a job of this user: {path, content type, download name}; 404 when not ready.
    std::tuple<std::string, std::string, std::string> file(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& format);
    /// Builds every due job once; returns how many were built. Used by the worker and tests.
    int runDue(TenantRegistry& tenants, long long now);
    /// How long a job is leased to this instance while it is built (default 600 s); set before the worker starts.
    /// Another instance takes the job once the lease has expired — the holder died.
    void leaseFor(long long seconds) noexcept { leaseSeconds_ = seconds; }

private:
    void build(Tenant& t, const std::string& jobId, const std::string& userId, const std::string& from, const std::string& to);
    Database& db_;
    MeterService& meters_;
    std::string dir_;
    long long leaseSeconds_ = 600;
};

/// Runs due archive jobs in the background: a Worker ("jobs") whose pass is ArchiveService::runDue, every 5 s
/// or at once when poked; a failing pass backs off from 5 s up to a minute.
class JobWorker {
public:
    /// A stopped worker over these services.
    JobWorker(ArchiveService& archive, TenantRegistry& tenants);
    /// Stops the worker.
    ~JobWorker() { stop(); }
    /// Starts the thread (nothing while it runs).
    void start() { worker_.start(); }
    /// Finishes the pass in hand and ends the thread; returns when it has ended.
    void stop() { worker_.stop(); }
    /// Runs a pass promptly (after a request due at once); never lost, never blocks.
    void poke() { worker_.wake(); }

private:
    ArchiveService& archive_;
    TenantRegistry& tenants_;
    Worker worker_; ///< last: stopped before the members its pass uses are destroyed
};

} // namespace kabinet
