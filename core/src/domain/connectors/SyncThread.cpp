#include "connectors/SyncThread.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

namespace kabinet {

namespace {

/// What a plugin's sync thread and the hub's consuming thread share: the records not yet consumed (bounded),
/// the outcome, and the flags that end it. Owned jointly, so an abandoned plugin thread never touches the hub.
struct Run {
    static constexpr std::size_t kQueueLimit = 1000;
    std::mutex m;
    std::condition_variable cv;
    std::deque<std::pair<std::string, std::string>> queue;
    bool done = false, abandoned = false;
    std::atomic<bool> stop{false};
    kb_status status = KB_OK;
    std::string text;
};

} // namespace

SyncThreadResult runSyncThread(const std::shared_ptr<Connector>& instance, const ConnectorSyncRequest& request,
                               std::chrono::seconds timeout, const std::function<void(const std::string&, const std::string&)>& consume,
                               const std::function<bool()>& stopping) {
    // The plugin's thread: owns nothing of the hub, so an abandoned one may outlive it.
    auto run = std::make_shared<Run>();
    std::thread([run, instance, request]() {
        kb_status status = KB_OK;
        std::string text;
        try {
            instance->sync(
                request,
                [run](const std::string& kind, const std::string& json) {
                    std::unique_lock<std::mutex> lock(run->m);
                    run->cv.wait(lock, [&] { return run->queue.size() < Run::kQueueLimit || run->abandoned; });
                    if (run->abandoned) return;
                    run->queue.emplace_back(kind, json);
                    run->cv.notify_all();
                },
                [run]() { return run->stop.load(); });
        } catch (const ChannelError& e) {
            status = e.status;
            text = e.what();
        } catch (const std::exception& e) {
            status = KB_ERR_INTERNAL;
            text = e.what();
        }
        std::lock_guard<std::mutex> lock(run->m);
        run->done = true;
        run->status = status;
        run->text = text;
        run->cv.notify_all();
    }).detach();

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    SyncThreadResult result;
    try {
        for (;;) {
            std::deque<std::pair<std::string, std::string>> items;
            bool finished = false;
            {
                std::unique_lock<std::mutex> lock(run->m);
                run->cv.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(200)),
                                   [&] { return !run->queue.empty() || run->done; });
                items.swap(run->queue);
                finished = run->done;
                if (finished) {
                    result.status = run->status;
                    result.text = run->text;
                }
                run->cv.notify_all();
            }
            for (const auto& [kind, json] : items) consume(kind, json);
            if (finished) break;
            if (stopping && stopping()) run->stop = true;
            if (std::chrono::steady_clock::now() >= deadline) {
                result.timedOut = true;
                break;
            }
        }
    } catch (...) {
        std::lock_guard<std::mutex> lock(run->m);
        run->abandoned = true;
        run->stop = true;
        run->cv.notify_all();
        throw;
    }
    if (result.timedOut) {
        std::lock_guard<std::mutex> lock(run->m);
        run->abandoned = true;
        run->stop = true;
        run->queue.clear();
        run->cv.notify_all();
    }
    return result;
}

} // namespace kabinet
