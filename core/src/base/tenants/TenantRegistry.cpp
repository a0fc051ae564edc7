#include "tenants/TenantRegistry.h"

#include "storage/Database.h"
#include "util/Log.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/String.h>
#include <algorithm>
#include <ctime>

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

TenantRegistry::TenantRegistry(const std::string& tenantsDirs, const std::string& scriptsDir, LuaLimits limits) {
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
    for (const auto& [id, dir] : folders) {
        try {
            auto t = std::make_shared<Tenant>(id, dir, scriptsDir, limits);
            for (const auto& h : t->hosts()) {
                if (byHost_.count(h)) {
                    log::warn("host listed by two tenants", {{"host", h}, {"tenant", id}, {"kept", byHost_[h]->id()}});
                    continue;
                }
                byHost_[h] = t;
            }
            tenants_[id] = t;
            log::info("tenant loaded", {{"tenant", id}, {"hash", t->configHash()}});
        } catch (const std::exception& e) {
            failures_.push_back({id, e.what()});
            log::error("tenant failed to load", {{"tenant", id}, {"error", e.what()}});
        }
    }
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
        auto upsert = [&](const std::string& id, const std::string& name, const std::string& shortName,
                          const std::string& status, const std::string& error, const std::string& hash) {
            soci::indicator errInd = error.empty() ? soci::i_null : soci::i_ok;
            // name/short_name/hash of a failed tenant keep their last good values.
            s << "INSERT INTO tenants (tenant_id, name, short_name, status, error, config_hash, first_seen_at, loaded_at) "
                 "VALUES (:id, :name, :short, :status, :error, :hash, :at, :at2) "
                 "ON CONFLICT (tenant_id) DO UPDATE SET status = excluded.status, error = excluded.error, "
                 "loaded_at = excluded.loaded_at, "
                 "name = CASE WHEN excluded.status = 'active' THEN excluded.name ELSE tenants.name END, "
                 "short_name = CASE WHEN excluded.status = 'active' THEN excluded.short_name ELSE tenants.short_name END, "
                 "config_hash = CASE WHEN excluded.status = 'active' THEN excluded.config_hash ELSE tenants.config_hash END",
                soci::use(id), soci::use(name), soci::use(shortName), soci::use(status), soci::use(error, errInd),
                soci::use(hash), soci::use(at), soci::use(at);
        };
        for (const auto& [id, t] : tenants_) {
            upsert(id, t->name(), t->shortName(), "active", "", t->configHash());
            s << "DELETE FROM tenant_hosts WHERE tenant_id = :id", soci::use(id);
            for (const auto& h : t->hosts())
                s << "INSERT INTO tenant_hosts (tenant_id, host) VALUES (:id, :h)", soci::use(id), soci::use(h);
        }
        for (const auto& f : failures_)
            if (f.id != "*") upsert(f.id, f.id, f.id, "failed", f.error, "");
    });
}

} // namespace kabinet
