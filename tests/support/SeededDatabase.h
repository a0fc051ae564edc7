#pragma once
/// A fresh database (test::FreshDatabase) migrated to the current schema, with a folder of tenants loaded and
/// persisted into it: what most integration tests start from. Tests that need more derive from it.
#include "TestContext.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"

#include <string>

namespace kabinet::test {

struct SeededDatabase {
    /// The project's tenants (`tenants/` of the source tree) in a database with a pool of `pool` sessions.
    explicit SeededDatabase(unsigned pool = 4);
    /// The tenants of `tenantsDir` (the shared scripts of the source tree) in a database with a pool of `pool`.
    SeededDatabase(const std::string& tenantsDir, unsigned pool);

    FreshDatabase fresh;     ///< dropped when the test ends
    Database db;             ///< migrated
    TenantRegistry tenants;  ///< loaded and persisted in `db`
};

} // namespace kabinet::test
