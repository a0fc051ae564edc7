#include "tenants/Tenant.h"

#include "lua/LuaJson.h"
#include "util/Files.h"
#include "util/TimeZones.h"
#include "util/Log.h"

#include <Poco/DigestEngine.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA2Engine.h>
#include <Poco/String.h>
#include <algorithm>
#include <fstream>
#include <sstream>

namespace kabinet {

namespace {
constexpr std::size_t kMaxIdleStates = 8;

/// Hash of every .lua file in the tenant folder, to notice changed declarations.
std::string hashFolder(const std::string& dir) {
    Poco::SHA2Engine sha;
    std::vector<std::string> files;
    for (Poco::DirectoryIterator it(dir), end; it != end; ++it)
        if (it->isFile() && it.path().getExtension() == "lua") files.push_back(it.path().toString());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::string text;
        readFile(f, text);
        sha.update(f.substr(f.find_last_of('/') + 1));
        sha.update(text);
    }
    return Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 16);
}

std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key) {
    return o && o->has(key) && !o->get(key).isEmpty() ? o->get(key).convert<std::string>() : std::string();
}
} // namespace

Tenant::Tenant(std::string id, std::string dir, std::string scriptsDir, LuaLimits limits)
    : id_(std::move(id)), dir_(std::move(dir)), scriptsDir_(std::move(scriptsDir)), limits_(limits) {
    hash_ = hashFolder(dir_);
    idle_.push_back(newState());
    // check(T): any problem refuses the tenant.
    auto problems = callModule("check", 0, [](lua_State*) {});
    if (!problems.isEmpty()) {
        std::string text;
        if (problems.type() == typeid(Poco::JSON::Array::Ptr)) {
            for (const auto& p : *problems.extract<Poco::JSON::Array::Ptr>())
                text += (text.empty() ? "" : "; ") + p.convert<std::string>();
        } else {
            text = luajson::stringify(problems);
        }
        if (!text.empty()) throw LuaError("tenant '" + id_ + "': tenant.lua: " + text);
    }
    profile_ = callModule("profile", 0, [](lua_State*) {});
    auto form = callModule("registration_form", 0, [](lua_State*) {});
    formJson_ = luajson::stringify(form);
    if (form.type() == typeid(Poco::JSON::Object::Ptr))
        if (auto consents = form.extract<Poco::JSON::Object::Ptr>()->getArray("consents"))
            for (const auto& c : *consents)
                if (c.type() == typeid(Poco::JSON::Object::Ptr))
                    consentIds_.insert(c.extract<Poco::JSON::Object::Ptr>()->optValue<std::string>("id", ""));
    profileJson_ = luajson::stringify(profile_);
    polling_ = callModule("polling", 0, [](lua_State*) {});
    connectors_ = callModule("connectors", 0, [](lua_State*) {});
    auto settings = callModule("settings", 0, [](lua_State*) {});
    settings_ = settings.type() == typeid(Poco::JSON::Object::Ptr) ? settings.extract<Poco::JSON::Object::Ptr>()
                                                                    : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
    identity_ = callModule("identity", 0, [](lua_State*) {});
    if (identity_.type() != typeid(Poco::JSON::Object::Ptr))
        throw LuaError("tenant '" + id_ + "': identity() did not return a table");
    profileFormJson_ = luajson::stringify(callModule("profile_form", 0, [](lua_State*) {}));
    if (profile_.type() != typeid(Poco::JSON::Object::Ptr))
        throw LuaError("tenant '" + id_ + "': profile() did not return a table");
    auto p = profile_.extract<Poco::JSON::Object::Ptr>();
    if (str(p, "id") != id_)
        throw LuaError("tenant '" + id_ + "': tenant.lua declares id '" + str(p, "id") + "', but its folder is '" + id_ + "'");
    utcOffset_ = tz::offsetSeconds(str(p, "timezone"));
    name_ = str(p, "name");
    shortName_ = str(p, "short_name");
    if (auto h = p->getArray("hosts"))
        for (const auto& v : *h) hosts_.push_back(Poco::toLower(v.convert<std::string>()));
}

Tenant::~Tenant() = default;

Poco::JSON::Object::Ptr Tenant::moduleSettings(const std::string& module) const {
    return settings_->getObject(module);
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
            st = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!st) st = newState();
    fn(*st); // on an exception the state (budget, memory or runtime error, maybe half-way) is dropped
    lua_settop(st->L(), 2);
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < kMaxIdleStates) idle_.push_back(std::move(st));
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
