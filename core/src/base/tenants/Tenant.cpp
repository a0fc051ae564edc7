#include "tenants/Tenant.h"

#include "lua/LuaJson.h"
#include "util/Crypto.h"
#include "util/Files.h"
#include "util/TimeZones.h"
#include "util/Log.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/String.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kabinet {

namespace {
constexpr std::size_t kMaxIdleStates = 8; // per tenant
std::atomic<std::size_t> pooledStates{0}; // idle states of all tenants
std::atomic<std::size_t> poolLimit{256};  // …at most; past it a state is closed after its call

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && !o->get(key).isEmpty() ? o->get(key).convert<std::string>() : std::string();
}
} // namespace

std::string Tenant::hashFolder(const std::string& dir) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (fs::directory_iterator it(dir), end; it != end; ++it) // the entries' types come with them: no stat each
        if (it->is_regular_file() && it->path().extension() == ".lua") files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    std::string all; // each file's name and text, hashed at once (OpenSSL's SHA-256: a start hashes every tenant)
    for (const auto& f : files) {
        std::string text;
        readFile(f, text);
        all += f.substr(f.find_last_of('/') + 1);
        all += text;
    }
    return crypto::sha256Hex(all).substr(0, 16);
}

Tenant::Tenant(std::string id, std::string dir, std::string scriptsDir, LuaLimits limits)
    : id_(std::move(id)), dir_(std::move(dir)), scriptsDir_(std::move(scriptsDir)), limits_(limits) {
    summary_.hash = hashFolder(dir_);
    auto st = newState();
    checkOn(*st, id_, summary_, nullptr); // the state is closed here: the first call that needs Lua opens one
}

Tenant::Tenant(std::string id, std::string dir, std::string scriptsDir, LuaLimits limits, TenantSummary summary)
    : id_(std::move(id)), dir_(std::move(dir)), scriptsDir_(std::move(scriptsDir)), limits_(limits),
      summary_(std::move(summary)) {
    if (!summary_.settings) summary_.settings = new Poco::JSON::Object;
}

Tenant::~Tenant() {
    pooledStates -= idle_.size();
}

void Tenant::setPoolLimit(std::size_t states) { poolLimit = states; }

std::size_t Tenant::pooledInProcess() { return pooledStates.load(); }

TenantSummary Tenant::check(const std::string& id, const std::string& dir, const std::string& scriptsDir, LuaLimits limits) {
    return Tenant(id, dir, scriptsDir, limits).summary_;
}

Poco::Dynamic::Var Tenant::callOn(LuaState& st, const std::string& function, bool build) {
    Poco::Dynamic::Var result;
    st.protect(2, 0, [&](lua_State* L) {
        lua_getfield(L, 2, function.c_str());
        if (!lua_isfunction(L, -1)) throw LuaError(st.owner() + ": kabinet.tenant has no function " + function);
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        if (build) {
            result = luajson::toJson(L, -1);
        } else {
            luajson::check(L, -1);
            if (lua_istable(L, -1)) result = Poco::JSON::Object::Ptr(new Poco::JSON::Object);
        }
        lua_pop(L, 1);
    });
    lua_settop(st.L(), 2);
    return result;
}

TenantSummary Tenant::summarize(LuaState& st, const std::string& id) {
    TenantSummary summary;
    checkOn(st, id, summary, nullptr);
    return summary;
}

void Tenant::checkOn(LuaState& st, const std::string& id, TenantSummary& summary, Answers* answers) {
    Answers local;
    Answers& a = answers ? *answers : local;
    // check(T): any problem refuses the tenant.
    auto problems = callOn(st, "check");
    if (!problems.isEmpty()) {
        std::string text;
        if (problems.type() == typeid(Poco::JSON::Array::Ptr)) {
            for (const auto& p : *problems.extract<Poco::JSON::Array::Ptr>())
                text += (text.empty() ? "" : "; ") + p.convert<std::string>();
        } else {
            text = luajson::stringify(problems);
        }
        if (!text.empty()) throw LuaError("tenant '" + id + "': tenant.lua: " + text);
    }
    // Only a tenant's answers are built and keep their text; a check (no answers kept) checks them as JSON.
    const bool keep = answers != nullptr;
    a.profile = callOn(st, "profile");
    auto form = callOn(st, "registration_form", keep);
    if (keep) a.formJson = luajson::stringify(form);
    if (keep && form.type() == typeid(Poco::JSON::Object::Ptr))
        if (auto consents = form.extract<Poco::JSON::Object::Ptr>()->getArray("consents"))
            for (const auto& c : *consents)
                if (c.type() == typeid(Poco::JSON::Object::Ptr))
                    a.consentIds.insert(c.extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("id", ""));
    if (keep) a.profileJson = luajson::stringify(a.profile);
    summary.polling = callOn(st, "polling");
    summary.connectors = callOn(st, "connectors");
    summary.caseKinds = callOn(st, "case_kinds");
    summary.caseGroups = callOn(st, "case_groups");
    summary.caseRegisters = callOn(st, "case_registers");
    summary.notifications = callOn(st, "notifications");
    if (summary.notifications.type() != typeid(Poco::JSON::Object::Ptr))
        throw LuaError("tenant '" + id + "': notifications() did not return a table");
    auto settings = callOn(st, "settings");
    summary.settings = settings.type() == typeid(Poco::JSON::Object::Ptr) ? settings.extract<Poco::JSON::Object::Ptr>()
                                                                          : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
    a.identity = callOn(st, "identity", keep);
    if (a.identity.type() != typeid(Poco::JSON::Object::Ptr))
        throw LuaError("tenant '" + id + "': identity() did not return a table");
    auto profileForm = callOn(st, "profile_form", keep);
    if (keep) a.profileFormJson = luajson::stringify(profileForm);
    if (a.profile.type() != typeid(Poco::JSON::Object::Ptr))
        throw LuaError("tenant '" + id + "': profile() did not return a table");
    auto p = a.profile.extract<Poco::JSON::Object::Ptr>();
    if (str(p, "id") != id)
        throw LuaError("tenant '" + id + "': tenant.lua declares id '" + str(p, "id") + "', but its folder is '" + id + "'");
    summary.utcOffset = tz::offsetSeconds(str(p, "timezone"));
    summary.name = str(p, "name");
    summary.shortName = str(p, "short_name");
    summary.branding = p->get("branding");
    summary.hosts.clear();
    if (auto h = p->getArray("hosts"))
        for (const auto& v : *h) summary.hosts.push_back(Poco::toLower(v.convert<std::string>()));
}

const Tenant::Answers& Tenant::answers() const {
    if (const Answers* a = answers_.load(std::memory_order_acquire)) return *a;
    std::lock_guard<std::mutex> lock(loadMutex_); // this tenant only: others load meanwhile
    if (const Answers* a = answers_.load(std::memory_order_acquire)) return *a;
    auto fresh = std::make_unique<Answers>();
    TenantSummary checked; // the summary stays as the tenant started with it
    const_cast<Tenant*>(this)->withState([&](LuaState& st) { checkOn(st, id_, checked, fresh.get()); });
    answersOwner_ = std::move(fresh);
    answers_.store(answersOwner_.get(), std::memory_order_release);
    return *answersOwner_;
}

Poco::JSON::Object::Ptr Tenant::moduleSettings(const std::string& module) const {
    return summary_.settings->getObject(module);
}

std::size_t Tenant::releaseIdle(std::chrono::steady_clock::duration idle) {
    std::vector<std::unique_ptr<LuaState>> closing;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto cutoff = std::chrono::steady_clock::now() - idle;
        for (auto it = idle_.begin(); it != idle_.end();) {
            if (it->lastUsed <= cutoff) {
                closing.push_back(std::move(it->state));
                it = idle_.erase(it);
                --pooledStates;
            } else {
                ++it;
            }
        }
    }
    return closing.size(); // closed here, outside the pool's lock
}

std::size_t Tenant::openStates() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return idle_.size();
}

std::unique_ptr<LuaState> Tenant::newState() {
    auto st = std::make_unique<LuaState>("tenant '" + id_ + "'", limits_.memoryBytes, limits_.instructionBudget,
                                         std::vector<std::string>{dir_, scriptsDir_});
    st->onLog = [id = id_](const std::string& m) { log::info("tenant script", {{"tenant", id}, {"text", m}}); };
    st->runFile(dir_ + "/tenant.lua", 1);
    if (!lua_istable(st->L(), -1)) throw LuaError("tenant '" + id_ + "': tenant.lua must return a table");
    st->protect(0, 1, [](lua_State* L) {
        lua_getglobal(L, "require");
        lua_pushstring(L, "kabinet.tenant");
        lua_call(L, 1, 1);
    });
    if (!lua_istable(st->L(), -1)) throw LuaError("tenant '" + id_ + "': module kabinet.tenant did not return a table");
    return st;
}

void Tenant::withState(const std::function<void(LuaState&)>& fn) {
    std::unique_ptr<LuaState> st;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!idle_.empty()) {
            st = std::move(idle_.back().state);
            idle_.pop_back();
            --pooledStates;
        }
    }
    if (!st) st = newState(); // outside the lock: loading a state runs Lua
    fn(*st); // on an exception the state (budget, memory or runtime error, maybe half-way) is dropped
    lua_settop(st->L(), 2);
    std::lock_guard<std::mutex> lock(mutex_);
    // A pass over many tenants (a background worker) must not leave a state open for each of them.
    if (idle_.size() < kMaxIdleStates && pooledStates.load() < poolLimit.load()) {
        idle_.push_back({std::move(st), std::chrono::steady_clock::now()});
        ++pooledStates;
    }
}

Poco::Dynamic::Var Tenant::callModule(const std::string& function, int nargs,
                                      const std::function<void(lua_State*)>& pushArgs) {
    Poco::Dynamic::Var result;
    withState([&](LuaState& st) {
        // Everything that touches the Lua stack runs protected: an argument too large for the memory cap
        // is an error of this call, never a panic of the process.
        st.protect(2, 0, [&](lua_State* L) {
            lua_getfield(L, 2, function.c_str());
            if (!lua_isfunction(L, -1)) throw LuaError(st.owner() + ": kabinet.tenant has no function " + function);
            lua_pushvalue(L, 1);
            pushArgs(L);
            lua_call(L, 1 + nargs, 1);
            result = luajson::toJson(L, -1);
            lua_pop(L, 1);
        });
    });
    return result;
}

namespace {
/// Splits a (result, errors) pair returned as {result, errors} by the Lua wrappers below.
std::map<std::string, std::string> errorMap(const Poco::Dynamic::Var& v) {
    std::map<std::string, std::string> out;
    if (v.type() == typeid(Poco::JSON::Object::Ptr))
        for (const auto& [k, reason] : *v.extract<Poco::JSON::Object::Ptr>())
            out[k] = reason.isEmpty() ? std::string("Неверное значение") : reason.convert<std::string>();
    return out;
}
} // namespace

Poco::Dynamic::Var Tenant::normalizeRegistration(const std::string& kind, const Poco::Dynamic::Var& fields,
                                                 std::map<std::string, std::string>& errors) {
    return callPair("normalize_registration", kind, fields, errors);
}

Poco::Dynamic::Var Tenant::normalizeProfile(const std::string& kind, const Poco::Dynamic::Var& fields,
                                            std::map<std::string, std::string>& errors) {
    return callPair("normalize_profile", kind, fields, errors);
}

Poco::Dynamic::Var Tenant::callPair(const std::string& function, const std::string& kind, const Poco::Dynamic::Var& fields,
                                    std::map<std::string, std::string>& errors) {
    Poco::Dynamic::Var result, errs;
    withState([&](LuaState& st) {
        st.protect(2, 0, [&](lua_State* L) {
            lua_getfield(L, 2, function.c_str());
            lua_pushvalue(L, 1);
            lua_pushstring(L, kind.c_str());
            luajson::push(L, fields);
            lua_call(L, 3, 2);
            result = luajson::toJson(L, -2);
            errs = luajson::toJson(L, -1);
            lua_pop(L, 2);
        });
    });
    errors = errorMap(errs);
    if (result.isEmpty() && errors.empty()) errors["_form"] = "Не удалось проверить данные формы";
    return errors.empty() ? result : Poco::Dynamic::Var();
}

std::string Tenant::normalizeLogin(const std::string& kind, const std::string& raw) {
    auto v = callModule("normalize_login", 2, [&](lua_State* L) {
        if (kind.empty()) lua_pushnil(L);
        else lua_pushstring(L, kind.c_str());
        lua_pushlstring(L, raw.data(), raw.size());
    });
    return v.isString() ? v.convert<std::string>() : std::string();
}

std::string Tenant::validatePassword(const std::string& kind, const std::string& password) {
    (void)kind; // the policy is the tenant's, for every kind
    auto v = callModule("validate_password", 1, [&](lua_State* L) { lua_pushlstring(L, password.data(), password.size()); });
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) return {};
    auto o = v.extract<Poco::JSON::Object::Ptr>();
    return o->has("password") ? o->getValue<std::string>("password") : std::string("Пароль не соответствует требованиям");
}

std::string Tenant::displayName(const std::string& kind, const Poco::Dynamic::Var& fields) {
    auto v = callModule("display_name", 2, [&](lua_State* L) {
        lua_pushstring(L, kind.c_str());
        luajson::push(L, fields);
    });
    return v.isString() ? v.convert<std::string>() : std::string();
}

Poco::Dynamic::Var Tenant::mail(const std::string& templ, const Poco::Dynamic::Var& vars) {
    auto v = callModule("mail", 2, [&](lua_State* L) {
        lua_pushstring(L, templ.c_str());
        luajson::push(L, vars);
    });
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw LuaError("tenant '" + id_ + "': mail('" + templ + "') returned no table");
    return v;
}

std::string Tenant::sms(const std::string& templ, const Poco::Dynamic::Var& vars) {
    auto v = callModule("sms", 2, [&](lua_State* L) {
        lua_pushstring(L, templ.c_str());
        luajson::push(L, vars);
    });
    if (!v.isString()) throw LuaError("tenant '" + id_ + "': sms('" + templ + "') returned no text");
    return v.convert<std::string>();
}

std::string Tenant::message(const std::string& key, const std::string& fallback) {
    auto v = callModule("message", 1, [&](lua_State* L) { lua_pushstring(L, key.c_str()); });
    return v.isString() && !v.convert<std::string>().empty() ? v.convert<std::string>() : fallback;
}

Poco::Dynamic::Var Tenant::linkDevice(const std::string& connectorId, const Poco::Dynamic::Var& device) {
    return callModule("link_device", 2, [&](lua_State* L) {
        lua_pushstring(L, connectorId.c_str());
        luajson::push(L, device);
    });
}

std::string Tenant::dictionaryJson(const std::string& name) {
    auto v = callModule("dictionary", 1, [&](lua_State* L) { lua_pushstring(L, name.c_str()); });
    if (v.isEmpty()) return {};
    return luajson::stringify(v);
}

std::map<std::string, std::string> Tenant::validateRegistration(const std::string& kind, const Poco::Dynamic::Var& fields) {
    auto v = callModule("validate_registration", 2, [&](lua_State* L) {
        lua_pushstring(L, kind.c_str());
        luajson::push(L, fields);
    });
    std::map<std::string, std::string> errors;
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        for (const auto& [k, reason] : *v.extract<Poco::JSON::Object::Ptr>())
            errors[k] = reason.isEmpty() ? std::string("Неверное значение") : reason.convert<std::string>();
    } else if (!v.isEmpty()) {
        throw LuaError("tenant '" + id_ + "': validate_registration must return nil or a table");
    }
    return errors;
}

} // namespace kabinet
