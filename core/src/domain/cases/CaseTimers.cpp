#include "cases/CaseTimers.h"

#include "cases/CaseService.h"

#include <ctime>

namespace kabinet {

CaseTimers::CaseTimers(CaseService& cases, TenantRegistry& tenants, Clock clock)
    : cases_(cases), tenants_(tenants), clock_(std::move(clock)), worker_("cases", [this] {
          cases_.runTimers(tenants_, clock_ ? clock_() : static_cast<long long>(std::time(nullptr)));
          return std::chrono::milliseconds(std::chrono::minutes(1));
      }, Backoff{std::chrono::minutes(1), std::chrono::minutes(10)}) {}

} // namespace kabinet
