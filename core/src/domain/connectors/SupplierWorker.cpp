#include "connectors/SupplierWorker.h"

#include "connectors/SupplierForwarder.h"

#include <ctime>

namespace kabinet {

SupplierWorker::SupplierWorker(SupplierForwarder& forwarder, TenantRegistry& tenants)
    : forwarder_(forwarder), tenants_(tenants),
      worker_("supplier",
              [this]() {
                  forwarder_.pass(tenants_, static_cast<long long>(std::time(nullptr)));
                  return Worker::Delay(5000);
              },
              Backoff{std::chrono::milliseconds(5000), std::chrono::milliseconds(300000)}) {}

} // namespace kabinet
