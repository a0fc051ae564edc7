#include "meters/MeterRegistry.h"

#include "meters/PointListCache.h"
#include "storage/Database.h"
#include "util/Crypto.h"

#include <soci/soci.h>

namespace kabinet {

namespace {
soci::indicator ind(const std::string& v) { return v.empty() ? soci::i_null : soci::i_ok; }

/// The id of a row found by a natural key, or empty.
std::string findId(soci::session& s, const std::string& sql, const std::string& tenant, const std::string& a,
                   const std::string& b = "") {
    std::string id;
    if (b.empty()) s << sql, soci::use(tenant), soci::use(a), soci::into(id);
    else s << sql, soci::use(tenant), soci::use(a), soci::use(b), soci::into(id);
    return s.got_data() ? id : std::string();
}
} // namespace

std::string MeterRegistry::upsertContract(soci::session& s, const std::string& tenant, Contract c) {
    std::string id = findId(s, "SELECT contract_id FROM contracts WHERE tenant_id = :t AND number = :n", tenant, c.number);
    if (id.empty()) id = c.id.empty() ? crypto::randomToken(12) : c.id;
    soci::indicator i_c_inn = ind(c.inn);
    soci::indicator i_c_ogrn = ind(c.ogrn);
    soci::indicator i_c_validFrom = ind(c.validFrom);
    soci::indicator i_c_validTo = ind(c.validTo);
    s << "INSERT INTO contracts (tenant_id, contract_id, number, kind, consumer_name, consumer_kind, inn, ogrn, legal_address, "
         "actual_address, supplier, valid_from, valid_to) VALUES (:t, :id, :n, :k, :cn, :ck, :inn, :ogrn, :la, :aa, :sup, :vf, :vt) "
         "ON CONFLICT (tenant_id, contract_id) DO UPDATE SET kind = excluded.kind, consumer_name = excluded.consumer_name, "
         "consumer_kind = excluded.consumer_kind, inn = excluded.inn, ogrn = excluded.ogrn, legal_address = excluded.legal_address, "
         "actual_address = excluded.actual_address, supplier = excluded.supplier, valid_from = excluded.valid_from, valid_to = excluded.valid_to",
        soci::use(tenant), soci::use(id), soci::use(c.number), soci::use(c.kind), soci::use(c.consumerName), soci::use(c.consumerKind),
        soci::use(c.inn, i_c_inn), soci::use(c.ogrn, i_c_ogrn), soci::use(c.legalAddress), soci::use(c.actualAddress),
        soci::use(c.supplier), soci::use(c.validFrom, i_c_validFrom), soci::use(c.validTo, i_c_validTo);
    PointListCache::changed();
    return id;
}

std::string MeterRegistry::upsertAccount(soci::session& s, const std::string& tenant, Account a) {
    std::string id = findId(s, "SELECT account_id FROM accounts WHERE tenant_id = :t AND number = :n", tenant, a.number);
    if (id.empty()) id = a.id.empty() ? crypto::randomToken(12) : a.id;
    soci::indicator i_a_contractId = ind(a.contractId);
    s << "INSERT INTO accounts (tenant_id, account_id, number, contract_id, holder_name, address) VALUES (:t, :id, :n, :c, :h, :a) "
         "ON CONFLICT (tenant_id, account_id) DO UPDATE SET contract_id = excluded.contract_id, holder_name = excluded.holder_name, "
         "address = excluded.address",
        soci::use(tenant), soci::use(id), soci::use(a.number), soci::use(a.contractId, i_a_contractId), soci::use(a.holderName),
        soci::use(a.address);
    PointListCache::changed();
    return id;
}

std::string MeterRegistry::upsertPoint(soci::session& s, const std::string& tenant, MeteringPoint p) {
    std::string id = p.id;
    if (id.empty()) id = findId(s, "SELECT point_id FROM metering_points WHERE tenant_id = :t AND number = :n", tenant, p.number);
    if (id.empty()) id = crypto::randomToken(12);
    soci::indicator limitInd = p.powerLimitKw ? soci::i_ok : soci::i_null;
    double limit = p.powerLimitKw.value_or(0);
    soci::indicator i_p_accountId = ind(p.accountId);
    soci::indicator i_p_contractId = ind(p.contractId);
    soci::indicator i_p_commissionedOn = ind(p.commissionedOn);
    s << "INSERT INTO metering_points (tenant_id, point_id, account_id, contract_id, name, number, resource, address, installation_place, "
         "commissioned_on, tariff, power_limit_kw) VALUES (:t, :id, :a, :c, :name, :num, :r, :addr, :place, :comm, :tar, :lim) "
         "ON CONFLICT (tenant_id, point_id) DO UPDATE SET account_id = excluded.account_id, contract_id = excluded.contract_id, "
         "name = excluded.name, number = excluded.number, resource = excluded.resource, address = excluded.address, "
         "installation_place = excluded.installation_place, commissioned_on = excluded.commissioned_on, tariff = excluded.tariff, "
         "power_limit_kw = excluded.power_limit_kw",
        soci::use(tenant), soci::use(id), soci::use(p.accountId, i_p_accountId), soci::use(p.contractId, i_p_contractId),
        soci::use(p.name), soci::use(p.number), soci::use(p.resource), soci::use(p.address), soci::use(p.installationPlace),
        soci::use(p.commissionedOn, i_p_commissionedOn), soci::use(p.tariff), soci::use(limit, limitInd);
    PointListCache::changed();
    return id;
}

std::string MeterRegistry::findMeter(soci::session& s, const std::string& tenant, const std::string& model, const std::string& serial) {
    return findId(s, "SELECT meter_id FROM meters WHERE tenant_id = :t AND model = :m AND serial = :s", tenant, model, serial);
}

std::string MeterRegistry::upsertMeter(soci::session& s, const std::string& tenant, Meter m) {
    std::string id = findMeter(s, tenant, m.model, m.serial);
    if (id.empty()) id = m.id.empty() ? crypto::randomToken(12) : m.id;
    int smart = m.smart ? 1 : 0, virt = m.isVirtual ? 1 : 0, years = m.verificationYears.value_or(0);
    soci::indicator yearsInd = m.verificationYears ? soci::i_ok : soci::i_null;
    soci::indicator i_m_installedOn = ind(m.installedOn);
    soci::indicator i_m_verifiedOn = ind(m.verifiedOn);
    soci::indicator i_m_nextVerificationOn = ind(m.nextVerificationOn);
    s << "INSERT INTO meters (tenant_id, meter_id, point_id, model, modification, serial, register_number, accuracy_class, nominal_voltage, "
         "current_range, phases, tariff_zones, smart, virtual, installed_on, verified_on, verification_years, next_verification_on) "
         "VALUES (:t, :id, :p, :m, :mod, :s, :reg, :acc, :nv, :cr, :ph, :tz, :sm, :vi, :inst, :ver, :vy, :next) "
         "ON CONFLICT (tenant_id, meter_id) DO UPDATE SET point_id = excluded.point_id, modification = excluded.modification, "
         "register_number = excluded.register_number, accuracy_class = excluded.accuracy_class, nominal_voltage = excluded.nominal_voltage, "
         "current_range = excluded.current_range, phases = excluded.phases, tariff_zones = excluded.tariff_zones, smart = excluded.smart, "
         "virtual = excluded.virtual, installed_on = excluded.installed_on, verified_on = excluded.verified_on, "
         "verification_years = excluded.verification_years, next_verification_on = excluded.next_verification_on",
        soci::use(tenant), soci::use(id), soci::use(m.pointId), soci::use(m.model), soci::use(m.modification), soci::use(m.serial),
        soci::use(m.registerNumber), soci::use(m.accuracyClass), soci::use(m.nominalVoltage), soci::use(m.currentRange),
        soci::use(m.phases), soci::use(m.tariffZones), soci::use(smart), soci::use(virt), soci::use(m.installedOn, i_m_installedOn),
        soci::use(m.verifiedOn, i_m_verifiedOn), soci::use(years, yearsInd), soci::use(m.nextVerificationOn, i_m_nextVerificationOn);
    PointListCache::changed();
    return id;
}

void MeterRegistry::upsertTransformer(soci::session& s, const std::string& tenant, const Transformer& t) {
    soci::indicator i_t_verifiedOn = ind(t.verifiedOn);
    s << "INSERT INTO transformers (tenant_id, meter_id, kind, phase, model, serial, ratio, accuracy_class, verified_on) "
         "VALUES (:t, :m, :k, :p, :mo, :s, :r, :a, :v) ON CONFLICT (tenant_id, meter_id, kind, phase) DO UPDATE SET "
         "model = excluded.model, serial = excluded.serial, ratio = excluded.ratio, accuracy_class = excluded.accuracy_class, "
         "verified_on = excluded.verified_on",
        soci::use(tenant), soci::use(t.meterId), soci::use(t.kind), soci::use(t.phase), soci::use(t.model), soci::use(t.serial),
        soci::use(t.ratio), soci::use(t.accuracyClass), soci::use(t.verifiedOn, i_t_verifiedOn);
}

std::string MeterRegistry::upsertContract(const std::string& tenant, Contract c) {
    std::string id;
    db_.transaction([&](soci::session& s) { id = upsertContract(s, tenant, std::move(c)); });
    return id;
}
std::string MeterRegistry::upsertAccount(const std::string& tenant, Account a) {
    std::string id;
    db_.transaction([&](soci::session& s) { id = upsertAccount(s, tenant, std::move(a)); });
    return id;
}
std::string MeterRegistry::upsertPoint(const std::string& tenant, MeteringPoint p) {
    std::string id;
    db_.transaction([&](soci::session& s) { id = upsertPoint(s, tenant, std::move(p)); });
    return id;
}
std::string MeterRegistry::upsertMeter(const std::string& tenant, Meter m) {
    std::string id;
    db_.transaction([&](soci::session& s) { id = upsertMeter(s, tenant, std::move(m)); });
    return id;
}
void MeterRegistry::upsertTransformer(const std::string& tenant, const Transformer& t) {
    db_.transaction([&](soci::session& s) { upsertTransformer(s, tenant, t); });
}

} // namespace kabinet
