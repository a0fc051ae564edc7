#pragma once
/// One utility as loaded from tenants/<id>/: its declaration (tenant.lua) evaluated in sandboxed Lua
/// states, and the answers the core needs from it.
///
/// A tenant costs what it uses. Checking it (check() and every answer computed at load) yields a
/// TenantSummary — names, hosts, time zone, polling rules, connectors, module settings, kinds of cases and
/// of notifications — which is all that routing and the background workers read; the Lua state of the check
/// is closed at once. The other answers computed at load (profile, forms, identity) are computed on first
/// use, under the tenant's own lock, and
/// kept. Calls that depend on input (validation, mail, hooks) run on pooled Lua states, created on demand
/// and closed after they have been idle for a while (releaseIdle).
#include "lua/LuaState.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace kabinet {

/// Limits and locations every tenant state is created with.
struct LuaLimits {
    std::size_t memoryBytes = 32u << 20;
    unsigned long long instructionBudget = 50'000'000ull;
};

/// What a check of a tenant's files found, and what the core reads of a tenant without running Lua:
/// kept for every tenant, and cached by the hash of its files (TenantCache) so that a later start with the
/// same files need not run Lua. Treat the JSON values as read-only: copies with equal values share them.
struct TenantSummary {
    std::string hash;                 ///< hash of the tenant's .lua files (Tenant::configHash)
    std::string name, shortName;
    std::vector<std::string> hosts;   ///< lower-cased
    int utcOffset = 3 * 3600;
    Poco::Dynamic::Var polling;       ///< kabinet.tenant.polling(T)
    Poco::Dynamic::Var connectors;    ///< kabinet.tenant.connectors(T)
    Poco::JSON::Object::Ptr settings; ///< kabinet.tenant.settings(T), never null
    Poco::Dynamic::Var branding;      ///< profile(T).branding: {primary, accent, logo?, monogram}
    Poco::Dynamic::Var caseKinds;     ///< kabinet.tenant.case_kinds(T)
    Poco::Dynamic::Var caseGroups;    ///< kabinet.tenant.case_groups(T)
    Poco::Dynamic::Var caseRegisters; ///< kabinet.tenant.case_registers(T)
    Poco::Dynamic::Var notifications; ///< kabinet.tenant.notifications(T)
};

class Tenant {
public:
    /// Checks tenants/<id>/tenant.lua with the shared library in scriptsDir at once (check() and every answer
    /// computed at load); throws LuaError with the file and line when the declaration fails to load, its
    /// check() reports problems or an answer is malformed. The Lua state of the check is closed.
    Tenant(std::string id, std::string dir, std::string scriptsDir, LuaLimits limits);
    /// A tenant whose files an earlier check accepted (`summary`, with the hash of the same files): no Lua
    /// runs until first use.
    Tenant(std::string id, std::string dir, std::string scriptsDir, LuaLimits limits, TenantSummary summary);
    ~Tenant();

    /// Checks the tenant's files as the first constructor does and returns the summary; throws LuaError.
    static TenantSummary check(const std::string& id, const std::string& dir, const std::string& scriptsDir, LuaLimits limits);
    /// The summary of the declaration T at stack index 1 of `st`, with the kabinet.tenant module at index 2:
    /// check(T) and every answer computed at load, as check() runs them (the hash is left empty). Throws
    /// LuaError naming tenant `id` when a check reports problems or an answer is malformed.
    static TenantSummary summarize(LuaState& st, const std::string& id);
    /// Hash of every .lua file of a tenant folder (what configHash() holds).
    static std::string hashFolder(const std::string& dir);

    /// Closes the pooled Lua states unused for at least `idle`; returns how many were closed. The answers
    /// computed already are kept; the next call that needs Lua opens a new state.
    std::size_t releaseIdle(std::chrono::steady_clock::duration idle);
    /// Lua states open now (pooled and idle), for tests and metrics.
    std::size_t openStates() const;
    /// How many idle states all tenants together keep pooled (256 by default): past it, a state is closed
    /// right after its call, so a pass over every tenant never leaves a state open for each.
    static void setPoolLimit(std::size_t states);
    /// Idle states pooled by all tenants of the process now.
    static std::size_t pooledInProcess();
    /// Whether the answers computed on first use (profile, forms, identity) are loaded.
    bool answersLoaded() const noexcept { return answers_.load(std::memory_order_acquire) != nullptr; }

    const std::string& id() const noexcept { return id_; }
    const std::string& name() const noexcept { return summary_.name; }
    const std::string& dir() const noexcept { return dir_; } /// the tenant's folder
    int utcOffset() const noexcept { return summary_.utcOffset; } /// seconds east of UTC of the tenant's time zone
    const std::string& shortName() const noexcept { return summary_.shortName; }
    const std::vector<std::string>& hosts() const noexcept { return summary_.hosts; }
    const std::string& configHash() const noexcept { return summary_.hash; }
    const TenantSummary& summary() const noexcept { return summary_; }
    /// The profile's branding {primary, accent, logo?, monogram}, known without running Lua.
    const Poco::Dynamic::Var& branding() const noexcept { return summary_.branding; }
    /// Public profile JSON (computed on first use; throws LuaError when the tenant's script fails).
    const Poco::Dynamic::Var& profile() const { return answers().profile; }
    const std::string& profileJson() const { return answers().profileJson; } /// …as text
    /// Meter polling rules (kabinet.polling.normalise): {schedules = [...], retry = {...}}.
    const Poco::Dynamic::Var& polling() const noexcept { return summary_.polling; }
    /// Upstream connectors (kabinet.connectors.normalise): [{id, plugin, label, accounts, supplier?, settings,
    /// sync_timeout_s, tasks = [{id, every_s, window_s}]}], computed at load.
    const Poco::Dynamic::Var& connectors() const noexcept { return summary_.connectors; }
    /// Which meter an upstream device is (kabinet.tenant.link_device): {meter_serial} or {point_number}, or
    /// empty when it stays unlinked. Throws LuaError when the tenant's hook fails.
    Poco::Dynamic::Var linkDevice(const std::string& connectorId, const Poco::Dynamic::Var& device);
    /// The settings of a module the tenant switches on (kabinet.tenant.settings, computed at load): checked
    /// against the module's schema and with every default filled in; null when the module is off.
    Poco::JSON::Object::Ptr moduleSettings(const std::string& module) const;
    /// The registration form (computed on first use, as the answers below).
    const std::string& registrationFormJson() const { return answers().formJson; }
    /// Ids of the consents of the registration form (152-ФЗ), sent by clients in "consents".
    const std::set<std::string>& consentIds() const { return answers().consentIds; }
    /// The dictionary as JSON text, or empty when the tenant has none of that name.
    std::string dictionaryJson(const std::string& name);

    /// Validates a registration: returns field → Russian reason (empty when valid). Throws LuaError when
    /// the tenant's script fails (budget, memory, runtime error).
    std::map<std::string, std::string> validateRegistration(const std::string& kind, const Poco::Dynamic::Var& fields);

    /// The registration as the core stores it (kabinet.tenant.normalize_registration): on success an object
    /// {kind, login{field,value}, password, values{}, consents[{id,version}]}; on failure empty with
    /// `errors` filled (field → Russian reason).
    Poco::Dynamic::Var normalizeRegistration(const std::string& kind, const Poco::Dynamic::Var& fields,
                                             std::map<std::string, std::string>& errors);
    /// The login identifier as stored, from what a person typed (kind may be empty); empty when invalid.
    std::string normalizeLogin(const std::string& kind, const std::string& raw);
    /// Normalised profile values for a PATCH, or empty with `errors` filled.
    Poco::Dynamic::Var normalizeProfile(const std::string& kind, const Poco::Dynamic::Var& fields,
                                        std::map<std::string, std::string>& errors);
    /// The tenant's password policy on one password: empty when acceptable, else the Russian reason.
    std::string validatePassword(const std::string& kind, const std::string& password);
    /// A mail of the tenant: {subject, text, html?} for a template with variables.
    Poco::Dynamic::Var mail(const std::string& templ, const Poco::Dynamic::Var& vars);
    /// A text message of the tenant for a template with variables.
    std::string sms(const std::string& templ, const Poco::Dynamic::Var& vars);
    /// The name a person is shown by (kabinet.tenant.display_name): ФИО for a person, the organisation's
    /// name for an organisation, from the stored profile values; empty when the profile holds none.
    std::string displayName(const std::string& kind, const Poco::Dynamic::Var& fields);
    /// The tenant's wording for a message key (kabinet.tenant.message), or `fallback`.
    std::string message(const std::string& key, const std::string& fallback);
    /// Identity settings (kabinet.tenant.identity), computed on first use.
    const Poco::Dynamic::Var& identity() const { return answers().identity; }
    /// The profile form (kabinet.tenant.profile_form) as JSON text, computed on first use.
    const std::string& profileFormJson() const { return answers().profileFormJson; }

    /// Runs fn with a pooled state whose stack has, at indexes 1 and 2, the declaration T and the
    /// kabinet.tenant module (a new state when none is idle). The stack is reset afterwards; a state that
    /// failed is discarded. Thread-safe; only this tenant's pool is locked, and never while Lua runs.
    void withState(const std::function<void(LuaState&)>& fn);

    /// Calls kabinet.tenant.<function>(T, args...) where args are pushed by `pushArgs`; returns its one
    /// result as JSON.
    Poco::Dynamic::Var callModule(const std::string& function, int nargs, const std::function<void(lua_State*)>& pushArgs);

private:
    /// The answers computed on first use.
    struct Answers {
        Poco::Dynamic::Var profile;
        std::string profileJson, formJson, profileFormJson;
        std::set<std::string> consentIds;
        Poco::Dynamic::Var identity;
    };
    struct Pooled {
        std::unique_ptr<LuaState> state;
        std::chrono::steady_clock::time_point lastUsed;
    };

    const Answers& answers() const;
    /// check() and every answer of load on `st`; fills `summary` and, when given, `answers`.
    static void checkOn(LuaState& st, const std::string& id, TenantSummary& summary, Answers* answers);
    /// kabinet.tenant.<function>(T) as JSON; with `build` false its result is only checked as toJson checks it,
    /// and an empty object stands for any table.
    static Poco::Dynamic::Var callOn(LuaState& st, const std::string& function, bool build = true);
    std::unique_ptr<LuaState> newState();
    Poco::Dynamic::Var callPair(const std::string& function, const std::string& kind, const Poco::Dynamic::Var& fields,
                                std::map<std::string, std::string>& errors);

    std::string id_, dir_, scriptsDir_;
    LuaLimits limits_;
    TenantSummary summary_;
    mutable std::mutex loadMutex_;                        // held while the answers are computed (this tenant only)
    mutable std::unique_ptr<const Answers> answersOwner_; // set once, under loadMutex_
    mutable std::atomic<const Answers*> answers_{nullptr};
    mutable std::mutex mutex_;                            // the pool
    std::vector<Pooled> idle_;
};

} // namespace kabinet
