#include "connectors/SupplierLink.h"
#include "connectors/RecordJson.h"

#include "connectors/ConnectorHub.h"
#include "connectors/SupplierContracts.h"
#include "plugins/Connector.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>


namespace kabinet {

namespace {
using recordjson::stringify;
using JsonObject = Poco::JSON::Object::Ptr;
using FieldErrors = std::map<std::string, std::string>;

/// The tenant's `suppliers` dictionary: value → label.
std::string supplierName(Tenant& t, const std::string& supplier) {
    const std::string dict = t.dictionaryJson("suppliers");
    if (dict.empty() || supplier.empty()) return {};
    try {
        auto v = Poco::JSON::Parser().parse(dict);
        Poco::JSON::Array::Ptr a;
        if (v.type() == typeid(Poco::JSON::Array::Ptr)) a = v.extract<Poco::JSON::Array::Ptr>();
        else if (v.type() == typeid(Poco::JSON::Object::Ptr)) a = v.extract<Poco::JSON::Object::Ptr>()->getArray("items");
        if (!a) return {};
        for (std::size_t i = 0; i < a->size(); ++i) {
            auto e = a->getObject(static_cast<unsigned>(i));
            if (e && e->optValue<std::string>("value", "") == supplier) {
                const std::string label = e->optValue<std::string>("label", "");
                return label.empty() ? supplier : label;
            }
        }
    } catch (const std::exception&) {
    }
    return {};
}
} // namespace

std::optional<std::string> supplierConnector(ConnectorHub& hub, const Tenant& t, const std::string& supplier) {
    for (const auto& c : hub.connectors(t))
        if (c.accounts == "consumer" && c.supplier && *c.supplier == supplier && c.state == "ready") return c.id;
    return std::nullopt;
}

bool SupplierLink::legacy(const Tenant& t, const JsonObject& body) {
    const std::string supplier = body && body->has("supplier") && body->get("supplier").isString() ? body->getValue<std::string>("supplier") : "";
    const auto id = supplierConnector(hub_, t, supplier);
    return id && !hub_.instance(t, *id).hasSync();
}

JsonObject SupplierLink::link(Tenant& t, const SessionInfo& s, const JsonObject& body, long long now) {
    auto str = [&](const char* k) { return body && body->has(k) && body->get(k).isString() ? body->getValue<std::string>(k) : std::string(); };
    const std::string supplier = str("supplier"), title = Poco::trim(str("title")), login = Poco::trim(str("login"));
    std::string password = str("password");
    FieldErrors errors;
    const std::string name = supplierName(t, supplier);
    if (name.empty()) errors["supplier"] = "Выберите поставщика из списка";
    if (title.empty() || title.size() > 200) errors["title"] = "Укажите название договора (до 200 символов)";
    if (login.empty() || login.size() > 200) errors["login"] = "Укажите логин, полученный от поставщика";
    if (password.empty() || password.size() > 200) errors["password"] = "Укажите пароль, полученный от поставщика";
    if (!errors.empty()) throw Unprocessable(errors);
    const auto connectorId = supplierConnector(hub_, t, supplier);
    if (!connectorId)
        throw Error(503, "supplier_unavailable", "Подключение к поставщику «" + name + "» ещё не настроено; попробуйте позже").retryAfter(60);
    std::string answer;
    {
        JsonObject input = new Poco::JSON::Object;
        input->set("login", login);
        input->set("password", password);
        std::string inputText = stringify(input);
        password.assign(password.size(), '\0');
        try {
            answer = hub_.call(t, *connectorId, "", "link", inputText);
        } catch (const Error& e) {
            inputText.assign(inputText.size(), '\0');
            if (e.status() == 422)
                throw Unprocessable(FieldErrors{{"password", "Неверный логин или пароль поставщика"}}, "Поставщик не подтвердил логин и пароль");
            if (e.status() == 502) throw Error(502, "supplier_bad_answer", "Поставщик «" + name + "» прислал непонятный ответ; попробуйте позже");
            throw Error(503, "supplier_unavailable", "Поставщик «" + name + "» сейчас недоступен; попробуйте позже").retryAfter(60);
        }
        inputText.assign(inputText.size(), '\0');
    }
    JsonObject parsed;
    try {
        parsed = Poco::JSON::Parser().parse(answer).extract<JsonObject>();
    } catch (const std::exception&) {
        throw Error(502, "supplier_bad_answer", "Поставщик «" + name + "» прислал непонятный ответ; попробуйте позже");
    }
    const std::string token = parsed->optValue<std::string>("token", "");
    auto contracts = parsed->getArray("contracts");
    if (token.empty() || !contracts) throw Error(502, "supplier_bad_answer", "Поставщик «" + name + "» прислал непонятный ответ; попробуйте позже");
    if (contracts->size() == 0) throw Unprocessable(FieldErrors{{"login", "У этой учётной записи поставщика нет договоров"}});
    // One connector account per user and supplier login (the login itself is not kept: a digest names it).
    const std::string accountId = "u" + s.userId + "-" + crypto::sha256Hex(supplier + "\n" + login).substr(0, 12);
    Poco::JSON::Array::Ptr linked = new Poco::JSON::Array;
    db_.transaction([&](soci::session& se) {
        Poco::JSON::Array::Ptr numbers = new Poco::JSON::Array;
        for (std::size_t i = 0; i < contracts->size(); ++i) {
            auto c = contracts->getObject(static_cast<unsigned>(i));
            if (!c || c->optValue<std::string>("number", "").empty()) continue;
            numbers->add(c->getValue<std::string>("number"));
        }
        JsonObject state = new Poco::JSON::Object;
        state->set("supplier", supplier);
        state->set("contracts", numbers);
        ConnectorAccount account;
        account.tenantId = t.id();
        account.connectorId = *connectorId;
        account.accountId = accountId;
        account.kind = "consumer";
        account.userId = s.userId;
        account.title = title;
        JsonObject secret = new Poco::JSON::Object;
        secret->set("token", token);
        account.secretJson = stringify(secret);
        account.stateJson = stringify(state);
        hub_.saveAccount(se, account);
        SupplierContractSource src{t.id(), supplier, *connectorId, accountId, s.userId, title, now};
        for (std::size_t i = 0; i < contracts->size(); ++i) {
            auto c = contracts->getObject(static_cast<unsigned>(i));
            if (!c || c->optValue<std::string>("number", "").empty()) continue;
            const std::string id = storeSupplierContract(se, src, c);
            JsonObject o = new Poco::JSON::Object;
            o->set("id", id);
            o->set("number", c->getValue<std::string>("number"));
            o->set("title", title);
            linked->add(o);
        }
    });
    if (linked->size() == 0) throw Unprocessable(FieldErrors{{"login", "У этой учётной записи поставщика нет договоров"}});
    hub_.scheduleAccount(t.id(), *connectorId, accountId, now);
    log::info("supplier contracts linked", {{"tenant", t.id()}, {"connector", *connectorId}, {"account", accountId},
                                             {"contracts", std::to_string(linked->size())}});
    JsonObject out = new Poco::JSON::Object;
    out->set("contracts", linked);
    out->set("message", linked->size() == 1 ? "Договор добавлен" : "Договоры добавлены");
    return out;
}

} // namespace kabinet
