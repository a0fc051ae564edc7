#pragma once
/// What the host sends to a consumer's supplier (seed 004 §1: «Отправка обращений абонента в программный
/// комплекс снабжающей компании»; REGULATION §B3: readings inside the supplier's window):
///  - cases of the kinds the tenant forwards (a case kind's `forward = "<connector id>"`, kabinet.cases) filed by a
///    consumer with an account at that connector: sent by the connector's "file_case" call with the case id as
///    the reference (the supplier answers the same appeal for a repeated reference); 'pending' while the supplier
///    is unreachable (tried again by the pass), 'failed' with the supplier's reason when it refuses;
///  - manual readings of meters on supplier-linked contracts: checked against the meter's submission window
///    before they are stored (422 in Russian outside it), then sent by "submit_reading"; a reading taken while the
///    supplier is down stays 'pending' and is sent by the pass; a refusal is kept with its reason ('refused').
/// The pass runs on the "supplier" worker; nothing here holds a transaction open across a network call.
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

namespace kabinet {

class ConnectorHub;
class Database;
class Tenant;
class TenantRegistry;

class SupplierForwarder {
public:
    SupplierForwarder(Database& db, ConnectorHub& hub) : db_(db), hub_(hub) {}

    /// 422 (field "date", Russian) when the point's meter is on a supplier-linked contract and `now` (the
    /// tenant's local day) lies outside the meter's submission window; nothing otherwise.
    void checkWindow(Tenant& t, const std::string& pointId, long long now);
    /// After a manual reading `readingId` {t1…t4} of the point was stored: records its forwarding and tries to
    /// send it at once. Returns {state, message} ('sent', 'pending', 'refused'), or nullopt when the point's
    /// meter does not go to a supplier.
    std::optional<Poco::JSON::Object::Ptr> forwardReading(Tenant& t, const std::string& pointId, const std::string& readingId,
                                                          const Poco::JSON::Object::Ptr& values, long long now);
    /// The forwarding state of a reading {state, message}, or nullopt.
    std::optional<Poco::JSON::Object::Ptr> readingState(Tenant& t, const std::string& readingId);
    /// The forwarding of a case {state, remote_state, external_id, error}, or nullopt.
    std::optional<Poco::JSON::Object::Ptr> caseState(Tenant& t, const std::string& caseId);

    /// One pass over every tenant: new cases to forward, pending cases and readings sent again. Returns how
    /// many were sent.
    int pass(TenantRegistry& tenants, long long now);
    /// The same for one tenant.
    int pass(Tenant& t, long long now);

private:
    bool sendCase(Tenant& t, const std::string& caseId, long long now);
    bool sendReading(Tenant& t, const std::string& readingId, long long now);

    Database& db_;
    ConnectorHub& hub_;
};

} // namespace kabinet
