#pragma once
/// What a supplier connector's sync brings in (plugin.h record kinds), registered with the ConnectorHub:
///  - "contract": the contract, its points and meters (windows) stored again; a contract new to the account is
///    granted to the account's user under the supplier's title;
///  - "balance": the contract's balance replaced; charges and payments added once by the supplier's ids (a
///    repeated sync stores nothing new); a malformed amount refuses the whole record (never a wrong value);
///  - "notification": told to the account's user through the notification centre (kind "broadcast", category
///    "supplier"), once per supplier id;
///  - "case_update": the supplier's status and answer of a forwarded case; an answer moves the case by the kind's
///    action `answer` (the appeal workflows of kabinet.cases) with the answer as its field — history, deadlines
///    and the applicant's notice as for any answer; the status "in_work" takes the action `take` once.
/// A record of a contract the account does not hold is refused (a problem of the sync).
namespace kabinet {

class ConnectorHub;

/// Registers the four handlers with the hub.
void registerSupplierRecords(ConnectorHub& hub);

} // namespace kabinet
