#pragma once
/// The utility's reference data: contracts, personal accounts, metering points, meters and their
/// transformers. Upserts by the natural keys (contract number, account number, meter model + serial), so the
/// demo generator, connectors and operators can run them again.
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {

class Database;

struct Contract {
    std::string id, number, kind = "supply", consumerName, consumerKind = "individual", inn, ogrn, legalAddress, actualAddress,
        supplier, validFrom, validTo;
};

struct Account {
    std::string id, number, contractId, holderName, address;
};

struct MeteringPoint {
    std::string id, accountId, contractId, name, number, resource = "electricity", address, installationPlace, commissionedOn,
        tariff = "T1";
    std::optional<double> powerLimitKw;
};

struct Meter {
    std::string id, pointId, model, modification, serial, registerNumber, accuracyClass, nominalVoltage, currentRange;
    int phases = 1, tariffZones = 1;
    bool smart = false, isVirtual = false;
    std::string installedOn, verifiedOn, nextVerificationOn;
    std::optional<int> verificationYears;
};

struct Transformer {
    std::string meterId, kind, phase, model, serial, ratio, accuracyClass, verifiedOn; ///< kind current|voltage, phase A|B|C
};

class MeterRegistry {
public:
    explicit MeterRegistry(Database& db) : db_(db) {}
    /// Each upsert returns the record's id (an existing one when the natural key is known). Ids left empty
    /// are generated. Dates are "YYYY-MM-DD".
    std::string upsertContract(const std::string& tenant, Contract c);
    std::string upsertAccount(const std::string& tenant, Account a);
    std::string upsertPoint(const std::string& tenant, MeteringPoint p);
    std::string upsertMeter(const std::string& tenant, Meter m);
    void upsertTransformer(const std::string& tenant, const Transformer& t);

    /// The same, inside a caller's transaction.
    static std::string upsertContract(soci::session& s, const std::string& tenant, Contract c);
    static std::string upsertAccount(soci::session& s, const std::string& tenant, Account a);
    static std::string upsertPoint(soci::session& s, const std::string& tenant, MeteringPoint p);
    static std::string upsertMeter(soci::session& s, const std::string& tenant, Meter m);
    static void upsertTransformer(soci::session& s, const std::string& tenant, const Transformer& t);
    /// The id of the tenant's meter of this model and serial number, or empty when there is none.
    static std::string findMeter(soci::session& s, const std::string& tenant, const std::string& model, const std::string& serial);

private:
    Database& db_;
};

} // namespace kabinet
