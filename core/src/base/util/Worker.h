#pragma once
/// The one background-worker type of the core: a named thread that runs a pass, sleeps for as long as the pass
/// asks, wakes at once when told to, stops promptly, and backs off after failed passes. Every background loop
/// (outbox delivery, stored jobs, meter polling) is a Worker with its own pass; the pass holds the work, the
/// Worker holds the thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace kabinet {

/// Capped exponential back-off after failed passes.
struct Backoff {
    std::chrono::milliseconds first{1000}; ///< the delay after the first failure in a row
    std::chrono::milliseconds cap{60000};  ///< no delay is longer than this

    /// The delay after `failures` failed passes in a row: `first` doubled for every failure after the first,
    /// never more than `cap` (and `first` when `failures` is 0 or 1). Never overflows.
    std::chrono::milliseconds after(unsigned failures) const;
};

/// A background thread running one pass at a time. Guarantees:
/// * passes never overlap, and each runs in the worker's own thread (termination signals blocked there);
/// * every wake() is followed by a pass that starts after it (a wake during a pass or during a sleep, even a
///   back-off sleep, is never lost; several wakes before the next pass are served by that one pass);
/// * stop() returns only when the thread has ended: a sleeping worker ends at once, a pass in progress is
///   finished first (long passes should check stopping() between units of work);
/// * a pass that throws is logged (with the worker's name and the failures in a row) and the next one starts
///   after Backoff::after(failures in a row) instead of the delay a pass would have asked for; the first pass
///   that returns resets the count.
class Worker {
public:
    /// How long to sleep before the next pass.
    using Delay = std::chrono::milliseconds;
    /// A pass's answer meaning: sleep until woken (or stopped).
    static constexpr Delay kUntilWoken = Delay::max();
    /// One pass over the work; returns when the next pass is due (0: at once). May throw.
    using Pass = std::function<Delay()>;

    /// A stopped worker; nothing runs before start(). `name` appears in its log lines.
    Worker(std::string name, Pass pass, Backoff backoff = {});
    /// Stops the worker (see stop()).
    ~Worker();
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    /// Starts the thread; the first pass runs at once. Does nothing while the thread runs; after stop() it
    /// starts a new thread (with the failure count kept).
    void start();
    /// Asks the thread to end and joins it; returns at once when it is not running. Safe to call repeatedly
    /// and from any thread but the worker's own.
    void stop();
    /// Makes the next pass start promptly: at once when sleeping, right after the pass in progress otherwise.
    /// Cheap, never blocks on a pass; does nothing visible while the worker is stopped, except that the first
    /// pass after start() runs at once anyway.
    void wake();

    /// True from stop() until the thread has ended; long passes check it between units of work.
    bool stopping() const { return stop_.load(); }
    /// True while the thread runs (between start() and the end of stop()).
    bool running() const { return running_.load(); }
    /// The worker's name as given.
    const std::string& name() const { return name_; }
    /// Failed passes in a row so far (0 after a pass that returned).
    unsigned failuresInRow() const { return failures_.load(); }
    /// The sleep chosen after the last pass: the pass's answer, or the back-off after a failure
    /// (0 before the first pass ended).
    Delay lastDelay() const { return Delay(lastDelayMs_.load()); }
    /// Passes ended so far (returned or thrown).
    std::uint64_t passes() const { return passes_.load(); }

private:
    void run();

    const std::string name_;
    const Pass pass_;
    const Backoff backoff_;
    std::mutex control_; ///< serialises start() and stop()
    std::mutex mutex_;   ///< guards woken_ and the sleep
    std::condition_variable cv_;
    bool woken_ = false;
    std::atomic<bool> stop_{false}, running_{false};
    std::atomic<unsigned> failures_{0};
    std::atomic<Delay::rep> lastDelayMs_{0};
    std::atomic<std::uint64_t> passes_{0};
    std::thread thread_;
};

} // namespace kabinet
