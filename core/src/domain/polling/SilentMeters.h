#pragma once
/// Meters that stopped answering polls (issue 11): a polled meter whose last good poll is older than the
/// tenant's `polling.silent_after_h` while its polls keep failing is reported to the tenant's operators as a
/// `meter_silent` notification — once per silence (the dedupe key is the meter and its last good poll, so a
/// meter that answers again and later falls silent again is reported again). A meter never polled
/// successfully is not reported (there is no silence to measure). The check is a step of the polling
/// worker's pass (Scheduler) and is run directly by tests with their own clock.
#include "polling/PollingRules.h"

namespace kabinet {

class Database;
class Tenant;

class SilentMeters {
public:
    /// Works on `db`, which must outlive it.
    explicit SilentMeters(Database& db) : db_(db) {}

    /// Raises `meter_silent` for every meter of `t` silent at `now` under `rules` and not reported for this
    /// silence yet, each in its own transaction; returns how many were raised.
    int check(Tenant& t, const PollingRules& rules, long long now);

private:
    Database& db_;
};

} // namespace kabinet
