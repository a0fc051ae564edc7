#pragma once
/// What a consumer sees of their supplier (seed 004 §3.1 «Информация по текущему балансу»): per contract
/// linked through a supplier login, the balance as the supplier last reported it and the latest charges and
/// payments. Money in rubles with kopecks (exact: kept in kopecks).
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

namespace kabinet {

class Database;
class Tenant;

class SupplierView {
public:
    explicit SupplierView(Database& db) : db_(db) {}

    /// GET supplier/balances: {"items":[{contract_id, number, title, supplier_name, balance (null before the first
    /// sync), as_of, synced_at, charges:[{id, date, period, amount, text}], payments:[{id, date, amount, agent}]}]},
    /// at most `entries` of each list, newest first.
    Poco::JSON::Object::Ptr balances(Tenant& t, const SessionInfo& s, int entries = 12);

private:
    Database& db_;
};

} // namespace kabinet
