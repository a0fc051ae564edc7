#include "tenants/TenantChecker.h"

#include "lua/LuaFingerprint.h"
#include "util/Log.h"

#include <algorithm>
#include <filesystem>

namespace kabinet {

namespace fs = std::filesystem;

namespace {
/// The name of an entry as a module's first part: a folder's name, or a .lua file's name without it.
std::string entryName(const fs::directory_entry& e) {
    const auto name = e.path().filename().string();
    if (e.is_directory()) return name;
    return e.path().extension() == ".lua" ? e.path().stem().string() : std::string();
}
} // namespace

TenantChecker::TenantChecker(std::string scriptsDir, LuaLimits limits, bool shared)
    : scriptsDir_(std::move(scriptsDir)), limits_(limits), broken_(!shared) {
    std::error_code ec;
    for (fs::directory_iterator it(scriptsDir_, ec), end; !ec && it != end; it.increment(ec))
        if (auto n = entryName(*it); !n.empty()) libraryNames_.insert(n);
    const fs::path root = fs::path(scriptsDir_) / "kabinet";
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        if (!it->is_regular_file() || it->path().extension() != ".lua") continue;
        std::string rel = fs::relative(it->path(), scriptsDir_, ec).replace_extension().string();
        std::replace(rel.begin(), rel.end(), '/', '.');
        modules_.push_back(rel);
    }
    std::sort(modules_.begin(), modules_.end());
}

TenantChecker::~TenantChecker() = default;

void TenantChecker::open() {
    state_ = std::make_unique<LuaState>("tenant library", limits_.memoryBytes, limits_.instructionBudget,
                                        std::vector<std::string>{scriptsDir_});
    for (const auto& m : modules_)
        state_->protect(0, 0, [&](lua_State* L) {
            lua_getglobal(L, "require");
            lua_pushstring(L, m.c_str());
            lua_call(L, 1, 0);
        });
    lua_settop(state_->L(), 0);
    // The library lives as long as the state and each tenant's data only for its check: the young objects
    // of a generational collector.
    lua_gc(state_->L(), LUA_GCGEN, 0, 0);
    state_->protect(0, 0, [&](lua_State* L) { baseline_ = luaFingerprint(L); });
}

bool TenantChecker::intact() {
    if (!state_) return false;
    std::uint64_t now = 0;
    try {
        lua_settop(state_->L(), 0);
        state_->protect(0, 0, [&](lua_State* L) { now = luaFingerprint(L); });
    } catch (const std::exception&) {
        return false;
    }
    return now == baseline_;
}

bool TenantChecker::shadows(const std::string& dir) const {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (auto n = entryName(*it); !n.empty() && libraryNames_.count(n)) return true;
    return false;
}

TenantSummary TenantChecker::checkShared(const TenantCheck& c) {
    LuaState& st = *state_;
    lua_State* L = st.L();
    st.setOwner("tenant '" + c.id + "'");
    st.onLog = [id = c.id](const std::string& m) { log::info("tenant script", {{"tenant", id}, {"text", m}}); };
    lua_settop(L, 0);
    st.protect(0, 1, [&](lua_State*) { st.pushEnvironment({c.dir}); }); // 1: the tenant's environment
    st.runFile(c.dir + "/tenant.lua", 1, 1);                              // 2: T
    if (!lua_istable(L, -1)) throw LuaError("tenant '" + c.id + "': tenant.lua must return a table");
    lua_remove(L, 1);
    st.protect(0, 1, [](lua_State* L) { // 2: the library's kabinet.tenant
        lua_getfield(L, LUA_REGISTRYINDEX, "kabinet.loaded");
        lua_getfield(L, -1, "kabinet.tenant");
        lua_remove(L, -2);
    });
    if (!lua_istable(L, -1)) throw LuaError("tenant '" + c.id + "': module kabinet.tenant did not return a table");
    TenantSummary s = Tenant::summarize(st, c.id);
    lua_settop(L, 0);
    return s;
}

void TenantChecker::check(const std::vector<TenantCheck*>& batch) {
    std::vector<TenantCheck*> alone, unverified; // checked in the state since its fingerprint last matched
    auto takeBack = [&] {
        if (!unverified.empty()) {
            ++taken_;
            log::warn("a tenant script changed the shared Lua library; tenants checked again one by one",
                      {{"tenants", std::to_string(unverified.size())}, {"first", unverified.front()->id}});
        }
        for (auto* c : unverified) {
            c->ok = c->shared = false;
            alone.push_back(c);
        }
        unverified.clear();
        state_.reset();
    };
    for (auto* c : batch) {
        if (broken_ || shadows(c->dir)) {
            alone.push_back(c);
            continue;
        }
        try {
            if (!state_) open();
        } catch (const std::exception& e) {
            log::error("the shared Lua library does not load; tenants are checked one by one", {{"error", e.what()}});
            broken_ = true;
            state_.reset();
            alone.push_back(c);
            continue;
        }
        try {
            c->summary = checkShared(*c);
            c->summary.hash = c->hash;
            c->ok = c->shared = true;
            unverified.push_back(c);
        } catch (const std::exception&) {
            alone.push_back(c); // its error as a state of its own reports it
            if (!intact()) takeBack();
        }
    }
    if (state_ && !unverified.empty()) {
        if (intact()) unverified.clear();
        else takeBack();
    }
    for (auto* c : alone) {
        ++alone_;
        try {
            c->summary = Tenant::check(c->id, c->dir, scriptsDir_, limits_);
            c->summary.hash = c->hash;
            c->ok = true;
            c->error.clear();
        } catch (const std::exception& e) {
            c->ok = false;
            c->error = e.what();
        }
    }
}

} // namespace kabinet
