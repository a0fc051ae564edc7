#pragma once
/// One utility as loaded from tenants/<id>/: its declaration (tenant.lua) evaluated in sandboxed Lua
/// states, and the answers the core needs from it. Static answers (profile, registration form) are
/// computed once at load; calls that depend on input (validation) run on a pooled Lua state.
#include "lua/LuaState.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

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

class Tenant {
public:
    /// Loads tenants/<id>/tenant.lua with the shared library in scriptsDir; throws LuaError with the file
    /// and line when the declaration fails to load or its check() reports problems.
    Tenant(std::string id, std::string dir, std::string scriptsDir, LuaLimits limits);
    ~Tenant();

    const std::string& id() const noexcept { return id_; }
    const std::string& name() const noexcept { return name_; }
    const std::string& dir() const noexcept { return dir_; } /// the tenant's folder
    int utcOffset() const noexcept { return utcOffset_; }    /// seconds east of UTC of the tenant's time zone
    const std::string& shortName() const noexcept { return shortName_; }
    const std::vector<std::string>& hosts() const noexcept { return hosts_; }
    const std::string& configHash() const noexcept { return hash_; }
    const Poco::Dynamic::Var& profile() const noexcept { return profile_; }            /// public profile JSON
    const std::string& profileJson() const noexcept { return profileJson_; }            /// …as text
    /// Meter polling rules (kabinet.polling.normalise): {schedules = [...], retry = {...}}.
    const Poco::Dynamic::Var& polling() const noexcept { return polling_; }
    /// Upstream connectors (kabinet.connectors.normalise): [{id, plugin, label, accounts, supplier?, settings,
    /// sync_timeout_s, tasks = [{id, every_s, window_s}]}], computed at load.
    const Poco::Dynamic::Var& connectors() const noexcept { return connectors_; }
    /// Which meter an upstream device is (kabinet.tenant.link_device): {meter_serial} or {point_number}, or
    /// empty when it stays unlinked. Throws LuaError when the tenant's hook fails.
    Poco::Dynamic::Var linkDevice(const std::string& connectorId, const Poco::Dynamic::Var& device);
    /// The settings of a module the tenant switches on (kabinet.tenant.settings, computed at load): checked
    /// against the module's schema and with every default filled in; null when the module is off.
    Poco::JSON::Object::Ptr moduleSettings(const std::string& module) const;
    const std::string& registrationFormJson() const noexcept { return formJson_; }      /// registration form
    /// Ids of the consents of the registration form (152-ФЗ), sent by clients in "consents".
    const std::set<std::string>& consentIds() const noexcept { return consentIds_; }
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
    /// Identity settings (kabinet.tenant.identity), computed at load.
    const Poco::Dynamic::Var& identity() const noexcept { return identity_; }
    /// The profile form (kabinet.tenant.profile_form) as JSON text, computed at load.
    const std::string& profileFormJson() const noexcept { return profileFormJson_; }

    /// Runs fn with a pooled state whose stack has, at indexes 1 and 2, the declaration T and the
    /// kabinet.tenant module. The stack is reset afterwards; a state that failed is discarded.
    void withState(const std::function<void(LuaState&)>& fn);

    /// Calls kabinet.tenant.<function>(T, args...) where args are pushed by `pushArgs`; returns its one
    /// result as JSON.
    Poco::Dynamic::Var callModule(const std::string& function, int nargs, const std::function<void(lua_State*)>& pushArgs);

private:
    std::unique_ptr<LuaState> newState();
    Poco::Dynamic::Var callPair(const std::string& function, const std::string& kind, const Poco::Dynamic::Var& fields,
                                std::map<std::string, std::string>& errors);

    std::string id_, dir_, scriptsDir_;
    LuaLimits limits_;
    std::string name_, shortName_, hash_;
    std::vector<std::string> hosts_;
    Poco::Dynamic::Var profile_;
    Poco::Dynamic::Var polling_;
    Poco::Dynamic::Var connectors_;
    Poco::JSON::Object::Ptr settings_;
    std::string profileJson_, formJson_;
    std::set<std::string> consentIds_;
    Poco::Dynamic::Var identity_;
    std::string profileFormJson_;
    int utcOffset_ = 3 * 3600;
    std::mutex mutex_;
    std::vector<std::unique_ptr<LuaState>> idle_;
};

} // namespace kabinet
