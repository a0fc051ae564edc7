// The identity stores on the backend of this run: each writes only inside the transaction it is given,
// stays within its tenant, and keeps the guarantees its header states (spent tokens stay spent, a recovery
// code works once, a session is live only while it and its user are).
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "identity/RecoveryCodeStore.h"
#include "identity/SessionStore.h"
#include "identity/TokenStore.h"
#include "identity/UserStore.h"
#include "storage/Database.h"
#include "storage/Migrations.h"

#include <stdexcept>

using namespace kabinet;

namespace {
constexpr long long kNow = 1'800'000'000;

/// A migrated database with the tenants "a" and "b".
struct StoreWorld {
    test::FreshDatabase fresh;
    Database db{fresh.url(), 2};
    StoreWorld() {
        Migrator(db).migrate();
        db.transaction([](soci::session& s) {
            for (const std::string id : {"a", "b"})
                s << "INSERT INTO tenants (tenant_id, name, short_name, status, first_seen_at, loaded_at) "
                     "VALUES (:id, 'n', 's', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                    soci::use(id);
        });
    }
};

User person(const std::string& id, const std::string& login, const std::string& email, const std::string& state = "active") {
    User u;
    u.id = id;
    u.kind = "individual";
    u.role = "consumer";
    u.state = state;
    u.loginField = "email";
    u.login = login;
    u.email = email;
    u.passwordHash = "$argon2id$stub";
    u.fieldsJson = "{}";
    return u;
}
} // namespace

TEST_CASE("identity stores write only in the caller's transaction: a failed workflow leaves none of its rows", "[identity][store]") {
    StoreWorld w;
    auto writeAll = [](soci::session& s) {
        UserStore users(s, "a");
        users.insert(person("u1", "ivanov@example.ru", "ivanov@example.ru", "pending"), kNow);
        users.recordConsent("u1", "pd", "1", kNow, "127.0.0.1");
        users.activate("u1", kNow);
        TokenStore(s, "a").insert("token-hash", "u1", "email_confirm", "", kNow, 3600);
        SessionStore(s, "a").insert("session-hash", "u1", false, kNow, kNow + 3600, "127.0.0.1");
        RecoveryCodeStore(s, "a").replace("u1", {"code-hash"});
    };
    CHECK_THROWS_AS(w.db.transaction([&](soci::session& s) {
                        writeAll(s);
                        throw std::runtime_error("the workflow fails after its writes");
                    }),
                    std::runtime_error);
    w.db.read([](soci::session& s) {
        CHECK_FALSE(UserStore(s, "a").find(UserKey::Id, "u1"));
        CHECK_FALSE(TokenStore(s, "a").find("token-hash"));
        CHECK_FALSE(SessionStore(s, "a").live("session-hash", kNow));
        int consents = -1;
        s << "SELECT COUNT(*) FROM consents", soci::into(consents);
        CHECK(consents == 0);
    });

    w.db.transaction(writeAll); // the same writes, committed
    w.db.transaction([](soci::session& s) { CHECK(RecoveryCodeStore(s, "a").use("u1", "code-hash", kNow)); });
    w.db.read([](soci::session& s) {
        auto u = UserStore(s, "a").find(UserKey::Id, "u1");
        REQUIRE(u);
        CHECK(u->state == "active");
        CHECK(TokenStore(s, "a").find("token-hash"));
        CHECK(SessionStore(s, "a").live("session-hash", kNow));
    });
}

TEST_CASE("user store: lookups stay within the tenant; empty contacts are NULL; an e-mail taken by another user", "[identity][store]") {
    StoreWorld w;
    w.db.transaction([](soci::session& s) {
        UserStore a(s, "a");
        auto u = person("u1", "12345678901", "");
        u.loginField = "snils";
        a.insert(u, kNow);
        a.insert(person("u2", "petrov@example.ru", "petrov@example.ru"), kNow);
        UserStore(s, "b").insert(person("u3", "sidorov@example.ru", "sidorov@example.ru"), kNow);
    });
    w.db.read([](soci::session& s) {
        UserStore a(s, "a"), b(s, "b");
        CHECK(a.find(UserKey::Login, "12345678901"));
        CHECK(a.find(UserKey::Email, "petrov@example.ru"));
        CHECK_FALSE(a.find(UserKey::Email, "sidorov@example.ru")); // tenant b's user
        CHECK_FALSE(b.find(UserKey::Id, "u1"));
        CHECK(a.loginTaken("12345678901"));
        CHECK_FALSE(b.loginTaken("12345678901"));
        CHECK(a.emailTaken("petrov@example.ru"));
        CHECK_FALSE(a.emailTaken("petrov@example.ru", "u2")); // the user's own address
        CHECK(a.loginOrEmailTaken("petrov@example.ru"));
        CHECK_FALSE(a.loginOrEmailTaken("sidorov@example.ru"));
        int nullContacts = -1;
        s << "SELECT COUNT(*) FROM users WHERE tenant_id = 'a' AND user_id = 'u1' AND email IS NULL AND phone IS NULL",
            soci::into(nullContacts);
        CHECK(nullContacts == 1); // two users without an e-mail never collide on the unique index
    });
    // A second user with the same login is refused by the unique key (409), and nothing of it is stored.
    CHECK_THROWS(w.db.transaction([](soci::session& s) { UserStore(s, "a").insert(person("u4", "12345678901", "x@example.ru"), kNow); }));
    w.db.read([](soci::session& s) { CHECK_FALSE(UserStore(s, "a").find(UserKey::Id, "u4")); });
}

TEST_CASE("token store: a spent token stays spent; spending a purpose ends only that user's unspent tokens of it", "[identity][store]") {
    StoreWorld w;
    w.db.transaction([](soci::session& s) {
        UserStore users(s, "a");
        users.insert(person("u1", "one@example.ru", "one@example.ru"), kNow);
        users.insert(person("u2", "two@example.ru", "two@example.ru"), kNow);
        TokenStore t(s, "a");
        CHECK(t.secondsSinceNewest("u1", "password_reset", kNow) == 1LL << 40); // none yet
        t.insert("r1", "u1", "password_reset", "", kNow - 100, 3600);
        t.insert("r2", "u1", "password_reset", "", kNow - 10, 3600);
        t.insert("c1", "u1", "phone_code", "code-hash", kNow - 5, 600);
        t.insert("r3", "u2", "password_reset", "", kNow - 50, 3600);
    });
    w.db.transaction([](soci::session& s) {
        TokenStore t(s, "a");
        auto newest = t.newest("u1", "password_reset");
        REQUIRE(newest);
        CHECK(newest->hash == "r2");
        CHECK(newest->expiresAt == kNow - 10 + 3600);
        CHECK(t.secondsSinceNewest("u1", "password_reset", kNow) == 10);
        t.countAttempt("c1");
        t.spendAll("u1", "password_reset", kNow);
    });
    w.db.read([](soci::session& s) {
        TokenStore t(s, "a");
        CHECK(t.find("r1")->used);
        CHECK(t.find("r2")->used);
        CHECK_FALSE(t.find("c1")->used); // another purpose
        CHECK(t.find("c1")->attempts == 1);
        CHECK(t.find("c1")->data == "code-hash");
        CHECK_FALSE(t.find("r3")->used); // another user
        CHECK_FALSE(TokenStore(s, "b").find("r3")); // another tenant sees nothing
    });
}

TEST_CASE("session store: live only while unexpired, for an active user, at its tenant; a recovery code works once", "[identity][store]") {
    StoreWorld w;
    w.db.transaction([](soci::session& s) {
        UserStore users(s, "a");
        users.insert(person("u1", "one@example.ru", "one@example.ru"), kNow);
        users.insert(person("u2", "two@example.ru", "two@example.ru", "pending"), kNow);
        SessionStore sessions(s, "a");
        sessions.insert("s1", "u1", true, kNow, kNow + 60, "127.0.0.1");
        sessions.insert("s2", "u1", false, kNow, kNow + 60, "127.0.0.1");
        sessions.insert("s3", "u1", false, kNow, kNow + 60, "127.0.0.1");
        sessions.insert("p1", "u2", false, kNow, kNow + 60, "127.0.0.1");
        users.enableSms("u1");
        RecoveryCodeStore(s, "a").replace("u1", {"old"});
        RecoveryCodeStore(s, "a").replace("u1", {"h1", "h2"});
    });
    w.db.transaction([](soci::session& s) {
        SessionStore a(s, "a");
        auto owner = a.live("s1", kNow);
        REQUIRE(owner);
        CHECK(owner->userId == "u1");
        CHECK(owner->role == "consumer");
        CHECK(owner->secondFactor == "sms");
        CHECK_FALSE(a.live("s1", kNow + 60));           // expired
        CHECK_FALSE(SessionStore(s, "b").live("s1", kNow)); // another tenant
        CHECK_FALSE(a.live("p1", kNow));                // a pending user
        a.removeOthers("u1", "s2");
        RecoveryCodeStore codes(s, "a");
        CHECK_FALSE(codes.use("u1", "old", kNow)); // replaced
        CHECK(codes.use("u1", "h1", kNow));
        CHECK_FALSE(codes.use("u1", "h1", kNow)); // spent
        CHECK_FALSE(RecoveryCodeStore(s, "b").use("u1", "h2", kNow));
    });
    w.db.read([](soci::session& s) {
        SessionStore a(s, "a");
        CHECK_FALSE(a.live("s1", kNow));
        CHECK(a.live("s2", kNow));
        CHECK_FALSE(a.live("s3", kNow));
    });
}
