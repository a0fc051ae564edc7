#include "storage/AfterCommit.h"

#include <vector>

namespace kabinet {

namespace {
struct Pending {
    int depth = 0;
    std::vector<std::function<void()>> work;
};
thread_local Pending pending;
} // namespace

void afterCommit(std::function<void()> fn) {
    if (pending.depth == 0) {
        fn();
        return;
    }
    pending.work.push_back(std::move(fn));
}

namespace storage_detail {

void transactionBegins() { ++pending.depth; }

void transactionCommitted() noexcept {
    if (--pending.depth > 0) return;
    auto work = std::move(pending.work);
    pending.work.clear();
    for (auto& fn : work) {
        try {
            fn();
        } catch (...) {
        }
    }
}

void transactionRolledBack() noexcept {
    if (--pending.depth > 0) return;
    pending.work.clear();
}

} // namespace storage_detail
} // namespace kabinet
