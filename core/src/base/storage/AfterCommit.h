#pragma once
/// Work that must wait until the change it follows is visible to everyone: registered inside a transaction of
/// Database::transaction on this thread, run once right after that transaction commits, dropped when it
/// rolls back. Outside a transaction the work runs at once. For waking workers and dropping caches after a
/// commit — never for writes (they belong in the transaction).
#include <functional>

namespace kabinet {

/// Runs `fn` after the current thread's transaction commits (at once when none is running). `fn` must not
/// throw; an exception from it is swallowed after the commit, which stands.
void afterCommit(std::function<void()> fn);

namespace storage_detail {
/// Database::transaction's bookkeeping: a transaction begins on this thread.
void transactionBegins();
/// It committed: run the registered work.
void transactionCommitted() noexcept;
/// It rolled back: drop the registered work.
void transactionRolledBack() noexcept;
} // namespace storage_detail

} // namespace kabinet
