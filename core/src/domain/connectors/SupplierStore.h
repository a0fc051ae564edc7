#pragma once
/// The SQL of supplier-linked contracts (sql/0012_supplier.sql): where a contract lives at its supplier, the
/// meters whose readings go there with their windows, balances with charges and payments (kept once by the
/// supplier's ids, so a repeated sync stores nothing new), delivered notifications, forwarded cases and readings.
/// Every call runs in the caller's transaction.
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {

/// A contract's place at its supplier.
struct SupplierContract {
    std::string contractId, connectorId, accountId, number;
};

/// A meter whose readings go to the supplier.
struct SupplierMeter {
    std::string meterId, contractId, serial, zonesJson = "[\"T1\"]";
    int fromDay = 1, toDay = 31;
};

/// A charge or a payment.
struct SupplierEntry {
    std::string kind, externalId, day, period, note; ///< kind "charge" | "payment"; day YYYY-MM-DD
    long long amountKop = 0;
};

/// A case forwarded to the supplier.
struct SupplierCase {
    std::string caseId, connectorId, accountId, externalId, state, remoteState, answer, lastError;
    bool answered = false;
    int attempts = 0;
    long long updatedAt = 0;
};

/// A reading forwarded to the supplier.
struct SupplierReading {
    std::string readingId, meterId, valuesJson, takenOn, state, externalId, message;
    int attempts = 0;
    long long updatedAt = 0;
};

class SupplierStore {
public:
    SupplierStore(soci::session& s, std::string tenantId) : s_(s), tenant_(std::move(tenantId)) {}

    /// Records (or moves) a contract to a connector account.
    void putContract(const SupplierContract& c);
    /// The contract of an account by the supplier's number.
    std::optional<SupplierContract> contractByNumber(const std::string& connectorId, const std::string& accountId, const std::string& number);
    /// The supplier place of a contract.
    std::optional<SupplierContract> contract(const std::string& contractId);
    /// The contracts of the connector accounts of a user (through the grants of the user).
    std::vector<SupplierContract> contractsOfUser(const std::string& userId, const std::string& connectorId);

    /// Records a meter with its window.
    void putMeter(const SupplierMeter& m);
    /// The meter's supplier entry, if it has one.
    std::optional<SupplierMeter> meter(const std::string& meterId);

    /// Replaces the balance of a contract.
    void putBalance(const std::string& contractId, long long balanceKop, long long asOf, long long now);
    /// Adds an entry unless the supplier's id is known; true when added.
    bool addEntry(const std::string& contractId, const SupplierEntry& e, long long now);
    /// The balance of a contract: {balance_kop, as_of, synced_at}.
    std::optional<std::tuple<long long, long long, long long>> balance(const std::string& contractId);
    /// The entries of a contract, newest first, at most `limit`.
    std::vector<SupplierEntry> entries(const std::string& contractId, int limit);

    /// Marks a notification delivered; false when it was delivered before.
    bool deliverNotification(const std::string& connectorId, const std::string& accountId, const std::string& externalId, long long now);

    /// Starts the forwarding of a case (state 'pending'); false when it is forwarded already.
    bool addCase(const SupplierCase& c);
    /// The forwarding of a case.
    std::optional<SupplierCase> caseOf(const std::string& caseId);
    /// The forwarding by the supplier's id.
    std::optional<SupplierCase> caseByExternal(const std::string& connectorId, const std::string& externalId);
    /// Writes the forwarding's state back.
    void updateCase(const SupplierCase& c);
    /// Cases waiting to be forwarded (pending, or failed fewer than `maxAttempts` times), at most `limit`.
    std::vector<SupplierCase> pendingCases(int limit);

    /// Starts the forwarding of a reading.
    void addReading(const SupplierReading& r);
    /// The forwarding of a reading.
    std::optional<SupplierReading> reading(const std::string& readingId);
    /// Writes the forwarding's state back.
    void updateReading(const SupplierReading& r);
    /// Readings waiting to be forwarded, oldest first.
    std::vector<SupplierReading> pendingReadings(int limit);

private:
    soci::session& s_;
    std::string tenant_;
};

} // namespace kabinet
