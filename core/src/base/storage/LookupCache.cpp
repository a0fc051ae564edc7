#include "storage/LookupCache.h"

#include "storage/AfterCommit.h"

namespace kabinet {

void ChangeCount::changed() {
    n_.fetch_add(1, std::memory_order_acq_rel);
    afterCommit([this] { n_.fetch_add(1, std::memory_order_acq_rel); });
}

} // namespace kabinet
