#include "meters/ConnectionStore.h"

#include "meters/AccessStore.h"
#include "meters/MeterRegistry.h"

#include <soci/soci.h>

namespace kabinet {

bool ConnectionStore::numberTaken(const std::string& number) {
    int points = 0;
    s_ << "SELECT COUNT(*) FROM metering_points WHERE tenant_id = :t AND number = :n", soci::use(tenant_), soci::use(number), soci::into(points);
    return points > 0 || AccessStore(s_, tenant_).accountByNumber(number).has_value();
}

Connected ConnectionStore::connect(const NewConnection& c) {
    Connected out;
    Account a;
    a.number = c.accountNumber;
    a.holderName = c.holderName;
    a.address = c.address;
    out.accountId = MeterRegistry::upsertAccount(s_, tenant_, a);
    MeteringPoint p;
    p.accountId = out.accountId;
    p.name = c.pointName;
    p.number = c.accountNumber;
    p.address = c.address;
    p.installationPlace = c.address;
    if (c.powerKw > 0) p.powerLimitKw = c.powerKw;
    out.pointId = MeterRegistry::upsertPoint(s_, tenant_, p);
    Grant g;
    g.userId = c.userId;
    g.scope = "account";
    g.ref = out.accountId;
    g.way = "operator_grant";
    if (!c.grantedBy.empty()) g.grantedBy = c.grantedBy;
    g.grantedAt = c.at;
    AccessStore(s_, tenant_).addGrant(g, AccessStore::OnConflict::Keep);
    return out;
}

} // namespace kabinet
