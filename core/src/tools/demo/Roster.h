#pragma once
/// A tenant's demo roster, read from tenants/<id>/demo.lua (kabinet.demo.roster; keys in tenants/README.md):
/// where the utility is, the meter of generated flats, the named consumers with their contracts, accounts,
/// points and meters, and the names generated consumers are drawn from. Meter serials are drawn here.
#include "demo/LoadCurves.h"
#include "demo/Random.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace kabinet {
class Tenant;
}

namespace kabinet::demo {

/// One kind of instrument transformer of a meter connected through transformers (one per phase).
struct TransformerSpec {
    std::string model, serialPrefix, ratio, accuracyClass;
    int serialDigits = 5;
};

/// A meter and the load behind it.
struct MeterSpec {
    std::string model, modification, serial, registerNumber, accuracyClass, nominalVoltage, currentRange;
    std::string serialPrefix; ///< the serial is this prefix and serialDigits drawn digits
    int serialDigits = 7;
    int phases = 1;
    bool smart = true;
    std::optional<TransformerSpec> currentTransformer, voltageTransformer; ///< a 10 kV connection
    Load load = Load::Flat;
    double scale = 1.0; ///< kW at the curve's 1.0 (peak for businesses)
    int tamper = 0;     ///< tamper events over the period
};

struct PointSpec {
    std::string name, number, address, place;
    double limitKw = 15;
    MeterSpec meter;
    bool grant = true; ///< granted when the consumer's scope is "point"
};

struct AccountSpec {
    std::string number;
    std::vector<PointSpec> points;
    bool grant = true; ///< granted when the scope is "account"
    std::string label; ///< what the account is for, for the description ("гараж")
};

/// A message of the supplier about a contract, raised through the notification centre (kind "broadcast") to the
/// consumer the contract is granted to when the demo is seeded, once (seeding again raises it no more).
struct NoticeSpec {
    std::string title, body;
    int daysAgo = 0;   ///< raised this many days before the seeding
    bool read = false;          ///< already read by the consumer
    bool aboutContract = true;  ///< refers to the contract (false: a message to the consumer in general)
};

struct ContractSpec {
    std::string number, consumerKind = "individual", consumerName, inn, ogrn, legalAddress, supplier, validFrom, title;
    std::vector<AccountSpec> accounts;
    std::vector<PointSpec> points; ///< points of the contract without a personal account
    bool grant = true;             ///< granted when the scope is "contract"
    std::vector<NoticeSpec> notices; ///< raised when the contract is granted to the consumer
};

/// A person as the registration form asks for them.
struct Persona {
    std::string surname, name, patronymic;      ///< the person (head of an organisation)
    std::string email, phone;                   ///< as typed
    std::string snils, inn, ogrn, ogrnip;       ///< digits
    std::string username;                       ///< a login name, where the form asks for one
    std::string organization, organizationFull; ///< legal entity or sole proprietor
    std::string contractNumber;                 ///< for forms that ask for it at registration
    bool fromVoronezh = true;
    std::string street, house, flat, postcode, address;
    /// "Surname Name Patronymic".
    std::string fullName() const { return surname + " " + name + (patronymic.empty() ? "" : " " + patronymic); }
};

struct ConsumerSpec {
    std::string kind;
    Persona person;
    std::vector<ContractSpec> contracts;
    std::string way;   ///< access way of the grants
    std::string scope; ///< point | account | contract
    std::string who;   ///< Russian: who this is, for the description
    std::string hint;  ///< Russian: what to try
};

/// Where a tenant is, for addresses, numbers and generated consumers.
struct Place {
    std::string city, region, postcode, mobileCode, supplier, accountPrefix, contractPrefix, pointPrefix;
    std::vector<std::string> streets;
    std::string operatorScope = "point"; ///< what an operator grants generated consumers: point or contract
};

/// Names generated consumers are drawn from.
struct Names {
    struct Surname {
        std::string male, female, latin;
    };
    std::vector<Surname> surnames;
    std::vector<std::pair<std::string, std::string>> male, female; ///< name, Latin initial
    std::vector<std::pair<std::string, std::string>> patronymics;  ///< male, female
};

/// One outage the demo publishes (a tenant with the outages module), its times relative to the seed's "now".
struct OutageSpec {
    struct Address {
        std::string street, houses, text;
    };
    std::string kind, reason;
    std::optional<int> day;        ///< starts this many days from today (local date), at `atMinutes`
    int atMinutes = 0;             ///< local time of day of the start, in minutes
    int minutesFromNow = 0;        ///< without `day`: starts this many minutes from now (rounded down to 5)
    double hours = 1;              ///< planned duration
    std::optional<double> actualHours; ///< closed after this long
    std::optional<int> sources;    ///< 1 or 2; the tenant's default when absent
    std::vector<Address> addresses;
};

/// A tenant's demo roster.
struct Roster {
    Place place;
    MeterSpec genericMeter; ///< the single-phase meter of generated flats (serial drawn per use)
    std::size_t keep = 1;   ///< named consumers seeded whatever the number asked
    std::vector<ConsumerSpec> consumers;
    Names names;
    std::vector<OutageSpec> outages;
};

/// Reads tenants/<id>/demo.lua in the tenant's sandbox, drawing the meters' serials from `r` in the order
/// of the file. Empty when the tenant has no demo.lua. Throws LuaError (file and line) or
/// std::runtime_error naming the key when the roster is malformed.
std::optional<Roster> loadRoster(Tenant& t, Rng& r);

/// `m` with a freshly drawn serial.
MeterSpec drawn(MeterSpec m, Rng& r);

/// A generated individual of the roster, number `index` (1-based among generated ones), with СНИЛС and ИНН
/// completed by the tenant's shared library.
Persona generatedPerson(Tenant& t, const Roster& roster, int index, Rng& r);

} // namespace kabinet::demo
