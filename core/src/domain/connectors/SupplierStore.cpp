#include "connectors/SupplierStore.h"

#include <soci/soci.h>

#include <tuple>

namespace kabinet {

namespace {
SupplierCase caseRow(const soci::row& r) {
    SupplierCase c;
    c.caseId = r.get<std::string>(0);
    c.connectorId = r.get<std::string>(1);
    c.accountId = r.get<std::string>(2);
    c.externalId = r.get_indicator(3) == soci::i_null ? std::string() : r.get<std::string>(3);
    c.state = r.get<std::string>(4);
    c.remoteState = r.get<std::string>(5);
    c.answer = r.get<std::string>(6);
    c.answered = r.get<int>(7) != 0;
    c.attempts = r.get<int>(8);
    c.lastError = r.get<std::string>(9);
    c.updatedAt = r.get<long long>(10);
    return c;
}
const char* kCaseColumns = "case_id, connector_id, account_id, external_id, state, remote_state, answer, answered, attempts, last_error, updated_at";

SupplierReading readingRow(const soci::row& r) {
    SupplierReading x;
    x.readingId = r.get<std::string>(0);
    x.meterId = r.get<std::string>(1);
    x.valuesJson = r.get<std::string>(2);
    x.takenOn = r.get<std::string>(3);
    x.state = r.get<std::string>(4);
    x.externalId = r.get<std::string>(5);
    x.message = r.get<std::string>(6);
    x.attempts = r.get<int>(7);
    x.updatedAt = r.get<long long>(8);
    return x;
}
const char* kReadingColumns = "reading_id, meter_id, values_json, taken_on, state, external_id, message, attempts, updated_at";
} // namespace

void SupplierStore::putContract(const SupplierContract& c) {
    s_ << "DELETE FROM supplier_contracts WHERE tenant_id = :t AND contract_id = :c", soci::use(tenant_), soci::use(c.contractId);
    s_ << "INSERT INTO supplier_contracts (tenant_id, contract_id, connector_id, account_id, contract_number) VALUES (:t, :c, :k, :a, :n)",
        soci::use(tenant_), soci::use(c.contractId), soci::use(c.connectorId), soci::use(c.accountId), soci::use(c.number);
}

std::optional<SupplierContract> SupplierStore::contractByNumber(const std::string& connectorId, const std::string& accountId,
                                                                const std::string& number) {
    SupplierContract c;
    soci::indicator ind = soci::i_null;
    s_ << "SELECT contract_id FROM supplier_contracts WHERE tenant_id = :t AND connector_id = :k AND account_id = :a AND contract_number = :n",
        soci::into(c.contractId, ind), soci::use(tenant_), soci::use(connectorId), soci::use(accountId), soci::use(number);
    if (!s_.got_data() || ind != soci::i_ok) return std::nullopt;
    c.connectorId = connectorId, c.accountId = accountId, c.number = number;
    return c;
}

std::optional<SupplierContract> SupplierStore::contract(const std::string& contractId) {
    SupplierContract c;
    soci::indicator ind = soci::i_null;
    s_ << "SELECT connector_id, account_id, contract_number FROM supplier_contracts WHERE tenant_id = :t AND contract_id = :c",
        soci::into(c.connectorId, ind), soci::into(c.accountId), soci::into(c.number), soci::use(tenant_), soci::use(contractId);
    if (!s_.got_data() || ind != soci::i_ok) return std::nullopt;
    c.contractId = contractId;
    return c;
}

std::vector<SupplierContract> SupplierStore::contractsOfUser(const std::string& userId, const std::string& connectorId) {
    std::vector<SupplierContract> out;
    soci::rowset<soci::row> rows = (s_.prepare << "SELECT sc.contract_id, sc.connector_id, sc.account_id, sc.contract_number "
                                                  "FROM supplier_contracts sc JOIN access_grants g ON g.tenant_id = sc.tenant_id "
                                                  "AND g.scope = 'contract' AND g.ref_id = sc.contract_id "
                                                  "WHERE sc.tenant_id = :t AND g.user_id = :u AND (:k = '' OR sc.connector_id = :k2) "
                                                  "ORDER BY sc.contract_number",
                                    soci::use(tenant_), soci::use(userId), soci::use(connectorId), soci::use(connectorId));
    for (const auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)});
    return out;
}

void SupplierStore::putMeter(const SupplierMeter& m) {
    s_ << "DELETE FROM supplier_meters WHERE tenant_id = :t AND meter_id = :m", soci::use(tenant_), soci::use(m.meterId);
    s_ << "INSERT INTO supplier_meters (tenant_id, meter_id, contract_id, serial, zones, from_day, to_day) "
          "VALUES (:t, :m, :c, :s, :z, :f, :d)",
        soci::use(tenant_), soci::use(m.meterId), soci::use(m.contractId), soci::use(m.serial), soci::use(m.zonesJson), soci::use(m.fromDay),
        soci::use(m.toDay);
}

std::optional<SupplierMeter> SupplierStore::meter(const std::string& meterId) {
    SupplierMeter m;
    soci::indicator ind = soci::i_null;
    s_ << "SELECT contract_id, serial, zones, from_day, to_day FROM supplier_meters WHERE tenant_id = :t AND meter_id = :m",
        soci::into(m.contractId, ind), soci::into(m.serial), soci::into(m.zonesJson), soci::into(m.fromDay), soci::into(m.toDay),
        soci::use(tenant_), soci::use(meterId);
    if (!s_.got_data() || ind != soci::i_ok) return std::nullopt;
    m.meterId = meterId;
    return m;
}

void SupplierStore::putBalance(const std::string& contractId, long long balanceKop, long long asOf, long long now) {
    s_ << "DELETE FROM supplier_balances WHERE tenant_id = :t AND contract_id = :c", soci::use(tenant_), soci::use(contractId);
    s_ << "INSERT INTO supplier_balances (tenant_id, contract_id, balance_kop, as_of, synced_at) VALUES (:t, :c, :b, :a, :n)",
        soci::use(tenant_), soci::use(contractId), soci::use(balanceKop), soci::use(asOf), soci::use(now);
}

bool SupplierStore::addEntry(const std::string& contractId, const SupplierEntry& e, long long now) {
    soci::statement st = (s_.prepare << "INSERT INTO supplier_entries (tenant_id, contract_id, kind, external_id, day, period, amount_kop, note, "
                                        "stored_at) VALUES (:t, :c, :k, :e, :d, :p, :a, :n, :s) "
                                        "ON CONFLICT (tenant_id, contract_id, kind, external_id) DO NOTHING",
                          soci::use(tenant_), soci::use(contractId), soci::use(e.kind), soci::use(e.externalId), soci::use(e.day),
                          soci::use(e.period), soci::use(e.amountKop), soci::use(e.note), soci::use(now));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

std::optional<std::tuple<long long, long long, long long>> SupplierStore::balance(const std::string& contractId) {
    long long b = 0, a = 0, n = 0;
    soci::indicator ind = soci::i_null;
    s_ << "SELECT balance_kop, as_of, synced_at FROM supplier_balances WHERE tenant_id = :t AND contract_id = :c", soci::into(b, ind),
        soci::into(a), soci::into(n), soci::use(tenant_), soci::use(contractId);
    if (!s_.got_data() || ind != soci::i_ok) return std::nullopt;
    return std::make_tuple(b, a, n);
}

std::vector<SupplierEntry> SupplierStore::entries(const std::string& contractId, int limit) {
    std::vector<SupplierEntry> out;
    soci::rowset<soci::row> rows = (s_.prepare << "SELECT kind, external_id, day, period, note, amount_kop FROM supplier_entries "
                                                  "WHERE tenant_id = :t AND contract_id = :c ORDER BY day DESC, kind, external_id LIMIT :l",
                                    soci::use(tenant_), soci::use(contractId), soci::use(limit));
    for (const auto& r : rows)
        out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3), r.get<std::string>(4),
                       r.get<long long>(5)});
    return out;
}

bool SupplierStore::deliverNotification(const std::string& connectorId, const std::string& accountId, const std::string& externalId,
                                        long long now) {
    soci::statement st = (s_.prepare << "INSERT INTO supplier_notifications (tenant_id, connector_id, account_id, external_id, delivered_at) "
                                        "VALUES (:t, :k, :a, :e, :n) ON CONFLICT (tenant_id, connector_id, account_id, external_id) DO NOTHING",
                          soci::use(tenant_), soci::use(connectorId), soci::use(accountId), soci::use(externalId), soci::use(now));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

bool SupplierStore::addCase(const SupplierCase& c) {
    soci::statement st = (s_.prepare << "INSERT INTO supplier_cases (tenant_id, case_id, connector_id, account_id, state, updated_at) "
                                        "VALUES (:t, :c, :k, :a, 'pending', :n) ON CONFLICT (tenant_id, case_id) DO NOTHING",
                          soci::use(tenant_), soci::use(c.caseId), soci::use(c.connectorId), soci::use(c.accountId), soci::use(c.updatedAt));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

std::optional<SupplierCase> SupplierStore::caseOf(const std::string& caseId) {
    soci::rowset<soci::row> rows = (s_.prepare << "SELECT " << kCaseColumns << " FROM supplier_cases WHERE tenant_id = :t AND case_id = :c",
                                    soci::use(tenant_), soci::use(caseId));
    for (const auto& r : rows) return caseRow(r);
    return std::nullopt;
}

std::optional<SupplierCase> SupplierStore::caseByExternal(const std::string& connectorId, const std::string& externalId) {
    soci::rowset<soci::row> rows = (s_.prepare << "SELECT " << kCaseColumns
                                                  << " FROM supplier_cases WHERE tenant_id = :t AND connector_id = :k AND external_id = :e",
                                    soci::use(tenant_), soci::use(connectorId), soci::use(externalId));
    for (const auto& r : rows) return caseRow(r);
    return std::nullopt;
}

void SupplierStore::updateCase(const SupplierCase& c) {
    soci::indicator ext = c.externalId.empty() ? soci::i_null : soci::i_ok;
    const int answered = c.answered ? 1 : 0;
    s_ << "UPDATE supplier_cases SET external_id = :e, state = :s, remote_state = :r, answer = :a, answered = :d, attempts = :n, "
          "last_error = :l, updated_at = :u WHERE tenant_id = :t AND case_id = :c",
        soci::use(c.externalId, ext), soci::use(c.state), soci::use(c.remoteState), soci::use(c.answer), soci::use(answered),
        soci::use(c.attempts), soci::use(c.lastError), soci::use(c.updatedAt), soci::use(tenant_), soci::use(c.caseId);
}

std::vector<SupplierCase> SupplierStore::pendingCases(int limit) {
    std::vector<SupplierCase> out;
    soci::rowset<soci::row> rows = (s_.prepare << "SELECT " << kCaseColumns << " FROM supplier_cases WHERE tenant_id = :t AND state = 'pending' "
                                                  "ORDER BY updated_at LIMIT :l",
                                    soci::use(tenant_), soci::use(limit));
    for (const auto& r : rows) out.push_back(caseRow(r));
    return out;
}

void SupplierStore::addReading(const SupplierReading& r) {
    s_ << "INSERT INTO supplier_readings (tenant_id, reading_id, meter_id, values_json, taken_on, state, updated_at) "
          "VALUES (:t, :r, :m, :v, :d, 'pending', :u)",
        soci::use(tenant_), soci::use(r.readingId), soci::use(r.meterId), soci::use(r.valuesJson), soci::use(r.takenOn), soci::use(r.updatedAt);
}

std::optional<SupplierReading> SupplierStore::reading(const std::string& readingId) {
    soci::rowset<soci::row> rows = (s_.prepare << "SELECT " << kReadingColumns << " FROM supplier_readings WHERE tenant_id = :t AND reading_id = :r",
                                    soci::use(tenant_), soci::use(readingId));
    for (const auto& r : rows) return readingRow(r);
    return std::nullopt;
}

void SupplierStore::updateReading(const SupplierReading& r) {
    s_ << "UPDATE supplier_readings SET state = :s, external_id = :e, message = :m, attempts = :a, updated_at = :u "
          "WHERE tenant_id = :t AND reading_id = :r",
        soci::use(r.state), soci::use(r.externalId), soci::use(r.message), soci::use(r.attempts), soci::use(r.updatedAt), soci::use(tenant_),
        soci::use(r.readingId);
}

std::vector<SupplierReading> SupplierStore::pendingReadings(int limit) {
    std::vector<SupplierReading> out;
    soci::rowset<soci::row> rows = (s_.prepare << "SELECT " << kReadingColumns << " FROM supplier_readings WHERE tenant_id = :t AND state = 'pending' "
                                                  "ORDER BY updated_at LIMIT :l",
                                    soci::use(tenant_), soci::use(limit));
    for (const auto& r : rows) out.push_back(readingRow(r));
    return out;
}

} // namespace kabinet
