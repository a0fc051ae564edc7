#pragma once
/// One thread that watches every Lua call under way and acts only on a call that outlives its deadline.
///
/// A call registers a time to be looked at on entry and withdraws it on exit (a lock and a set insert:
/// nothing runs inside Lua meanwhile; the thread is woken only when the new time comes before the one it
/// sleeps until, so a stream of short calls costs no thread switches). The thread sleeps until the
/// earliest such time; when one passes it runs that call's action, which either answers a later time to
/// look again (LuaState measures the CPU time its thread used) or ends the watch (LuaState arms its
/// instruction hook). An action runs under the watchdog's lock, so once leave() has returned the watchdog
/// never touches that call again.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace kabinet {

class LuaWatchdog {
public:
    using Clock = std::chrono::steady_clock;
    /// Looks at an overdue call: answers when to look again, or Clock::time_point{} to end the watch.
    using Action = Clock::time_point (*)(void* context);

    /// The process-wide watchdog; its thread starts on first use and is joined at exit.
    static LuaWatchdog& instance();

    /// Watches a call: if `at` passes before leave(ticket), `look(context)` runs on the watchdog's thread
    /// (again at the time it answers, until it answers none). Returns the ticket for leave().
    std::uint64_t enter(Clock::time_point at, Action look, void* context);
    /// Ends the watch of a call (whether or not its action ran); afterwards the action never runs.
    void leave(std::uint64_t ticket);

    LuaWatchdog(const LuaWatchdog&) = delete;
    LuaWatchdog& operator=(const LuaWatchdog&) = delete;
    ~LuaWatchdog();

private:
    LuaWatchdog();
    void run();

    struct Watch {
        Action look;
        void* context;
    };
    std::mutex mutex_;
    std::condition_variable wake_;
    std::set<std::pair<Clock::time_point, std::uint64_t>> deadlines_;
    std::map<std::uint64_t, std::pair<Clock::time_point, Watch>> watches_;
    std::uint64_t next_ = 1;
    Clock::time_point sleepUntil_ = Clock::time_point::max(); // when the waiting thread wakes by itself
    bool stop_ = false;
    std::thread thread_;
};

} // namespace kabinet
