#include <catch2/catch.hpp>

#include "util/Worker.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

using namespace kabinet;
using namespace std::chrono_literals;

namespace {

/// Polls `done` until it holds or a generous deadline passes (a loaded machine is slow, never stuck).
template <typename F>
bool eventually(F done, std::chrono::seconds within = 20s) {
    const auto until = std::chrono::steady_clock::now() + within;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(2ms);
    }
    return true;
}

/// A gate a pass waits at until the test opens it; tells the test when a pass has arrived.
class Gate {
public:
    void arriveAndWait() {
        std::unique_lock lock(m_);
        ++arrived_;
        cv_.notify_all();
        cv_.wait(lock, [this] { return open_; });
    }
    bool waitArrived(int n) {
        std::unique_lock lock(m_);
        return cv_.wait_for(lock, 20s, [&] { return arrived_ >= n; });
    }
    void open() {
        std::lock_guard lock(m_);
        open_ = true;
        cv_.notify_all();
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    int arrived_ = 0;
    bool open_ = false;
};

/// Runs w.stop() in another thread; true when it returned within the deadline.
bool stopsWithin(Worker& w, std::chrono::seconds within) {
    std::atomic<bool> returned{false};
    std::thread t([&] {
        w.stop();
        returned = true;
    });
    const bool ok = eventually([&] { return returned.load(); }, within);
    t.join(); // when stop() hangs, so does the test: that is the failure
    return ok;
}

} // namespace

TEST_CASE("back-off doubles from its first delay up to its cap", "[worker]") {
    const Backoff b{100ms, 1000ms};
    CHECK(b.after(0) == 100ms);
    CHECK(b.after(1) == 100ms);
    CHECK(b.after(2) == 200ms);
    CHECK(b.after(3) == 400ms);
    CHECK(b.after(4) == 800ms);
    CHECK(b.after(5) == 1000ms);
    CHECK(b.after(4000000000u) == 1000ms);
    const Backoff wide{1ms, std::chrono::milliseconds::max()};
    CHECK(wide.after(11) == 1024ms);
    CHECK(wide.after(4000000000u) == std::chrono::milliseconds::max()); // no overflow
    CHECK(Backoff{0ms, 10ms}.after(7) == 0ms);
}

TEST_CASE("a worker runs a pass at start and sleeps until woken", "[worker]") {
    std::atomic<int> runs{0};
    Worker w("test", [&] {
        ++runs;
        return Worker::kUntilWoken;
    });
    CHECK_FALSE(w.running());
    w.start();
    CHECK(w.running());
    REQUIRE(eventually([&] { return w.passes() == 1; }));
    std::this_thread::sleep_for(200ms);
    CHECK(runs == 1); // nobody woke it
    w.wake();
    REQUIRE(eventually([&] { return w.passes() == 2; }));
    CHECK(runs == 2);
    w.stop();
    CHECK_FALSE(w.running());
    w.wake(); // a stopped worker ignores wakes
    std::this_thread::sleep_for(50ms);
    CHECK(runs == 2);
}

TEST_CASE("a wake during a pass is not lost", "[worker]") {
    Gate gate;
    std::atomic<int> runs{0};
    Worker w("test", [&] {
        if (++runs == 1) gate.arriveAndWait();
        return Worker::kUntilWoken;
    });
    w.start();
    REQUIRE(gate.waitArrived(1));
    w.wake(); // while the first pass is still running
    gate.open();
    CHECK(eventually([&] { return runs.load() == 2; }));
    w.stop();
}

TEST_CASE("a pass that asks for a delay runs again after it", "[worker]") {
    Worker w("test", [] { return Worker::Delay(1); });
    w.start();
    CHECK(eventually([&] { return w.passes() >= 5; }));
    w.stop();
    CHECK(w.failuresInRow() == 0);
    CHECK(w.lastDelay() == 1ms);
}

TEST_CASE("stop ends a sleeping worker at once", "[worker]") {
    std::atomic<int> runs{0};
    Worker w("test", [&] {
        ++runs;
        return Worker::Delay(std::chrono::hours(1));
    });
    w.start();
    REQUIRE(eventually([&] { return w.passes() == 1; }));
    CHECK(stopsWithin(w, 10s));
    CHECK_FALSE(w.running());
    CHECK(runs == 1);
    // It can start again, and stop again.
    w.start();
    REQUIRE(eventually([&] { return w.passes() == 2; }));
    CHECK(stopsWithin(w, 10s));
}

TEST_CASE("stop lets the pass in progress finish, and no pass follows", "[worker]") {
    Gate gate;
    std::atomic<int> runs{0};
    std::atomic<bool> sawStopping{false};
    Worker w("test", [&] {
        ++runs;
        gate.arriveAndWait();
        sawStopping = w.stopping();
        return Worker::Delay(0); // would run again at once
    });
    w.start();
    REQUIRE(gate.waitArrived(1));
    std::atomic<bool> returned{false};
    std::thread stopper([&] {
        w.stop();
        returned = true;
    });
    REQUIRE(eventually([&] { return w.stopping(); }));
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(returned.load()); // the pass is still in hand
    gate.open();
    stopper.join();
    CHECK(sawStopping.load());
    CHECK(runs == 1);
    CHECK(w.passes() == 1);
}

TEST_CASE("failed passes back off exponentially; a pass that returns resets it", "[worker]") {
    // Delays are hours, so every pass after the first is the test's wake(): the delays are read, never waited.
    std::atomic<int> runs{0};
    Worker w(
        "test",
        [&]() -> Worker::Delay {
            const int n = ++runs;
            if (n == 5) return std::chrono::minutes(5);
            throw std::runtime_error("database unreachable");
        },
        Backoff{std::chrono::hours(1), std::chrono::hours(4)});
    w.start();
    const std::chrono::milliseconds expected[] = {std::chrono::hours(1), std::chrono::hours(2), std::chrono::hours(4),
                                                  std::chrono::hours(4), std::chrono::minutes(5), std::chrono::hours(1),
                                                  std::chrono::hours(2)};
    const unsigned failures[] = {1, 2, 3, 4, 0, 1, 2};
    for (std::size_t i = 0; i < std::size(expected); ++i) {
        if (i > 0) w.wake();
        REQUIRE(eventually([&] { return w.passes() == i + 1; }));
        CHECK(w.lastDelay() == expected[i]);
        CHECK(w.failuresInRow() == failures[i]);
    }
    CHECK(stopsWithin(w, 10s));
}
