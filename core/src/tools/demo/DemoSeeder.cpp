#include "demo/DemoSeeder.h"

#include "demo/Calendar.h"
#include "demo/DemoOutages.h"
#include "demo/MeterSeries.h"
#include "demo/Random.h"
#include "demo/RegistrationForm.h"
#include "demo/Roster.h"
#include "identity/IdentityService.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "notify/NotificationCentre.h"
#include "notify/NotificationStore.h"
#include "storage/Database.h"
#include "storage/TenantScope.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"
#include "util/Log.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>

namespace kabinet {

using namespace demo;

namespace {

using JsonArray = Poco::JSON::Array::Ptr;

constexpr const char* kClient = "127.0.0.1"; ///< the address registrations and consents are recorded from
constexpr long long kInterval = 1800;         ///< the power profile's interval (30 min)

} // namespace

struct DemoSeeder::Run {
    DemoSeeder& self;
    const DemoOptions& o;
    long long now;
    MeterRegistry registry;
    MeterDataSink sink;

    /// The data of one meter to generate, collected while registering and generated at the end.
    struct Job {
        std::string tenant, meterId;
        MeterSpec spec;
        int offset = 0;
        long long start = 0, end = 0;
        uint64_t seed = 0;
    };
    std::vector<Job> jobs;

    Run(DemoSeeder& s, const DemoOptions& opts, long long n) : self(s), o(opts), now(n), registry(s.db_), sink(s.db_) {}

    /// Generates and writes the collected series. On PostgreSQL several meters are written at once (the server, not
    /// the generator, is the bottleneck); the first one alone, so that it creates the monthly partitions of the period.
    /// SQLite has one writer at a time: one thread.
    void generate() {
        if (jobs.empty()) return;
        auto runOne = [&](const Job& j, DemoStats& st) {
            const TenantScope scope(j.tenant);
            writeSeries(sink, j.tenant, j.meterId, j.spec, j.offset, j.start, j.end, j.seed, st);
        };
        runOne(jobs.front(), self.stats_);
        const unsigned threads = self.db_.backend() == Backend::PostgreSQL ? std::clamp(std::thread::hardware_concurrency(), 1u, 4u) : 1u;
        std::atomic<std::size_t> next{1};
        std::mutex mutex;
        std::exception_ptr failure;
        auto worker = [&] {
            for (std::size_t i; (i = next++) < jobs.size();) {
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    if (failure) return;
                }
                DemoStats st;
                try {
                    runOne(jobs[i], st);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(mutex);
                    if (!failure) failure = std::current_exception();
                    return;
                }
                std::lock_guard<std::mutex> lock(mutex);
                DemoStats& total = self.stats_;
                total.meters += st.meters, total.smartMeters += st.smartMeters, total.readings += st.readings, total.profile += st.profile;
                total.params += st.params, total.events += st.events, total.tamperEvents += st.tamperEvents;
            }
        };
        std::vector<std::thread> pool;
        for (unsigned k = 1; k < threads; ++k) pool.emplace_back(worker);
        worker();
        for (auto& th : pool) th.join();
        jobs.clear();
        if (failure) std::rethrow_exception(failure);
    }

    /// The user of this login, registering and confirming them when they are new. Returns the user id.
    std::string user(Tenant& t, const JsonObject& form, const ConsumerSpec& c, const std::string& login) {
        std::string normalized = t.normalizeLogin(c.kind, login);
        if (normalized.empty()) normalized = Poco::toLower(Poco::trim(login));
        std::string id;
        self.db_.read([&](soci::session& s) {
            std::string found;
            s << "SELECT user_id FROM users WHERE tenant_id = :t AND login = :l", soci::use(t.id()), soci::use(normalized), soci::into(found);
            if (s.got_data()) id = found;
        });
        if (!id.empty()) return id;
        JsonObject answer;
        try {
            answer = self.identity_.registerUser(t, registrationBody(t, form, c.kind, c.person), kClient);
        } catch (const Error& e) {
            std::string why;
            for (const auto& [field, reason] : e.fields()) why += (why.empty() ? "" : "; ") + field + ": " + reason;
            throw std::runtime_error("demo seed: tenant '" + t.id() + "' refused the demo registration of kind '" + c.kind + "' (" + e.code() +
                                     (why.empty() ? "" : ": " + why) + ")");
        }
        id = answer->getObject("user")->getValue<std::string>("id");
        // Confirmed as if the person had followed the link and typed the code; nothing of it stays queued.
        self.db_.transaction([&](soci::session& s) {
            s << "UPDATE users SET state = 'active', email_verified = CASE WHEN email IS NULL THEN 0 ELSE 1 END, "
                 "phone_verified = CASE WHEN phone IS NULL THEN 0 ELSE 1 END, updated_at = :n WHERE tenant_id = :t AND user_id = :u",
                soci::use(now), soci::use(t.id()), soci::use(id);
            std::string email, phone;
            soci::indicator ie = soci::i_null, ip = soci::i_null;
            s << "SELECT email, phone FROM users WHERE tenant_id = :t AND user_id = :u", soci::use(t.id()), soci::use(id), soci::into(email, ie),
                soci::into(phone, ip);
            for (const auto& [value, ind] : {std::pair{email, ie}, std::pair{phone, ip}})
                if (ind == soci::i_ok && !value.empty())
                    s << "DELETE FROM outbox WHERE tenant_id = :t AND state = 'queued' AND recipient = :r", soci::use(t.id()), soci::use(value);
            s << "DELETE FROM tokens WHERE tenant_id = :t AND user_id = :u AND used_at IS NULL", soci::use(t.id()), soci::use(id);
        });
        ++self.stats_.users;
        return id;
    }

    void grant(const std::string& tenant, const std::string& userId, const std::string& scope, const std::string& ref, const std::string& way,
               const std::string& title) {
        self.db_.transaction([&](soci::session& s) {
            soci::indicator ti = title.empty() ? soci::i_null : soci::i_ok;
            s << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, title, granted_at) VALUES (:t, :u, :s, :r, :w, :ti, :n) "
                 "ON CONFLICT (tenant_id, user_id, scope, ref_id) DO NOTHING",
                soci::use(tenant), soci::use(userId), soci::use(scope), soci::use(ref), soci::use(way), soci::use(title, ti), soci::use(now);
        });
    }

    /// Raises the supplier's message `n` (the `index`-th of the contract) to the consumer through the notification
    /// centre, as of `daysAgo` before now, read already when the roster says so; once per contract and index. Its
    /// mail and text message are as if sent then: nothing of the demo stays queued in the outbox.
    void notice(Tenant& t, const std::string& userId, const std::string& contractId, const std::string& contractNumber,
                std::size_t index, const NoticeSpec& n) {
        Notice notice;
        notice.kind = "broadcast";
        notice.audience.users = {userId};
        if (n.aboutContract) notice.refs = {{"contract", contractId}};
        notice.values = {{"title", n.title}, {"body", n.body}};
        notice.title = n.title, notice.body = n.body;
        notice.dedupeKey = "demo:" + contractNumber + ":" + std::to_string(index + 1);
        const long long at = now - static_cast<long long>(n.daysAgo) * 86400;
        self.db_.transaction([&](soci::session& s) {
            const std::string id = NotificationCentre::raise(s, t, notice, at);
            if (id.empty()) return;
            if (n.read) NotificationStore(s).markRead(t.id(), userId, id, at + 3600);
            s << "UPDATE outbox SET state = 'sent', sent_at = :at WHERE tenant_id = :t AND state = 'queued' AND message_id IN "
                 "(SELECT message_id FROM notification_deliveries WHERE tenant_id = :t2 AND notification_id = :id AND message_id IS NOT NULL)",
                soci::use(at), soci::use(t.id()), soci::use(t.id()), soci::use(id);
        });
    }

    bool hasData(const std::string& tenant, const std::string& meterId) {
        int n = 0;
        self.db_.read([&](soci::session& s) {
            s << "SELECT COUNT(*) FROM readings WHERE tenant_id = :t AND meter_id = :m", soci::use(tenant), soci::use(meterId), soci::into(n);
        });
        return n > 0;
    }

    /// Registers the point and its meter (and transformers); queues the meter's data for generate() when it has none yet.
    /// Returns the point id.
    std::string point(const std::string& tenant, int offset, const PointSpec& ps, const std::string& accountId, const std::string& contractId,
                      long long start, long long end) {
        const Date startDate = dateOf(start, offset);
        Rng r(derive(o.seed, tenant + "/dates/" + ps.number));
        const Date installed = fromDayNumber(dayNumber(startDate) - 30 - r.below(600));
        const Date verified = fromDayNumber(dayNumber(installed) - 20 - r.below(90));
        MeteringPoint mp;
        mp.accountId = accountId, mp.contractId = contractId, mp.name = ps.name, mp.number = ps.number, mp.address = ps.address;
        mp.installationPlace = ps.place, mp.commissionedOn = iso(installed), mp.tariff = "Двухзонный (T1 07:00–23:00, T2 23:00–07:00)";
        mp.powerLimitKw = ps.limitKw;
        const std::string pointId = registry.upsertPoint(tenant, mp);
        const MeterSpec& ms = ps.meter;
        Meter m;
        m.pointId = pointId, m.model = ms.model, m.modification = ms.modification, m.serial = ms.serial, m.registerNumber = ms.registerNumber;
        m.accuracyClass = ms.accuracyClass, m.nominalVoltage = ms.nominalVoltage, m.currentRange = ms.currentRange, m.phases = ms.phases;
        m.tariffZones = 2, m.smart = ms.smart, m.installedOn = iso(installed), m.verifiedOn = iso(verified);
        m.verificationYears = 16, m.nextVerificationOn = iso(plusYears(verified, 16));
        const std::string meterId = registry.upsertMeter(tenant, m);
        if (ms.currentTransformer || ms.voltageTransformer) {
            const Date tv = fromDayNumber(dayNumber(installed) - 200 - r.below(300));
            for (const char* phase : {"A", "B", "C"})
                for (const auto& [kind, tr] : {std::pair{"current", &ms.currentTransformer}, {"voltage", &ms.voltageTransformer}})
                    if (*tr)
                        registry.upsertTransformer(tenant, {meterId, kind, phase, (*tr)->model, (*tr)->serialPrefix + r.digits((*tr)->serialDigits),
                                                            (*tr)->ratio, (*tr)->accuracyClass, iso(tv)});
        }
        if (!hasData(tenant, meterId))
            jobs.push_back({tenant, meterId, ms, offset, start, end, derive(o.seed, tenant + "/meter/" + ms.model + "/" + ms.serial)});
        return pointId;
    }
};

DemoSeeder::DemoSeeder(Database& db, TenantRegistry& tenants, IdentityService& identity) : db_(db), tenants_(tenants), identity_(identity) {}
namespace {

/// Access way and scope for a generated consumer of this kind: the kind's ways first, then the tenant's.
std::pair<std::string, std::string> wayFor(const JsonObject& profile, const std::string& kind, const Place& place) {
    std::vector<std::string> ways;
    auto collect = [&](const JsonArray& a) {
        if (a)
            for (const auto& w : *a)
                if (w.isString()) ways.push_back(w.convert<std::string>());
    };
    if (profile && profile->getArray("applicant_kinds"))
        for (const auto& k : *profile->getArray("applicant_kinds"))
            if (k.type() == typeid(JsonObject) && text(k.extract<JsonObject>(), "id") == kind) collect(k.extract<JsonObject>()->getArray("access_ways"));
    if (ways.empty() && profile) collect(profile->getArray("access_ways"));
    const std::string way = ways.empty() ? "operator_grant" : ways.front();
    if (way == "account_number") return {way, "account"};
    if (way == "operator_grant") return {way, place.operatorScope};
    return {way, "contract"};
}

/// The applicant kind generated consumers register as: an individual where the tenant has one.
std::string individualKind(const JsonObject& form) {
    std::string first;
    if (form && form->getArray("kinds"))
        for (const auto& k : *form->getArray("kinds")) {
            if (k.type() != typeid(JsonObject)) continue;
            const std::string id = text(k.extract<JsonObject>(), "id");
            if (first.empty()) first = id;
            if (id == "individual" || id == "consumer") return id;
        }
    return first;
}

std::string describe(const ConsumerSpec& c, int years) {
    std::vector<std::string> seen;
    auto add = [&](const PointSpec& p) {
        seen.push_back("«" + p.name + "» — " + p.meter.model + " № " + p.meter.serial +
                       (p.meter.smart ? " (интеллектуальный: профиль мощности, показания и журнал событий за " + std::to_string(years) + " " +
                                            (years == 1 ? "год" : years < 5 ? "года" : "лет") + ", параметры сети за двое суток)"
                                      : " (показания на 1-е число месяца)"));
    };
    for (const auto& k : c.contracts) {
        const bool contractSeen = c.scope == "contract" && k.grant;
        for (const auto& p : k.points)
            if (contractSeen || (c.scope == "point" && p.grant)) add(p);
        for (const auto& a : k.accounts)
            for (const auto& p : a.points)
                if (contractSeen || (c.scope == "account" && a.grant) || (c.scope == "point" && p.grant)) add(p);
    }
    std::string out = c.who + ". ";
    if (seen.empty()) out += "Пока не видит ни одной точки учёта.";
    else {
        out += "Видит: ";
        for (std::size_t i = 0; i < seen.size(); ++i) out += (i ? "; " : "") + seen[i];
        out += ".";
    }
    if (!c.hint.empty()) out += " " + c.hint;
    return out;
}

} // namespace

std::vector<DemoAccount> DemoSeeder::seed(const DemoOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    stats_ = DemoStats{};
    const long long now = o.now > 0 ? o.now : static_cast<long long>(std::time(nullptr));
    const int years = std::max(1, o.years);
    Run run(*this, o, now);
    std::vector<DemoAccount> accounts;

    // Users reference their tenant's row: record the tenants when the caller has not.
    bool recorded = true;
    db_.read([&](soci::session& s) {
        for (const auto& id : tenants_.ids()) {
            int n = 0;
            s << "SELECT COUNT(*) FROM tenants WHERE tenant_id = :t", soci::use(id), soci::into(n);
            if (!n) recorded = false;
        }
    });
    if (!recorded) tenants_.persist(db_);

    const auto ids = tenants_.ids();
    std::map<std::string, Roster> rosters; // tenants with a demo.lua
    for (const auto& tenantId : ids) {
        const TenantScope scope(tenantId); // a tenant placed on a database of its own is seeded there
        auto t = tenants_.find(tenantId);
        if (!t) continue;
        Rng r(derive(o.seed, tenantId));
        auto loaded = loadRoster(*t, r);
        if (!loaded) continue; // no demo.lua: no demo data
        const Roster& demo = rosters.emplace(tenantId, std::move(*loaded)).first->second;
        const Place& pl = demo.place;
        const JsonObject form = parseObject(t->registrationFormJson());
        const JsonObject profile = parseObject(t->profileJson());
        const int offset = tz::offsetSeconds(text(profile, "timezone"));

        // The period: from local midnight `years` back to the last whole half hour.
        const long long end = floorDiv(now, kInterval) * kInterval;
        const Date today = dateOf(now, offset);
        const long long start = dayNumber(Date{today.y - years, today.m, today.d}) * kDay - offset;

        std::vector<ConsumerSpec> roster = demo.consumers;
        const std::size_t wanted = std::max<std::size_t>(demo.keep, static_cast<std::size_t>(std::max(0, o.consumersPerTenant)));
        if (roster.size() > wanted) roster.resize(wanted);
        const std::string genericKind = individualKind(form);
        for (int g = 1; roster.size() < wanted && !genericKind.empty(); ++g) {
            ConsumerSpec c;
            c.kind = genericKind;
            c.person = generatedPerson(*t, demo, g, r);
            std::tie(c.way, c.scope) = wayFor(profile, c.kind, pl);
            if (c.way == "ogrn_contract") c.scope = "contract";
            c.who = std::string("Потребитель, квартира (") + pl.city + ")";
            const std::string n = std::to_string(g);
            const std::string street = pl.streets.empty() ? "ул. Ленина" : pl.streets[static_cast<std::size_t>(g) % pl.streets.size()];
            const std::string address = pl.city + ", " + street + ", д. " + c.person.house + ", кв. " + c.person.flat;
            c.person.address = address;
            ContractSpec k{pl.contractPrefix + "Г-" + std::string(4 - std::min<std::size_t>(4, n.size()), '0') + n, "individual",
                           c.person.fullName(), "", "", address, pl.supplier, "2022-01-01", c.way == "supplier_login" ? "Квартира" : "", {}, {}, true, {}};
            PointSpec p{"Квартира", pl.pointPrefix + "9" + std::string(5 - std::min<std::size_t>(5, n.size()), '0') + n, address, "Этажный щит", 10,
                        drawn(demo.genericMeter, r)};
            std::string accountNumber = pl.accountPrefix + std::to_string(900000 + g);
            k.accounts.push_back({accountNumber, {p}, true, "квартира"});
            c.person.contractNumber = k.number;
            c.contracts.push_back(k);
            roster.push_back(c);
        }

        for (auto& c : roster) {
            const std::string login = loginOf(*t, form, c.kind, c.person);
            const std::string userId = run.user(*t, form, c, login);
            const std::string holder = c.person.organization.empty() ? c.person.fullName() : c.person.organization;
            for (auto& k : c.contracts) {
                Contract ct;
                ct.number = k.number, ct.consumerKind = k.consumerKind, ct.consumerName = k.consumerName.empty() ? holder : k.consumerName;
                ct.inn = k.inn, ct.ogrn = k.ogrn, ct.legalAddress = k.legalAddress, ct.supplier = k.supplier, ct.validFrom = k.validFrom;
                ct.actualAddress = !k.points.empty() ? k.points.front().address
                                   : (!k.accounts.empty() && !k.accounts.front().points.empty()) ? k.accounts.front().points.front().address
                                                                                                 : k.legalAddress;
                if (ct.legalAddress.empty()) ct.legalAddress = ct.actualAddress;
                const std::string contractId = run.registry.upsertContract(tenantId, ct);
                if (c.scope == "contract" && k.grant) {
                    run.grant(tenantId, userId, "contract", contractId, c.way, k.title);
                    for (std::size_t i = 0; i < k.notices.size(); ++i) run.notice(*t, userId, contractId, k.number, i, k.notices[i]);
                }
                for (const auto& p : k.points) {
                    const std::string pointId = run.point(tenantId, offset, p, "", contractId, start, end);
                    if (c.scope == "point" && p.grant) run.grant(tenantId, userId, "point", pointId, c.way, "");
                }
                for (const auto& a : k.accounts) {
                    Account acc;
                    acc.number = a.number, acc.contractId = contractId, acc.holderName = holder;
                    acc.address = a.points.empty() ? ct.actualAddress : a.points.front().address;
                    const std::string accountId = run.registry.upsertAccount(tenantId, acc);
                    if (c.scope == "account" && a.grant) run.grant(tenantId, userId, "account", accountId, c.way, "");
                    for (const auto& p : a.points) {
                        const std::string pointId = run.point(tenantId, offset, p, accountId, contractId, start, end);
                        if (c.scope == "point" && p.grant) run.grant(tenantId, userId, "point", pointId, c.way, "");
                    }
                }
            }
            accounts.push_back({tenantId, c.kind, login, kPassword, describe(c, years)});
        }
        // Outages at the consumers' streets, once their points exist (the notices reach them).
        const std::size_t outages = seedOutages(db_, *t, demo, now);
        stats_.outages += outages;
        log::info("demo tenant seeded", {{"tenant", tenantId}, {"consumers", std::to_string(roster.size())}, {"outages", std::to_string(outages)}});
    }

    // Benchmark meters: spread over the tenants with a roster, one point each under a load-test contract, granted to nobody.
    std::vector<std::string> seeded;
    for (const auto& [id, roster] : rosters) seeded.push_back(id);
    if (o.extraMeters > 0 && !seeded.empty()) {
        std::map<std::string, std::string> contractOf;
        for (int i = 0; i < o.extraMeters; ++i) {
            const std::string& tenantId = seeded[static_cast<std::size_t>(i) % seeded.size()];
            const TenantScope scope(tenantId);
            auto t = tenants_.find(tenantId);
            if (!t) continue;
            const Roster& demo = rosters.at(tenantId);
            const JsonObject profile = parseObject(t->profileJson());
            const int offset = tz::offsetSeconds(text(profile, "timezone"));
            const Place& pl = demo.place;
            const long long end = floorDiv(now, kInterval) * kInterval;
            const Date today = dateOf(now, offset);
            const long long start = dayNumber(Date{today.y - years, today.m, today.d}) * kDay - offset;
            if (!contractOf.count(tenantId)) {
                Contract ct;
                ct.number = "НАГРУЗКА-" + tenantId, ct.consumerKind = "legal_entity", ct.consumerName = "Нагрузочный тест (демо)";
                ct.supplier = pl.supplier, ct.validFrom = "2020-01-01", ct.legalAddress = ct.actualAddress = pl.city;
                contractOf[tenantId] = run.registry.upsertContract(tenantId, ct);
            }
            Rng r(derive(o.seed, tenantId + "/extra/" + std::to_string(i)));
            char number[32];
            std::snprintf(number, sizeof number, "Н-%07d", i + 1);
            PointSpec p{std::string("Точка учёта ") + number, pl.pointPrefix + number, pl.city, "Этажный щит", 10, drawn(demo.genericMeter, r)};
            p.meter.serial = std::to_string(90000000 + i); // unique per model, whatever the generator draws
            p.meter.smart = true;
            p.meter.scale = r.range(0.6, 1.4);
            p.meter.tamper = r.below(10) == 0 ? 1 : 0;
            run.point(tenantId, offset, p, "", contractOf[tenantId], start, end);
        }
    }

    run.generate();
    stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    log::info("demo data seeded", {{"tenants", std::to_string(ids.size())},
                                   {"users", std::to_string(stats_.users)},
                                   {"meters", std::to_string(stats_.meters)},
                                   {"profile_rows", std::to_string(stats_.profile)},
                                   {"reading_rows", std::to_string(stats_.readings)},
                                   {"event_rows", std::to_string(stats_.events)},
                                   {"seconds", std::to_string(stats_.seconds)}});
    return accounts;
}

} // namespace kabinet