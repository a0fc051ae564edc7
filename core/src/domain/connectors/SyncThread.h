#pragma once
/// A connector plugin's sync on a thread of its own: the plugin reports records into a bounded queue, the
/// caller's thread consumes them as they come, and a sync that outlives its deadline is abandoned without
/// waiting for the plugin.
#include "plugins/Connector.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace kabinet {

/// How a plugin's sync ended, as the consuming thread saw it.
struct SyncThreadResult {
    bool timedOut = false;   ///< the deadline passed first: the plugin's thread was abandoned, its later records dropped
    kb_status status = KB_OK; ///< the plugin's status when it returned (KB_OK when timedOut)
    std::string text;        ///< the plugin's error text ("" when none)
};

/// Runs `instance->sync(request)` on a detached thread that owns nothing of the caller (so an abandoned one may
/// outlive it) and calls `consume(kind, json)` in the calling thread for each record, in the plugin's order.
/// Guarantees: at most 1000 records wait unconsumed (the plugin's thread blocks beyond that); `stopping`
/// (may be empty) is polled at least every 200 ms and, once true, asks the plugin to stop; after `timeout`
/// the plugin is asked to stop, the records still queued are dropped, later ones ignored and the result is
/// `timedOut`. When `consume` throws, the plugin's thread is abandoned the same way and the exception goes on.
/// A plugin failure (ChannelError, another exception) is returned as status and text, never thrown.
SyncThreadResult runSyncThread(const std::shared_ptr<Connector>& instance, const ConnectorSyncRequest& request,
                               std::chrono::seconds timeout, const std::function<void(const std::string&, const std::string&)>& consume,
                               const std::function<bool()>& stopping);

} // namespace kabinet
