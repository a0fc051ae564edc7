#pragma once
/// The forwarding to suppliers in the background: a Worker ("supplier") whose pass is SupplierForwarder::pass over
/// every tenant every 5 seconds (new appeals of the forwarded kinds, appeals and readings that waited for a
/// supplier that was down); a failing pass backs off from 5 s up to 5 min. Several instances on one database:
/// a case is forwarded under its own row (its reference makes a repeated filing at the supplier answer the same
/// appeal).
#include "util/Worker.h"

#include <cstdint>

namespace kabinet {

class SupplierForwarder;
class TenantRegistry;

class SupplierWorker {
public:
    /// A stopped worker.
    SupplierWorker(SupplierForwarder& forwarder, TenantRegistry& tenants);
    /// Stops the worker.
    ~SupplierWorker() { stop(); }
    /// Starts the thread (nothing while it runs).
    void start() { worker_.start(); }
    /// Finishes the pass in hand and ends the thread.
    void stop() { worker_.stop(); }
    /// Makes the next pass start at once.
    void wake() { worker_.wake(); }

private:
    SupplierForwarder& forwarder_;
    TenantRegistry& tenants_;
    Worker worker_; ///< last: stopped before the members its pass uses are destroyed
};

} // namespace kabinet
