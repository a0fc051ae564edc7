#pragma once
/// Demo data for a fresh database: for every loaded tenant, consumers registered through the tenant's own
/// registration rules (as the portal would send the form) and confirmed, the utility's contracts, personal
/// accounts, metering points, meters and instrument transformers, the grants that let each demo consumer
/// see their points by the tenant's access way (SPEC §2.2), and years of meter data (SPEC §2.3) written
/// through MeterDataSink: half-hourly power profile, daily and monthly cumulative registers in two tariff
/// zones, event journals with tamper events, and hourly network parameters of the last two days.
/// Outages the roster declares are published through the outages service (demo/DemoOutages.h).
/// Everything is deterministic given the seed and the moment "now"; a second run adds nothing.
///
/// What is seeded for a tenant is its roster, tenants/<id>/demo.lua (demo/Roster.h); a tenant without one
/// gets no demo data. The generator's parts: Random (the random source), Calendar, LoadCurves, MeterSeries
/// (one meter's data), RegistrationForm (what a person types), CheckDigits (identifiers, by the shared
/// validators).
#include "demo/CheckDigits.h"

#include <cstddef>
#include <string>
#include <vector>

namespace kabinet {

class Database;
class IdentityService;
class TenantRegistry;

/// What to generate.
struct DemoOptions {
    int years = 3;              ///< depth of the meter data, in years back from now
    int consumersPerTenant = 3; ///< consumers per tenant (at least the roster's `keep` named ones)
    int extraMeters = 0;        ///< additional meters with data, spread over the tenants (benchmarks); granted to nobody
    long long now = 0;          ///< the moment the data ends at (Unix seconds); 0 = time(nullptr). Fixed in tests
    unsigned seed = 42;         ///< seed of the generator
};

/// One demo login, for the README and the CLI output.
struct DemoAccount {
    std::string tenant;      ///< tenant id
    std::string kind;        ///< applicant kind id (individual, legal_entity, consumer …)
    std::string login;       ///< what to type into the login field
    std::string password;    ///< the demo password
    std::string description; ///< Russian: who this is, what they see, what they can try (account numbers to add …)
};

/// Counts of one seeding run (what it added; zero rows on a second run).
struct DemoStats {
    std::size_t users = 0, meters = 0, smartMeters = 0;                          ///< registered users; meters with data written
    std::size_t readings = 0, profile = 0, params = 0, events = 0, tamperEvents = 0; ///< rows written through the sink
    std::size_t outages = 0;                                                     ///< outages published (demo/DemoOutages.h)
    double seconds = 0;                                                          ///< wall time of the run
};

class DemoSeeder {
public:
    /// The identity service registers the consumers; the tenants give the forms and rules.
    DemoSeeder(Database& db, TenantRegistry& tenants, IdentityService& identity);

    /// Seeds every loaded tenant; idempotent (a second run adds nothing and returns the same accounts).
    /// Returns the demo logins. Throws std::runtime_error naming the tenant and the fields when a tenant's
    /// rules refuse a demo registration.
    std::vector<DemoAccount> seed(const DemoOptions& o);

    /// Counts of the last seed() run.
    const DemoStats& stats() const noexcept { return stats_; }

private:
    struct Run;
    Database& db_;
    TenantRegistry& tenants_;
    IdentityService& identity_;
    DemoStats stats_;
};


} // namespace kabinet
