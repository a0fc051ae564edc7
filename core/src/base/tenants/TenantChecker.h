#pragma once
/// Checks many tenants in one Lua state, so that the shared library is loaded once per checker rather than
/// once per tenant (most of the cost of a tenant's first check).
///
/// Each tenant's declaration runs in an environment of its own (LuaState::pushEnvironment: its own
/// globals, the modules of its own folder); only the library's modules are shared. Everything Lua reaches
/// is writable, so a tenant's script could still change a library table that the next tenant's check
/// reads. The checker therefore takes a fingerprint of everything the state reaches (luaFingerprint) once
/// the library is loaded, and again after each batch and after a failed check: when it differs, every
/// tenant checked in the state since the last match is checked again in a state of its own, and the shared
/// state is made anew. A tenant is also checked in a state of its own when its check fails in the shared
/// state (its error then reads as before) and when its folder holds a module of a name the library uses
/// (which would replace the library's own for it).
#include "tenants/Tenant.h"

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace kabinet {

/// One tenant to check, and what its check found.
struct TenantCheck {
    std::string id, dir, hash; ///< in: the tenant, its folder and the hash of its files (Tenant::hashFolder)
    TenantSummary summary;     ///< out: the summary, when ok (its hash is `hash`)
    std::string error;         ///< out: why the tenant is refused, when not ok
    bool ok = false;
    bool shared = false;       ///< out: the summary came from the shared state
};

class TenantChecker {
public:
    /// A checker for tenants of the library in scriptsDir (its modules under kabinet/); the shared state is
    /// made on the first check. With `shared` false every tenant is checked in a state of its own.
    TenantChecker(std::string scriptsDir, LuaLimits limits, bool shared = true);
    ~TenantChecker();
    TenantChecker(const TenantChecker&) = delete;
    TenantChecker& operator=(const TenantChecker&) = delete;

    /// Checks every tenant of the batch as described above and fills in its result; never throws.
    void check(const std::vector<TenantCheck*>& batch);

    /// How many times tenants' checks were taken back because the library had changed.
    std::size_t taken() const noexcept { return taken_; }
    /// How many tenants were checked in a state of their own.
    std::size_t alone() const noexcept { return alone_; }

private:
    void open();
    bool intact();
    bool shadows(const std::string& dir) const;
    TenantSummary checkShared(const TenantCheck& c);

    std::string scriptsDir_;
    LuaLimits limits_;
    std::vector<std::string> modules_;  // the library's modules, loaded into the shared state
    std::set<std::string> libraryNames_; // top-level names under scriptsDir (a folder or a module)
    std::unique_ptr<LuaState> state_;
    std::uint64_t baseline_ = 0;
    bool broken_ = false; // not shared, or the library does not load: every tenant is checked alone
    std::size_t taken_ = 0, alone_ = 0;
};

} // namespace kabinet
