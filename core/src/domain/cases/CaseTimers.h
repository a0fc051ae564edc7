#pragma once
/// The timers of cases in the background: a Worker ("cases") whose pass is CaseService::runTimers over every
/// tenant, once a minute (timer actions that are due, overdue flags); a failing pass backs off from a minute up
/// to ten. Several instances on one database are safe: every firing and flag is one conditional UPDATE.
#include "util/Worker.h"

#include <cstdint>
#include <functional>

namespace kabinet {

class CaseService;
class TenantRegistry;

class CaseTimers {
public:
    /// The clock of the passes: Unix seconds now.
    using Clock = std::function<long long()>;
    /// A stopped worker over these services; `clock` (default: the system's) tells each pass the time.
    CaseTimers(CaseService& cases, TenantRegistry& tenants, Clock clock = {});
    /// Stops the worker.
    ~CaseTimers() { stop(); }
    /// Starts the thread (nothing while it runs).
    void start() { worker_.start(); }
    /// Finishes the pass in hand and ends the thread; returns when it has ended.
    void stop() { worker_.stop(); }
    /// Makes the next pass start at once.
    void wake() { worker_.wake(); }
    /// Passes ended so far.
    std::uint64_t passes() const { return worker_.passes(); }

private:
    CaseService& cases_;
    TenantRegistry& tenants_;
    Clock clock_;
    Worker worker_; ///< last: stopped before the members its pass uses are destroyed
};

} // namespace kabinet
