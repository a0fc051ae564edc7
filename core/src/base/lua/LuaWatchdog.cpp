#include "lua/LuaWatchdog.h"
#include "util/Threads.h"

namespace kabinet {

LuaWatchdog& LuaWatchdog::instance() {
    static LuaWatchdog watchdog;
    return watchdog;
}

LuaWatchdog::LuaWatchdog() : thread_([this] { run(); }) {}

LuaWatchdog::~LuaWatchdog() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

std::uint64_t LuaWatchdog::enter(Clock::time_point at, Action look, void* context) {
    bool earliest = false;
    std::uint64_t ticket = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ticket = next_++;
        earliest = at < sleepUntil_; // else the thread wakes before `at` anyway and sees it then
        deadlines_.emplace(at, ticket);
        watches_.emplace(ticket, std::make_pair(at, Watch{look, context}));
    }
    if (earliest) wake_.notify_one(); // the thread sleeps until later (or for good): a wake-up per call would
                                      // cost a thread switch for every Lua call
    return ticket;
}

void LuaWatchdog::leave(std::uint64_t ticket) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = watches_.find(ticket);
    if (it == watches_.end()) return;
    deadlines_.erase({it->second.first, ticket});
    watches_.erase(it);
}

void LuaWatchdog::run() {
    blockTerminationSignals(); // SIGTERM is the server's to wait for; a stray one here would kill the process
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        if (deadlines_.empty()) {
            sleepUntil_ = Clock::time_point::max();
            wake_.wait(lock);
            continue;
        }
        auto first = *deadlines_.begin();
        if (Clock::now() < first.first) {
            sleepUntil_ = first.first;
            wake_.wait_until(lock, first.first);
            continue;
        }
        sleepUntil_ = Clock::time_point::min(); // awake: enter() happens only while the thread waits
        // Due: look at the call; it answers when to look again, or nothing (the call still leaves as usual).
        deadlines_.erase(deadlines_.begin());
        auto it = watches_.find(first.second);
        const Clock::time_point again = it->second.second.look(it->second.second.context);
        if (again == Clock::time_point{}) {
            watches_.erase(it);
        } else {
            it->second.first = again;
            deadlines_.emplace(again, first.second);
        }
    }
}

} // namespace kabinet
