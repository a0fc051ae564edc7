// Row leases (storage/RowLease) on the backend of this run: the claim the outbox and the archive jobs use.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "notify/Outbox.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "storage/RowLease.h"

using namespace kabinet;

TEST_CASE("a row lease is taken once, only while the row meets its condition, and again after it expires", "[lease]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 2);
    Migrator(db).migrate();
    std::string id;
    db.transaction([&](soci::session& s) {
        s << "INSERT INTO tenants (tenant_id, name, short_name, status, first_seen_at, loaded_at) "
             "VALUES ('t1', 'n', 's', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')";
        id = enqueueMessage(s, "t1", OutgoingMessage{"email", "a@example.ru", "subject", "body", ""});
    });
    const RowLease lease({"outbox", "message_id", "state = 'queued'", "attempts = attempts + 1", ""});
    auto take = [&](long long now, long long until, const std::string& tenant = "t1") {
        bool taken = false;
        db.transaction([&](soci::session& s) { taken = lease.take(s, tenant, id, now, until); });
        return taken;
    };
    auto attempts = [&] {
        int n = -1;
        db.read([&](soci::session& s) { s << "SELECT attempts FROM outbox WHERE message_id = :id", soci::use(id), soci::into(n); });
        return n;
    };
    const long long now = 2000000000;
    CHECK(take(now, now + 120));
    CHECK(attempts() == 1);                // the spec's assignments come with the taking
    CHECK_FALSE(take(now + 60, now + 180)); // held: nobody else gets it
    CHECK_FALSE(take(now + 120, now + 240)); // still held at the last second of the lease
    CHECK(attempts() == 1);
    CHECK(take(now + 121, now + 241)); // expired: a holder that died is replaced
    CHECK(attempts() == 2);
    CHECK_FALSE(take(now + 1000, now + 1100, "t2")); // another tenant's key is another row
    db.transaction([&](soci::session& s) {
        s << "UPDATE outbox SET state = 'sent', lease_until = 0 WHERE message_id = :id", soci::use(id);
    });
    CHECK_FALSE(take(now + 1000, now + 1100)); // free, but no longer meets the condition
    CHECK(attempts() == 2);
}

TEST_CASE("a row lease stamps the moment it was taken and makes its assignments", "[lease]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 2);
    Migrator(db).migrate();
    db.transaction([](soci::session& s) {
        s << "INSERT INTO jobs (tenant_id, job_id, kind, user_id, params_json, state, run_after, created_at, updated_at) "
             "VALUES ('t1', 'j1', 'archive', 'u1', '{}', 'requested', 0, 5, 5)";
    });
    // The archive jobs' lease: a requested (or abandoned running) job is marked running.
    const RowLease lease({"jobs", "job_id", "state IN ('requested', 'running')", "state = 'running'", "updated_at"});
    bool taken = false;
    db.transaction([&](soci::session& s) { taken = lease.take(s, "t1", "j1", 1000, 1600); });
    CHECK(taken);
    std::string state;
    long long updated = 0, until = 0;
    db.read([&](soci::session& s) {
        s << "SELECT state, updated_at, lease_until FROM jobs WHERE tenant_id = 't1' AND job_id = 'j1'", soci::into(state),
            soci::into(updated), soci::into(until);
    });
    CHECK(state == "running");
    CHECK(updated == 1000);
    CHECK(until == 1600);
    db.transaction([&](soci::session& s) { taken = lease.take(s, "t1", "j1", 1601, 2200); }); // the holder died
    CHECK(taken);
    db.transaction([](soci::session& s) { s << "UPDATE jobs SET state = 'done', lease_until = 0 WHERE job_id = 'j1'"; });
    db.transaction([&](soci::session& s) { taken = lease.take(s, "t1", "j1", 3000, 3600); });
    CHECK_FALSE(taken); // done jobs are never taken again
}
