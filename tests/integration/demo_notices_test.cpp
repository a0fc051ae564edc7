// The demo's messages of the supplier (tenants/oes360/demo.lua, `notifications[]` of a roster contract): raised
// through the notification centre to the consumer the contract is granted to, as of the days given, about the
// contract unless `about_contract = false`, read where the roster says so; their mails as if sent (nothing stays
// queued); a second seeding raises none again.
#include <catch2/catch.hpp>

#include "SeededDatabase.h"
#include "TestContext.h"
#include "config/Config.h"
#include "demo/DemoSeeder.h"
#include "identity/IdentityService.h"
#include "identity/PasswordHasher.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"

#include <filesystem>

using namespace kabinet;

namespace {

constexpr long long kNow = 1742032020; // 2025-03-15 09:47:00 UTC

/// ОЭС 360 alone, as shipped, in a folder of its own.
std::string oes360Only() {
    namespace fs = std::filesystem;
    const std::string dir = test::tempDir("demo-notices");
    fs::copy(test::sourceDir() + "/tenants/oes360", dir + "/oes360", fs::copy_options::recursive);
    return dir;
}

struct World : test::SeededDatabase {
    PasswordHasher hasher;
    Config config;
    std::unique_ptr<IdentityService> identity;
    World() : SeededDatabase(oes360Only(), 2) {
        config.dataDir = test::tempDir("demo");
        identity = std::make_unique<IdentityService>(db, hasher, config);
    }
};

long long count(Database& db, const std::string& sql) {
    long long n = 0;
    db.read([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
}

std::string text(Database& db, const std::string& sql) {
    std::string v;
    soci::indicator ind = soci::i_null;
    db.read([&](soci::session& s) { s << sql, soci::into(v, ind); });
    return ind == soci::i_ok ? v : std::string("<null>");
}

/// The recipient's notifications of a title: "read" / "unread" per row, joined.
std::string states(Database& db, const std::string& login, const std::string& title) {
    std::string out;
    db.read([&](soci::session& s) {
        soci::rowset<soci::row> rows = (s.prepare << "SELECT r.read_at FROM notification_recipients r JOIN notifications n ON "
                                                     "n.tenant_id = r.tenant_id AND n.notification_id = r.notification_id JOIN users u ON "
                                                     "u.tenant_id = r.tenant_id AND u.user_id = r.user_id WHERE u.login = :l AND n.title = :t",
                                        soci::use(login), soci::use(title));
        for (const auto& row : rows) out += std::string(out.empty() ? "" : ",") + (row.get_indicator(0) == soci::i_null ? "unread" : "read");
    });
    return out;
}

} // namespace

TEST_CASE("the demo raises the supplier's messages of its roster once, through the notification centre", "[demo][notices]") {
    World w;
    DemoSeeder seeder(w.db, w.tenants, *w.identity);
    DemoOptions o;
    o.years = 1;
    o.now = kNow;
    o.consumersPerTenant = 2; // the two named consumers of the roster
    seeder.seed(o);

    // Four messages of the kind the operators' broadcasts use: two to each consumer.
    CHECK(count(w.db, "SELECT COUNT(*) FROM notifications WHERE tenant_id = 'oes360' AND kind = 'broadcast' AND category = 'supplier'") == 4);
    CHECK(count(w.db, "SELECT COUNT(*) FROM notification_recipients WHERE tenant_id = 'oes360'") == 4);
    CHECK(states(w.db, "v.vasiliev@example.com", "Уведомление о плановых работах") == "read");
    CHECK(states(w.db, "v.vasiliev@example.com", "Уведомление о задолженности") == "unread");
    CHECK(states(w.db, "a.morozova@example.com", "Уведомление о плановых работах") == "unread");
    CHECK(states(w.db, "a.morozova@example.com", "Уведомление о задолженности") == "unread");

    // About the contract (its id, labelled by its number), or about nothing; dated the days back the roster says.
    const std::string contract = text(w.db, "SELECT contract_id FROM contracts WHERE tenant_id = 'oes360' AND number = '56957590-118'");
    const std::string refs = text(w.db, "SELECT n.refs FROM notifications n JOIN notification_recipients r ON r.tenant_id = n.tenant_id AND "
                                        "r.notification_id = n.notification_id JOIN users u ON u.tenant_id = r.tenant_id AND u.user_id = r.user_id "
                                        "WHERE u.login = 'a.morozova@example.com' AND n.title = 'Уведомление о задолженности'");
    CHECK_THAT(refs, Catch::Contains("\"type\":\"contract\"") && Catch::Contains("\"id\":\"" + contract + "\"") &&
                         Catch::Contains("Договор № 56957590-118"));
    CHECK(text(w.db, "SELECT n.refs FROM notifications n JOIN notification_recipients r ON r.tenant_id = n.tenant_id AND "
                     "r.notification_id = n.notification_id JOIN users u ON u.tenant_id = r.tenant_id AND u.user_id = r.user_id "
                     "WHERE u.login = 'a.morozova@example.com' AND n.title = 'Уведомление о плановых работах'") == "[]");
    CHECK(count(w.db, "SELECT COUNT(*) FROM notifications WHERE tenant_id = 'oes360' AND kind = 'broadcast' AND created_at = " +
                          std::to_string(kNow - 86400) ) == 1);

    // Delivered in the cabinet; the mails as if sent then: nothing waits in the outbox.
    CHECK(count(w.db, "SELECT COUNT(*) FROM notification_deliveries WHERE tenant_id = 'oes360' AND channel = 'in_app' AND state = 'sent'") == 4);
    CHECK(count(w.db, "SELECT COUNT(*) FROM outbox WHERE state = 'queued'") == 0);

    // Seeding again raises nothing again.
    seeder.seed(o);
    CHECK(count(w.db, "SELECT COUNT(*) FROM notifications WHERE tenant_id = 'oes360' AND kind = 'broadcast'") == 4);
    CHECK(count(w.db, "SELECT COUNT(*) FROM notification_recipients WHERE tenant_id = 'oes360'") == 4);
    CHECK(count(w.db, "SELECT COUNT(*) FROM outbox WHERE state = 'queued'") == 0);
}
