#include "meters/VirtualMeterService.h"

#include "identity/GuessGuard.h"
#include "meters/AccessStore.h"
#include "meters/ManualPolicy.h"
#include "meters/MeterRegistry.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"

#include <Poco/String.h>

#include <cctype>
#include <ctime>
#include <map>

namespace kabinet {

Poco::JSON::Object::Ptr VirtualMeterService::create(Tenant& t, const SessionInfo& s, const Poco::JSON::Object::Ptr& body,
                                                    const std::string& client) {
    using FieldErrors = std::map<std::string, std::string>;
    const ManualPolicy policy = manualPolicy(t);
    if (!policy.enabled || !policy.virtualMeters) throw Error(403, "virtual_meters_unavailable", "Виртуальные приборы учёта не предусмотрены");
    auto str = [&](const char* k) { return body->has(k) && body->get(k).isString() ? Poco::trim(body->getValue<std::string>(k)) : std::string(); };
    const std::string address = str("address"), serial = str("serial");
    std::string account; // as POST access/accounts takes it: without spaces and dashes
    for (char c : str("account_number"))
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '-') account += c;
    std::string model = str("model");
    FieldErrors errors;
    if (address.empty() || address.size() > 300) errors["address"] = "Укажите место установки прибора учёта";
    if (account.empty() || account.size() > 32) errors["account_number"] = "Укажите номер лицевого счёта";
    if (serial.empty() || serial.size() > 32) errors["serial"] = "Укажите заводской номер прибора учёта";
    if (model.size() > 100) errors["model"] = "Слишком длинное название";
    if (!errors.empty()) throw Unprocessable(errors);
    if (model.empty()) model = "Прибор учёта";
    // The account number must be one of the utility's: a number not found is a guess, throttled and audited
    // like those of POST access/accounts (identity/GuessGuard).
    GuessGuard guess(db_, t, s.userId, client, "virtual_meter_account", account);
    std::string pointId, meterId;
    bool missed = false;
    db_.transaction([&](soci::session& se) {
        AccessStore access(se, t.id());
        if (!access.accountByNumber(account)) {
            missed = true;
            return;
        }
        if (!MeterRegistry::findMeter(se, t.id(), model, serial).empty())
            throw Conflict("meter_exists", "Прибор учёта с таким заводским номером уже есть",
                           FieldErrors{{"serial", "Прибор учёта с таким заводским номером уже есть"}});
        // The point belongs to this consumer alone (granted by point, not through the account, which others
        // may see too); the account number the consumer gave is kept in its name.
        MeteringPoint p;
        p.name = "Виртуальный прибор учёта (л/с " + account + ")";
        p.number = "V-" + crypto::randomToken(6);
        p.address = address;
        p.installationPlace = address;
        pointId = MeterRegistry::upsertPoint(se, t.id(), p);
        Meter m;
        m.pointId = pointId;
        m.model = model;
        m.serial = serial;
        m.isVirtual = true;
        m.tariffZones = 1;
        meterId = MeterRegistry::upsertMeter(se, t.id(), m);
        access.addGrant({s.userId, "point", pointId, "virtual", std::nullopt, std::nullopt, static_cast<long long>(std::time(nullptr))},
                        AccessStore::OnConflict::Fail);
    });
    if (missed) {
        guess.miss();
        throw Unprocessable(FieldErrors{{"account_number", "Лицевой счёт не найден в базе данных сетевой организации"}});
    }
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    out->set("point_id", pointId);
    out->set("meter_id", meterId);
    return out;
}

} // namespace kabinet
