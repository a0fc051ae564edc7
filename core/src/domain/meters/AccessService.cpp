#include "meters/AccessService.h"

#include "identity/GuessGuard.h"
#include "lua/LuaJson.h"
#include "meters/AccessStore.h"
#include "meters/MeterRegistry.h"
#include "meters/RowJson.h"
#include "plugins/PluginHost.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <vector>

namespace kabinet {

namespace {

using JsonObject = Poco::JSON::Object::Ptr;
using FieldErrors = std::map<std::string, std::string>;

long long now() { return static_cast<long long>(std::time(nullptr)); }

/// Access ways of the user's applicant kind (or the tenant's).
std::vector<std::string> waysFor(const Tenant& t, const std::string& kind) {
    std::vector<std::string> out;
    auto profile = t.profile().extract<Poco::JSON::Object::Ptr>();
    if (auto kinds = profile->getArray("applicant_kinds"))
        for (const auto& k : *kinds) {
            auto ko = k.extract<Poco::JSON::Object::Ptr>();
            if (ko->optValue<std::string>("id", "") == kind && ko->has("access_ways"))
                for (const auto& w : *ko->getArray("access_ways")) out.push_back(w.convert<std::string>());
        }
    if (out.empty() && profile->has("access_ways"))
        for (const auto& w : *profile->getArray("access_ways")) out.push_back(w.convert<std::string>());
    return out;
}

void requireWay(const Tenant& t, const SessionInfo& s, const std::string& way) {
    auto ways = waysFor(t, s.kind);
    if (std::find(ways.begin(), ways.end(), way) == ways.end())
        throw Error(403, "access_way_unavailable", "Этот способ получения доступа к приборам учёта не используется");
}

/// The tenant's `suppliers` dictionary: id → name (the id itself when the entry has no label).
std::map<std::string, std::string> suppliers(Tenant& t) {
    std::map<std::string, std::string> out;
    const std::string dict = t.dictionaryJson("suppliers");
    if (dict.empty()) return out;
    auto d = luajson::parse(dict).extract<Poco::JSON::Object::Ptr>();
    if (auto items = d->getArray("items"))
        for (const auto& item : *items)
            if (item.type() == typeid(Poco::JSON::Object::Ptr)) {
                auto o = item.extract<Poco::JSON::Object::Ptr>();
                const std::string value = o->optValue<std::string>("value", "");
                out[value] = o->optValue<std::string>("label", value);
            }
    return out;
}

/// A number as people type it: without spaces and dashes.
std::string compact(const std::string& raw) {
    std::string out;
    for (char c : raw)
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '-') out += c;
    return out;
}

} // namespace

JsonObject AccessService::access(Tenant& t, const SessionInfo& s) {
    JsonObject out = new Poco::JSON::Object;
    Poco::JSON::Array::Ptr ways = new Poco::JSON::Array;
    for (const auto& w : waysFor(t, s.kind)) ways->add(w);
    out->set("ways", ways);
    const auto names = suppliers(t);
    db_.read([&](soci::session& se) {
        AccessStore store(se, t.id());
        out->set("accounts", store.grantedAccounts(s.userId));
        auto contracts = store.grantedContracts(s.userId);
        // A supplier is stored by its id in the tenant's `suppliers` dictionary; people read its name.
        for (const auto& c : *contracts) {
            auto o = c.extract<Poco::JSON::Object::Ptr>();
            const std::string id = o->optValue<std::string>("supplier", "");
            auto it = names.find(id);
            o->set("supplier_name", rowjson::text(it != names.end() && !it->second.empty() ? it->second : id));
        }
        out->set("contracts", contracts);
        out->set("points", store.visiblePointCount(s.userId));
    });
    return out;
}

JsonObject AccessService::addAccount(Tenant& t, const SessionInfo& s, const std::string& raw, const std::string& client) {
    requireWay(t, s, "account_number");
    const std::string number = compact(raw);
    if (number.empty() || number.size() > 32) throw Unprocessable(FieldErrors{{"number", "Укажите номер лицевого счёта"}});
    GuessGuard guess(db_, t, s.userId, client, "account_number", number); // throttled and audited (identity/GuessGuard)
    JsonObject out = new Poco::JSON::Object;
    bool missed = false;
    db_.transaction([&](soci::session& se) {
        AccessStore store(se, t.id());
        const auto account = store.accountByNumber(number);
        if (!account) {
            missed = true;
            return;
        }
        if (store.hasGrant(s.userId, "account", account->id))
            throw Conflict("already_added", "Этот лицевой счёт уже добавлен", FieldErrors{{"number", "Этот лицевой счёт уже добавлен"}});
        store.addGrant({s.userId, "account", account->id, "account_number", std::nullopt, std::nullopt, now()}, AccessStore::OnConflict::Fail);
        JsonObject a = new Poco::JSON::Object;
        a->set("id", account->id);
        a->set("number", number);
        a->set("address", account->address);
        out->set("account", a);
    });
    if (missed) {
        guess.miss();
        throw Error(404, "account_not_found", "Лицевой счёт не найден в базе данных сетевой организации",
                    FieldErrors{{"number", "Лицевой счёт не найден в базе данных сетевой организации"}});
    }
    out->set("message", "Номер лицевого счета успешно добавлен");
    return out;
}

void AccessService::removeAccount(Tenant& t, const SessionInfo& s, const std::string& accountId) {
    db_.transaction([&](soci::session& se) {
        if (!AccessStore(se, t.id()).removeGrant(s.userId, "account", accountId)) throw NotFound("account_not_found", "Лицевой счёт не найден");
    });
}

JsonObject AccessService::checkOgrn(Tenant& t, const SessionInfo& s) {
    requireWay(t, s, "ogrn_contract");
    db_.read([&](soci::session& se) {
        AccessStore store(se, t.id());
        const std::string ogrn = store.userOgrn(s.userId);
        if (ogrn.empty() || !store.contractCount(ogrn))
            throw NotFound("ogrn_not_found", "Сведения об ОГРН (ОГРНИП) не найдены в базе данных сетевой организации. "
                                             "Обратитесь в техническую поддержку");
    });
    JsonObject out = new Poco::JSON::Object;
    out->set("found", true);
    return out;
}

JsonObject AccessService::confirmOgrn(Tenant& t, const SessionInfo& s, const std::string& contractNumber, const std::string& client) {
    requireWay(t, s, "ogrn_contract");
    const std::string number = Poco::trim(contractNumber);
    if (number.empty() || number.size() > 64) throw Unprocessable(FieldErrors{{"contract_number", "Укажите номер договора"}});
    GuessGuard guess(db_, t, s.userId, client, "ogrn_contract", number); // throttled and audited (identity/GuessGuard)
    bool missed = false;
    db_.transaction([&](soci::session& se) {
        AccessStore store(se, t.id());
        const std::string ogrn = store.userOgrn(s.userId);
        if (ogrn.empty() || !store.contractCount(ogrn, number)) {
            missed = true;
            return;
        }
        const long long n = now();
        for (const auto& id : store.contractIds(ogrn))
            store.addGrant({s.userId, "contract", id, "ogrn_contract", std::nullopt, std::nullopt, n}, AccessStore::OnConflict::Keep);
    });
    if (missed) {
        guess.miss();
        throw Unprocessable(FieldErrors{{"contract_number", "Договор с таким номером не найден для вашего ОГРН (ОГРНИП)"}});
    }
    JsonObject out = new Poco::JSON::Object;
    out->set("contracts", access(t, s)->get("contracts"));
    return out;
}

void AccessService::renameContract(Tenant& t, const SessionInfo& s, const std::string& contractId, const std::string& rawTitle) {
    const std::string title = Poco::trim(rawTitle);
    if (title.empty() || title.size() > 200) throw Unprocessable(FieldErrors{{"title", "Название — от 1 до 200 символов"}});
    db_.transaction([&](soci::session& se) {
        if (!AccessStore(se, t.id()).retitleContract(s.userId, contractId, title)) throw NotFound("contract_not_found", "Договор не найден");
    });
}

JsonObject AccessService::linkSupplier(Tenant& t, const SessionInfo& s, const JsonObject& body) {
    requireWay(t, s, "supplier_login");
    auto str = [&](const char* k) { return body->has(k) && body->get(k).isString() ? body->getValue<std::string>(k) : std::string(); };
    const std::string supplier = str("supplier"), title = Poco::trim(str("title")), login = Poco::trim(str("login")), password = str("password");
    FieldErrors errors;
    const auto names = suppliers(t);
    const auto named = names.find(supplier);
    const std::string supplierName = named == names.end() ? std::string() : named->second;
    if (supplierName.empty()) errors["supplier"] = "Выберите поставщика из списка";
    if (title.empty() || title.size() > 200) errors["title"] = "Укажите название договора (до 200 символов)";
    if (login.empty() || login.size() > 200) errors["login"] = "Укажите логин, полученный от поставщика";
    if (password.empty() || password.size() > 200) errors["password"] = "Укажите пароль, полученный от поставщика";
    if (!errors.empty()) throw Unprocessable(errors);
    const std::shared_ptr<Connector> connector = connectors_ ? connectors_(t, supplier) : nullptr;
    if (!connector)
        throw Error(503, "supplier_unavailable", "Подключение к поставщику «" + supplierName + "» ещё не настроено; попробуйте позже");
    std::string answer;
    try {
        answer = connector->linkContracts(login, password);
    } catch (const ChannelError& e) {
        if (e.status == KB_ERR_REJECTED)
            throw Unprocessable(FieldErrors{{"password", "Неверный логин или пароль поставщика"}}, "Поставщик не подтвердил логин и пароль");
        throw Error(503, "supplier_unavailable", "Поставщик «" + supplierName + "» сейчас недоступен; попробуйте позже").retryAfter(60);
    }
    Poco::Dynamic::Var parsed;
    try {
        parsed = Poco::JSON::Parser().parse(answer);
    } catch (const std::exception&) {
        throw Error(502, "supplier_bad_answer", "Поставщик прислал непонятный ответ; попробуйте позже");
    }
    if (parsed.type() != typeid(Poco::JSON::Array::Ptr) || parsed.extract<Poco::JSON::Array::Ptr>()->size() == 0)
        throw Unprocessable(FieldErrors{{"login", "У этой учётной записи поставщика нет договоров"}});
    Poco::JSON::Array::Ptr linked = new Poco::JSON::Array;
    db_.transaction([&](soci::session& se) {
        AccessStore store(se, t.id());
        const long long n = now();
        for (const auto& c : *parsed.extract<Poco::JSON::Array::Ptr>()) {
            if (c.type() != typeid(Poco::JSON::Object::Ptr)) continue;
            auto co = c.extract<Poco::JSON::Object::Ptr>();
            Contract k;
            k.number = co->optValue<std::string>("number", "").substr(0, 64);
            if (k.number.empty()) continue;
            k.consumerName = co->optValue<std::string>("consumer_name", "").substr(0, 300);
            k.actualAddress = co->optValue<std::string>("address", "").substr(0, 300);
            k.validFrom = co->optValue<std::string>("valid_from", "").substr(0, 10);
            k.supplier = supplier;
            const std::string id = MeterRegistry::upsertContract(se, t.id(), k);
            store.addGrant({s.userId, "contract", id, "supplier_login", title, std::nullopt, n}, AccessStore::OnConflict::Retitle);
            JsonObject o = new Poco::JSON::Object;
            o->set("id", id);
            o->set("number", k.number);
            o->set("title", title);
            linked->add(o);
        }
    });
    JsonObject out = new Poco::JSON::Object;
    out->set("contracts", linked);
    out->set("message", "Договор добавлен");
    return out;
}

} // namespace kabinet
