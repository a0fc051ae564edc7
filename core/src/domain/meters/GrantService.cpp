#include "meters/GrantService.h"

#include "identity/AuditLog.h"
#include "meters/AccessStore.h"
#include "notify/NotificationCentre.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/String.h>
#include <soci/soci.h>

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

void GrantService::grant(Tenant& t, const SessionInfo& op, const Poco::JSON::Object::Ptr& body, bool revoke, const std::string& client) {
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
        const long long now = static_cast<long long>(std::time(nullptr));
        bool changed = false;
        if (revoke) changed = store.removeGrant(userId, scope, *refId);
        else {
            changed = !store.hasGrant(userId, scope, *refId);
            store.addGrant({userId, scope, *refId, "operator_grant", std::nullopt, op.userId, now}, AccessStore::OnConflict::Keep);
        }
        // The change is audited and the consumer told of it (not of a grant they had already), in the same transaction.
        if (!changed) return;
        AuditEntry audit = AuditEntry::done("grant", op.userId, revoke ? "revoke" : "grant", client, userId);
        audit.details->set("scope", scope);
        audit.details->set("number", ref);
        AuditLog::recordIn(se, t.id(), audit);
        static const std::map<std::string, std::string> what = {{"account", "лицевой счёт"}, {"contract", "договор"}, {"point", "точка учёта"}};
        std::string number = ref; // a point may be named by its id: people know it by its number
        if (scope == "point") se << "SELECT number FROM metering_points WHERE tenant_id = :t AND point_id = :p", soci::use(t.id()), soci::use(*refId), soci::into(number);
        Notice n;
        n.kind = revoke ? "access_revoked" : "access_granted";
        n.audience.users = {userId};
        n.values = {{"number", number}, {"what", what.at(scope) + " № " + number}};
        n.refs = {{scope, *refId, n.values["what"]}};
        NotificationCentre::raise(se, t, n, now);
    });
}

} // namespace kabinet
