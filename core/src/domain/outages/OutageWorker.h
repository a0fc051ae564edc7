#pragma once
/// The notices ahead of time of planned outages, in the background: a Worker ("outages") whose pass is
/// OutageService::notifyDue over every tenant, once a minute; a failing pass backs off from a minute up to ten.
#include "util/Worker.h"

namespace kabinet {

class OutageService;
class TenantRegistry;

class OutageWorker {
public:
    /// A stopped worker over these services.
    OutageWorker(OutageService& outages, TenantRegistry& tenants);
    /// Stops the worker.
    ~OutageWorker() { stop(); }
    /// Starts the thread (nothing while it runs).
    void start() { worker_.start(); }
    /// Finishes the pass in hand and ends the thread; returns when it has ended.
    void stop() { worker_.stop(); }

private:
    OutageService& outages_;
    TenantRegistry& tenants_;
    Worker worker_; ///< last: stopped before the members its pass uses are destroyed
};

} // namespace kabinet
