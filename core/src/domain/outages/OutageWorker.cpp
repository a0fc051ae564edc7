#include "outages/OutageWorker.h"

#include "outages/OutageService.h"

#include <ctime>

namespace kabinet {

OutageWorker::OutageWorker(OutageService& outages, TenantRegistry& tenants)
    : outages_(outages), tenants_(tenants), worker_("outages", [this] {
          outages_.notifyDue(tenants_, static_cast<long long>(std::time(nullptr)));
          return std::chrono::milliseconds(std::chrono::minutes(1));
      }, Backoff{std::chrono::minutes(1), std::chrono::minutes(10)}) {}

} // namespace kabinet
