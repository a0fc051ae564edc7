#include "SeededDatabase.h"

#include "storage/Migrations.h"

namespace kabinet::test {

SeededDatabase::SeededDatabase(unsigned pool) : SeededDatabase(sourceDir() + "/tenants", pool) {}

SeededDatabase::SeededDatabase(const std::string& tenantsDir, unsigned pool)
    : db(fresh.url(), pool), tenants(tenantsDir, sourceDir() + "/scripts", LuaLimits{}) {
    Migrator(db).migrate();
    tenants.persist(db);
}

} // namespace kabinet::test
