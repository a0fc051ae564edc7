#include "util/Worker.h"

#include "util/Log.h"
#include "util/Threads.h"

#include <algorithm>

namespace kabinet {

namespace {
/// Sleeps longer than this count as "until woken" (and keep steady_clock arithmetic from overflowing).
constexpr Worker::Delay kLongest = std::chrono::hours(24 * 365);
} // namespace

std::chrono::milliseconds Backoff::after(unsigned failures) const {
    const auto start = std::max(first, std::chrono::milliseconds(0)), top = std::max(cap, start);
    if (start == std::chrono::milliseconds(0)) return start;
    auto d = start;
    for (unsigned i = 1; i < failures && d < top; ++i) d = d > top / 2 ? top : d * 2;
    return std::min(d, top);
}

Worker::Worker(std::string name, Pass pass, Backoff backoff)
    : name_(std::move(name)), pass_(std::move(pass)), backoff_(backoff) {}

Worker::~Worker() { stop(); }

void Worker::start() {
    std::lock_guard control(control_);
    if (thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stop_ = false;
    }
    running_ = true;
    thread_ = std::thread([this] { run(); });
}

void Worker::stop() {
    std::lock_guard control(control_);
    if (!thread_.joinable()) return;
    {
        // Set under the sleep's mutex, so that the thread either sees it before sleeping or is woken by it.
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    running_ = false;
}

void Worker::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    cv_.notify_all();
}

void Worker::run() {
    blockTerminationSignals();
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stop_) return;
            woken_ = false; // wakes until now are served by the pass below; later ones by the one after it
        }
        Delay delay{0};
        try {
            delay = pass_();
            failures_ = 0;
        } catch (const std::exception& e) {
            delay = backoff_.after(++failures_);
            log::warn("worker pass failed", {{"worker", name_}, {"error", e.what()}, {"failures", std::to_string(failures_.load())},
                                             {"retry_in_ms", std::to_string(delay.count())}});
        } catch (...) {
            delay = backoff_.after(++failures_);
            log::warn("worker pass failed", {{"worker", name_}, {"error", "unknown exception"},
                                             {"failures", std::to_string(failures_.load())},
                                             {"retry_in_ms", std::to_string(delay.count())}});
        }
        lastDelayMs_ = delay.count();
        ++passes_;
        std::unique_lock lock(mutex_);
        const auto ready = [this] { return woken_ || stop_.load(); };
        if (delay >= kLongest) cv_.wait(lock, ready);
        else if (delay > Delay::zero()) cv_.wait_until(lock, std::chrono::steady_clock::now() + delay, ready);
    }
}

} // namespace kabinet
