#pragma once
/// A PostgreSQL streaming replica beside a primary Database: heavy reads go to it while it answers and is behind
/// the primary by at most a bound; otherwise they go to the primary. A background Worker ("replica") measures the
/// lag by comparing WAL positions (primary pg_current_wal_lsn, replica pg_last_wal_replay_lsn).
#include "util/Worker.h"

#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace kabinet {

class Database;

/// Replica routing for one primary. Thread-safe; never throws from read() for a replica fault (it falls back).
class Replica {
public:
    /// Attaches `url` (a PostgreSQL hot standby) to `primary`. A replica that cannot be opened now is retried
    /// by the checker; until then reads go to the primary. `maxLag`: the staleness a routed read may have.
    Replica(Database& primary, std::string url, unsigned poolSize, std::chrono::milliseconds maxLag);
    ~Replica();
    Replica(const Replica&) = delete;
    Replica& operator=(const Replica&) = delete;

    /// Runs the read `fn` on the replica when it is usable, else on the primary. `fn` must be restartable: when
    /// the replica fails during it (connection lost, a recovery conflict), it runs again on the primary.
    void read(const std::function<void(soci::session&)>& fn);

    /// The series of the replica in the Prometheus text format (reads served, fallbacks by reason, lag, state).
    std::string metricsText() const;

    /// The lag measured by the last check, in seconds (0 when caught up; -1 before a check or while it is down).
    double lagSeconds() const;
    /// True when the last check found the replica reachable and within the bound.
    bool usable() const { return usable_.load(); }
    /// Runs a check now (the checker does it on its own every interval); for tests.
    void checkNow();

private:
    std::chrono::milliseconds check();
    void markDown(const std::string& why);
    std::shared_ptr<Database> current() const;

    Database& primary_;
    const std::string url_;
    const unsigned poolSize_;
    const std::chrono::milliseconds maxLag_, interval_;
    std::mutex checkMutex_;             ///< one check at a time (the checker's, checkNow's)
    mutable std::mutex mutex_;          ///< guards db_, samples_, state_, lagSeconds_
    std::shared_ptr<Database> db_;      ///< null until opened
    /// Primary WAL positions seen by checks that the replica had not replayed yet (oldest first): the lag is the
    /// age of the oldest position it still lacks.
    std::deque<std::pair<std::chrono::steady_clock::time_point, double>> samples_;
    std::string state_ = "starting";    ///< "up", "lagging" or "down"
    double lagSeconds_ = -1;
    std::atomic<bool> usable_{false};
    std::atomic<unsigned long long> served_{0}, fellBackLag_{0}, fellBackDown_{0}, failedDuring_{0};
    std::unique_ptr<Worker> checker_;
};

} // namespace kabinet
