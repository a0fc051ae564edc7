#pragma once
/// The timers of cases in the background: a Worker ("cases") whose pass is CaseService::runTimers over every
/// tenant, once a minute (timer actions that are due, overdue flags); a failing pass backs off from a minute up
/// to ten. Several instances on one database are safe: every firing and flag is one conditional UPDATE.
#include "util/Worker.h"

namespace kabinet {

class CaseService;
class TenantRegistry;

class CaseTimers {
public:
    /// A stopped worker over these services.
    CaseTimers(CaseService& cases, TenantRegistry& tenants);
    /// Stops the worker.
    ~CaseTimers() { stop(); }
    /// Starts the thread (nothing while it runs).
    void start() { worker_.start(); }
    /// Finishes the pass in hand and ends the thread; returns when it has ended.
    void stop() { worker_.stop(); }
    /// Makes the next pass start at once.
    void wake() { worker_.wake(); }

private:
    CaseService& cases_;
    TenantRegistry& tenants_;
    Worker worker_; ///< last: stopped before the members its pass uses are destroyed
};

} // namespace kabinet
