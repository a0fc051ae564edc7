#include "api/Routes.h"
#include "api/SupplierSpecs.h"
#include "connectors/SupplierForwarder.h"
#include "connectors/SupplierView.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Object.h>

#include <ctime>
#include <sstream>

namespace kabinet {

namespace {
Response json(int status, const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    Response r = Response::json(status, out.str());
    r.headers.push_back({"Cache-Control", "no-store"});
    return r;
}
} // namespace

void registerSupplierRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/supplier/balances", true, Access::User, spec::supplierBalances(),
          [&s](Request& q) { return json(200, s.supplierView->balances(*q.tenant, *q.session)); });
    r.add("GET", "/api/v1/cases/{id}/supplier", true, Access::User, spec::caseSupplier(), [&s](Request& q) {
        // The case must be visible to the caller (a consumer: their own), as its view says.
        s.cases->view(*q.tenant, *q.session, q.params["id"], static_cast<long long>(std::time(nullptr)));
        auto state = s.supplierForwarder->caseState(*q.tenant, q.params["id"]);
        if (!state) throw NotFound("not_forwarded", "Обращение не передавалось поставщику");
        return json(200, *state);
    });
}

} // namespace kabinet
