#include "meters/GrantService.h"

#include "meters/AccessStore.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>

#include <cctype>
#include <ctime>
#include <map>

namespace kabinet {

namespace {
using FieldErrors = std::map<std::string, std::string>;
}

Poco::JSON::Object::Ptr GrantService::consumers(Tenant& t, const std::string& rawQ) {
    const std::string q = Poco::toLower(Poco::trim(rawQ));
    if (q.size() > 100) throw Unprocessable(FieldErrors{{"q", "Слишком длинный запрос"}});
    // A login typed as the portal shows it («118-452-306 44») is also looked for as stored: its digits.
    std::string digits;
    bool onlyDigits = true;
    for (char c : q) {
        if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
        else if (!std::isspace(static_cast<unsigned char>(c)) && c != '-' && c != '(' && c != ')' && c != '+') onlyDigits = false;
    }
    Poco::JSON::Array::Ptr list;
    db_.read([&](soci::session& se) {
        AccessStore store(se, t.id());
        const std::string like = "%" + q + "%", likeDigits = onlyDigits && !digits.empty() ? "%" + digits + "%" : like;
        list = store.consumers(like, likeDigits);
        for (auto& u : *list) {
            auto uo = u.extract<Poco::JSON::Object::Ptr>();
            uo->set("grants", store.grantsOf(uo->getValue<std::string>("id")));
        }
    });
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    out->set("consumers", list);
    return out;
}

void GrantService::grant(Tenant& t, const SessionInfo& op, const Poco::JSON::Object::Ptr& body, bool revoke) {
    auto str = [&](const char* k) { return body->has(k) && body->get(k).isString() ? body->getValue<std::string>(k) : std::string(); };
    const std::string userId = str("user_id"), scope = str("scope"), ref = Poco::trim(str("ref"));
    FieldErrors errors;
    if (userId.empty()) errors["user_id"] = "Укажите потребителя";
    if (scope != "account" && scope != "contract" && scope != "point") errors["scope"] = "Допустимо account, contract или point";
    if (ref.empty() || ref.size() > 64) errors["ref"] = "Укажите номер лицевого счёта, договора или точку учёта";
    if (!errors.empty()) throw Unprocessable(errors);
    db_.transaction([&](soci::session& se) {
        AccessStore store(se, t.id());
        if (!store.isConsumer(userId)) throw Unprocessable(FieldErrors{{"user_id", "Потребитель не найден"}});
        const auto refId = store.refByNumber(scope, ref);
        if (!refId) throw Unprocessable(FieldErrors{{"ref", "Не найдено в данных сетевой организации"}});
        if (revoke) store.removeGrant(userId, scope, *refId);
        else
            store.addGrant({userId, scope, *refId, "operator_grant", std::nullopt, op.userId, static_cast<long long>(std::time(nullptr))},
                           AccessStore::OnConflict::Keep);
    });
}

} // namespace kabinet
