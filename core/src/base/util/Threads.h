#pragma once
/// Helpers for the core's own background threads.

namespace kabinet {

/// Blocks SIGTERM, SIGINT, SIGQUIT and SIGPIPE in the calling thread: termination signals belong to the main
/// thread, which waits for them to shut down gracefully (POCO's threads do the same for theirs).
void blockTerminationSignals();

} // namespace kabinet
