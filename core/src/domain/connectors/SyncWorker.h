#pragma once
/// The background syncs of upstream connectors: `sessions` Workers (util/Worker.h), each taking one account
/// with due jobs at a time (the account's lease makes instances and sessions share the work without overlap),
/// running its due tasks through the ConnectorHub, and sleeping a tick when nothing is due. kabinetd starts it
/// beside the polling scheduler (--connector-sessions, 0 = none).
#include "util/Worker.h"

#include <chrono>
#include <memory>
#include <vector>

namespace kabinet {

class ConnectorHub;

class SyncWorker {
public:
    /// A stopped worker of `sessions` threads over the hub; looks for due jobs every `tick` (and at once when
    /// the hub says jobs became due).
    SyncWorker(ConnectorHub& hub, unsigned sessions, std::chrono::milliseconds tick = std::chrono::milliseconds(5000));
    ~SyncWorker();
    /// Starts the threads (none when sessions is 0).
    void start();
    /// Stops the threads; a sync in progress is asked to stop and finishes at its next record boundary.
    void stop();
    /// Wakes every session.
    void wake();

private:
    ConnectorHub& hub_;
    std::chrono::milliseconds tick_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::vector<std::unique_ptr<Worker*>> selves_; ///< each pass's pointer to its own worker (for stopping())
};

} // namespace kabinet
