/// Routes of tenant limits (docs/API.md, "Tenant limits").
#include "api/LimitSpecs.h"
#include "api/Routes.h"
#include "server/Services.h"

#include <sstream>

namespace kabinet {

void registerLimitRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/operator/limits", true, Access::Operator, spec::operatorLimits(), [&s](Request& q) {
        std::ostringstream out;
        s.limits->report(*q.tenant)->stringify(out);
        return Response::json(200, out.str());
    });
}

} // namespace kabinet
