#include "polling/PollingService.h"

#include "polling/PollStore.h"
#include "tenants/Tenant.h"

namespace kabinet {

Poco::JSON::Object::Ptr PollingService::status(const Tenant& t) { return PollStore(db_, "api").status(t.id()); }

} // namespace kabinet
