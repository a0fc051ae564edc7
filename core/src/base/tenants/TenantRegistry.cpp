#include "tenants/TenantRegistry.h"

#include "storage/Database.h"
#include "tenants/TenantCache.h"
#include "tenants/TenantChecker.h"
#include "util/Log.h"
#include "util/Worker.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/String.h>
#include <algorithm>
#include <atomic>
#include <ctime>
#include <malloc.h>
#include <set>
#include <thread>

namespace kabinet {

std::vector<std::string> splitTenantDirs(const std::string& list) {
    std::vector<std::string> out;
    std::size_t from = 0;
    while (from <= list.size()) {
        auto colon = list.find(':', from);
        if (colon == std::string::npos) colon = list.size();
        std::string dir = list.substr(from, colon - from);
        while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
        if (!dir.empty()) out.push_back(dir);
        from = colon + 1;
    }
    return out;
}

TenantRegistry::TenantRegistry(const std::string& tenantsDirs, const std::string& scriptsDir, LuaLimits limits,
                               TenantRegistryOptions options) {
    const auto started = std::chrono::steady_clock::now();
    // id -> folder; a later directory of the list replaces an earlier one's folder of the same id.
    std::map<std::string, std::string> folders;
    const auto roots = splitTenantDirs(tenantsDirs);
    if (roots.empty()) failures_.push_back({"*", "no tenants directory given"});
    for (const auto& root : roots) {
        Poco::File f(root);
        if (!f.exists() || !f.isDirectory()) {
            failures_.push_back({"*", "tenants directory '" + root + "' does not exist"});
            log::error("tenants directory missing", {{"dir", root}});
            continue;
        }
        for (Poco::DirectoryIterator it(root), end; it != end; ++it) {
            if (!it->isDirectory() || !Poco::File(it.path().toString() + "/tenant.lua").exists()) continue;
            if (!folders.insert_or_assign(it.name(), root + "/" + it.name()).second)
                log::info("tenant folder replaced by a later directory", {{"tenant", it.name()}, {"dir", root}});
        }
    }

    // Each tenant: its files' hash, then the cached summary of the same files or a check — in parallel,
    // each thread checking its tenants in batches in one Lua state with the library loaded once
    // (TenantChecker), unless options.sharedChecks is off.
    struct Slot {
        TenantCheck check;
        bool cached = false;
    };
    std::vector<Slot> slots;
    for (const auto& [id, dir] : folders) {
        slots.emplace_back();
        slots.back().check.id = id;
        slots.back().check.dir = dir;
    }
    TenantCache cache(options.cacheFile, scriptsDir, limits);
    std::atomic<std::size_t> next{0}, checkedShared{0}, checkedAlone{0};
    constexpr std::size_t kBatch = 32; // tenants between two fingerprints of a checker's state
    auto work = [&] {
        TenantChecker checker(scriptsDir, limits, options.sharedChecks);
        std::vector<TenantCheck*> batch;
        auto flush = [&] {
            if (batch.empty()) return;
            checker.check(batch);
            for (auto* c : batch) {
                ++(c->shared ? checkedShared : checkedAlone);
                if (c->ok) cache.intern(c->summary);
            }
            batch.clear();
        };
        for (std::size_t i; (i = next.fetch_add(1)) < slots.size();) {
            Slot& s = slots[i];
            try {
                s.check.hash = Tenant::hashFolder(s.check.dir);
            } catch (const std::exception& e) {
                s.check.error = e.what();
                continue;
            }
            if (cache.find(s.check.id, s.check.hash)) {
                s.cached = s.check.ok = true;
                continue;
            }
            batch.push_back(&s.check);
            if (batch.size() == kBatch) flush();
        }
        flush();
    };
    unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<std::size_t>(threads, (slots.size() + 15) / 16));
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    const auto checkedAt = std::chrono::steady_clock::now();
    checkedShared_ = checkedShared.load();
    checkedAlone_ = checkedAlone.load();

    for (auto& slot : slots) {
        TenantCheck& s = slot.check;
        if (!s.ok) {
            failures_.push_back({s.id, s.error});
            log::error("tenant failed to load", {{"tenant", s.id}, {"error", s.error}});
            continue;
        }
        if (slot.cached) {
            s.summary = *cache.find(s.id, s.hash);
            ++fromCache_;
        }
        cache.put(s.id, s.summary);
        auto t = std::make_shared<Tenant>(s.id, s.dir, scriptsDir, limits, std::move(s.summary));
        for (const auto& h : t->hosts()) {
            if (byHost_.count(h)) {
                log::warn("host listed by two tenants", {{"host", h}, {"tenant", s.id}, {"kept", byHost_[h]->id()}});
                continue;
            }
            byHost_[h] = t;
        }
        tenants_[s.id] = t;
        log::debug("tenant loaded", {{"tenant", s.id}, {"hash", t->configHash()}, {"cached", slot.cached ? "yes" : "no"}});
    }
    cache.save();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    log::info("tenants loaded", {{"tenants", std::to_string(tenants_.size())}, {"failed", std::to_string(failures_.size())},
                                 {"from_cache", std::to_string(fromCache_)}, {"checked_shared", std::to_string(checkedShared_)},
                                 {"checked_alone", std::to_string(checkedAlone_)}, {"ms", std::to_string(ms)},
                                 {"check_ms", std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(checkedAt - started).count())}});
}

TenantRegistry::~TenantRegistry() {
    if (sweeper_) sweeper_->stop();
}

std::size_t TenantRegistry::releaseIdle(std::chrono::steady_clock::duration idle) {
    std::size_t closed = 0;
    for (const auto& [id, t] : tenants_) closed += t->releaseIdle(idle);
    if (closed) malloc_trim(0); // hand the freed states' pages back to the system
    return closed;
}

std::size_t TenantRegistry::openStates() const {
    std::size_t n = 0;
    for (const auto& [id, t] : tenants_) n += t->openStates();
    return n;
}

void TenantRegistry::startSweeper(std::chrono::seconds idle) {
    if (sweeper_) return;
    const auto every = std::max<std::chrono::milliseconds>(std::chrono::seconds(1), std::chrono::milliseconds(idle) / 2);
    sweeper_ = std::make_unique<Worker>("tenant-states", [this, idle, every] {
        if (auto n = releaseIdle(idle)) log::debug("idle tenant states closed", {{"states", std::to_string(n)}});
        return every;
    });
    sweeper_->start();
}

std::shared_ptr<Tenant> TenantRegistry::find(const std::string& id) const {
    auto it = tenants_.find(id);
    return it == tenants_.end() ? nullptr : it->second;
}

std::shared_ptr<Tenant> TenantRegistry::findByHost(const std::string& hostHeader) const {
    std::string host = Poco::toLower(hostHeader);
    if (!host.empty() && host.front() == '[') {
        auto close = host.find(']');
        host = host.substr(0, close == std::string::npos ? host.size() : close + 1);
    } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
        host = host.substr(0, colon);
    }
    auto it = byHost_.find(host);
    return it == byHost_.end() ? nullptr : it->second;
}

std::vector<std::string> TenantRegistry::ids() const {
    std::vector<std::string> out;
    for (const auto& [id, t] : tenants_) out.push_back(id);
    return out;
}

void TenantRegistry::persist(Database& db) const {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const std::string at = buf;
    db.transaction([&](soci::session& s) {
        // What the table holds already: a tenant recorded active with the same hash, names and hosts only has
        // its load time renewed (in one statement for all of them), so a restart with many tenants is cheap.
        struct Row {
            std::string status, hash, name, shortName;
            std::set<std::string> hosts;
        };
        std::map<std::string, Row> rows;
        {
            soci::rowset<soci::row> rs = (s.prepare << "SELECT tenant_id, status, COALESCE(config_hash, ''), name, short_name FROM tenants");
            for (const auto& r : rs)
                rows[r.get<std::string>(0)] = Row{r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3), r.get<std::string>(4), {}};
            soci::rowset<soci::row> hs = (s.prepare << "SELECT tenant_id, host FROM tenant_hosts");
            for (const auto& r : hs)
                if (auto it = rows.find(r.get<std::string>(0)); it != rows.end()) it->second.hosts.insert(r.get<std::string>(1));
        }
        // Rows to insert or update, written by one statement executed for all of them at once.
        struct Upserts {
            std::vector<std::string> ids, names, shorts, statuses, errors, hashes, ats;
            std::vector<soci::indicator> errorInds;
        } up;
        auto upsert = [&](const std::string& id, const std::string& name, const std::string& shortName,
                          const std::string& status, const std::string& error, const std::string& hash) {
            up.ids.push_back(id);
            up.names.push_back(name);
            up.shorts.push_back(shortName);
            up.statuses.push_back(status);
            up.errors.push_back(error);
            up.errorInds.push_back(error.empty() ? soci::i_null : soci::i_ok);
            up.hashes.push_back(hash);
            up.ats.push_back(at);
        };
        auto writeUpserts = [&] {
            if (up.ids.empty()) return;
            // name/short_name/hash of a failed tenant keep their last good values.
            s << "INSERT INTO tenants (tenant_id, name, short_name, status, error, config_hash, first_seen_at, loaded_at) "
                 "VALUES (:id, :name, :short, :status, :error, :hash, :at, :at2) "
                 "ON CONFLICT (tenant_id) DO UPDATE SET status = excluded.status, error = excluded.error, "
                 "loaded_at = excluded.loaded_at, "
                 "name = CASE WHEN excluded.status = 'active' THEN excluded.name ELSE tenants.name END, "
                 "short_name = CASE WHEN excluded.status = 'active' THEN excluded.short_name ELSE tenants.short_name END, "
                 "config_hash = CASE WHEN excluded.status = 'active' THEN excluded.config_hash ELSE tenants.config_hash END",
                soci::use(up.ids), soci::use(up.names), soci::use(up.shorts), soci::use(up.statuses),
                soci::use(up.errors, up.errorInds), soci::use(up.hashes), soci::use(up.ats), soci::use(up.ats);
            up = Upserts{};
        };
        std::vector<std::string> unchanged, rehosted, hostIds, hostNames;
        for (const auto& [id, t] : tenants_) {
            auto it = rows.find(id);
            if (it != rows.end() && it->second.status == "active" && it->second.hash == t->configHash() &&
                it->second.name == t->name() && it->second.shortName == t->shortName() &&
                it->second.hosts == std::set<std::string>(t->hosts().begin(), t->hosts().end())) {
                unchanged.push_back(id);
                continue;
            }
            upsert(id, t->name(), t->shortName(), "active", "", t->configHash());
            if (it != rows.end()) rehosted.push_back(id);
            for (const auto& h : t->hosts()) {
                hostIds.push_back(id);
                hostNames.push_back(h);
            }
        }
        writeUpserts();
        if (!rehosted.empty()) s << "DELETE FROM tenant_hosts WHERE tenant_id = :id", soci::use(rehosted);
        if (!hostIds.empty()) // one prepared statement for every host
            s << "INSERT INTO tenant_hosts (tenant_id, host) VALUES (:id, :h)", soci::use(hostIds), soci::use(hostNames);
        if (!unchanged.empty()) {
            std::vector<std::string> ats(unchanged.size(), at);
            s << "UPDATE tenants SET loaded_at = :at, error = NULL WHERE tenant_id = :id", soci::use(ats), soci::use(unchanged);
        }
        for (const auto& f : failures_)
            if (f.id != "*") upsert(f.id, f.id, f.id, "failed", f.error, "");
        writeUpserts();
    });
}

} // namespace kabinet
