#include "connectors/SyncStore.h"

#include "storage/RowLease.h"
#include "storage/RowValues.h"

#include <atomic>
#include <random>

namespace kabinet {

namespace {
std::optional<std::string> optText(const soci::row& r, std::size_t i) {
    if (r.get_indicator(i) == soci::i_null) return std::nullopt;
    return columnText(r, i);
}
std::optional<long long> optInt(const soci::row& r, std::size_t i) {
    if (r.get_indicator(i) == soci::i_null) return std::nullopt;
    return columnInteger(r, i);
}

const RowLease& accountLease() {
    static const RowLease lease({"connector_accounts", "lease_key", "disabled = 0", "", ""});
    return lease;
}

std::string leaseKey(const std::string& connectorId, const std::string& accountId) { return connectorId + "/" + accountId; }

// Statements run for one account and, at start, for the tenant accounts of every tenant at once.
constexpr const char* kEnsureAccount =
    "INSERT INTO connector_accounts (tenant_id, connector_id, account_id, kind, title, created_at, lease_key) "
    "VALUES (:t, :c, :a, :k, :ti, :n, :lk) ON CONFLICT (tenant_id, connector_id, account_id) DO NOTHING";
constexpr const char* kClearAuthFailed =
    "UPDATE connector_accounts SET auth_failed = 0 WHERE tenant_id = :t AND connector_id = :c AND account_id = :a";
constexpr const char* kEnsureJob =
    "INSERT INTO connector_jobs (tenant_id, connector_id, account_id, task, next_run) VALUES (:t, :c, :a, :k, :n) "
    "ON CONFLICT (tenant_id, connector_id, account_id, task) DO NOTHING";

const char* kAccountColumns = "connector_id, account_id, kind, user_id, title, secret, state_json, created_at, disabled, auth_failed";

ConnectorAccount accountOf(const std::string& tenantId, const soci::row& r) {
    ConnectorAccount a;
    a.tenantId = tenantId;
    a.connectorId = columnText(r, 0);
    a.accountId = columnText(r, 1);
    a.kind = columnText(r, 2);
    a.userId = optText(r, 3);
    a.title = columnText(r, 4);
    a.secretJson = columnText(r, 5);
    a.stateJson = columnText(r, 6);
    a.createdAt = columnInteger(r, 7);
    a.disabled = columnInteger(r, 8) != 0;
    a.authFailed = columnInteger(r, 9) != 0;
    return a;
}

const char* kJobColumns = "connector_id, account_id, task, cursor, next_run, attempts, stored_rows, lease_until, last_run, last_ok, "
                          "last_error, last_error_kind";

ConnectorJob jobOf(const soci::row& r) {
    ConnectorJob j;
    j.connectorId = columnText(r, 0);
    j.accountId = columnText(r, 1);
    j.task = columnText(r, 2);
    j.cursor = columnText(r, 3);
    j.nextRun = columnInteger(r, 4);
    j.attempts = columnInteger(r, 5);
    j.storedRows = columnInteger(r, 6);
    j.leaseUntil = columnInteger(r, 7);
    j.lastRun = optInt(r, 8);
    j.lastOk = optInt(r, 9);
    j.lastError = optText(r, 10);
    j.lastErrorKind = optText(r, 11);
    return j;
}
} // namespace

void SyncStore::ensureAccount(const ConnectorAccount& a, long long now) {
    std::string c = a.connectorId, id = a.accountId, kind = a.kind, title = a.title, key = leaseKey(a.connectorId, a.accountId);
    long long n = now;
    s_ << kEnsureAccount,
        soci::use(t_), soci::use(c), soci::use(id), soci::use(kind), soci::use(title), soci::use(n), soci::use(key);
}

void SyncStore::saveAccount(const ConnectorAccount& a, const std::string& sealedSecret, long long now) {
    std::string c = a.connectorId, id = a.accountId, kind = a.kind, title = a.title, secret = sealedSecret, state = a.stateJson,
                key = leaseKey(a.connectorId, a.accountId), user = a.userId.value_or("");
    soci::indicator ui = a.userId ? soci::i_ok : soci::i_null;
    long long n = now;
    int disabled = a.disabled ? 1 : 0;
    s_ << "INSERT INTO connector_accounts (tenant_id, connector_id, account_id, kind, user_id, title, secret, state_json, created_at, "
          "disabled, auth_failed, lease_key) VALUES (:t, :c, :a, :k, :u, :ti, :s, :st, :n, :d, 0, :lk) "
          "ON CONFLICT (tenant_id, connector_id, account_id) DO UPDATE SET kind = excluded.kind, user_id = excluded.user_id, "
          "title = excluded.title, secret = excluded.secret, state_json = excluded.state_json, disabled = excluded.disabled, "
          "auth_failed = 0",
        soci::use(t_), soci::use(c), soci::use(id), soci::use(kind), soci::use(user, ui), soci::use(title), soci::use(secret),
        soci::use(state), soci::use(n), soci::use(disabled), soci::use(key);
}

std::optional<ConnectorAccount> SyncStore::account(const std::string& connectorId, const std::string& accountId) {
    soci::rowset<soci::row> rs = (s_.prepare << std::string("SELECT ") + kAccountColumns +
                                                    " FROM connector_accounts WHERE tenant_id = :t AND connector_id = :c AND account_id = :a",
                                  soci::use(t_), soci::use(connectorId), soci::use(accountId));
    for (const auto& r : rs) return accountOf(t_, r);
    return std::nullopt;
}

std::vector<ConnectorAccount> SyncStore::accounts(const std::string& connectorId) {
    std::vector<ConnectorAccount> out;
    soci::rowset<soci::row> rs = (s_.prepare << std::string("SELECT ") + kAccountColumns +
                                                    " FROM connector_accounts WHERE tenant_id = :t AND connector_id = :c ORDER BY account_id",
                                  soci::use(t_), soci::use(connectorId));
    for (const auto& r : rs) out.push_back(accountOf(t_, r));
    return out;
}

void SyncStore::setAuthFailed(const std::string& connectorId, const std::string& accountId) {
    s_ << "UPDATE connector_accounts SET auth_failed = 1 WHERE tenant_id = :t AND connector_id = :c AND account_id = :a",
        soci::use(t_), soci::use(connectorId), soci::use(accountId);
}

void SyncStore::clearAuthFailed(const std::string& connectorId, const std::string& accountId) {
    s_ << kClearAuthFailed,
        soci::use(t_), soci::use(connectorId), soci::use(accountId);
}

void SyncStore::postpone(const std::string& connectorId, const std::string& accountId, long long now, long long at) {
    long long n = now, a = at;
    s_ << "UPDATE connector_jobs SET next_run = :at WHERE tenant_id = :t AND connector_id = :c AND account_id = :a AND next_run <= :n",
        soci::use(a), soci::use(t_), soci::use(connectorId), soci::use(accountId), soci::use(n);
}

void SyncStore::ensureTenantAccounts(soci::session& s, const std::vector<TenantAccountSetup>& setups, long long now) {
    if (setups.empty()) return;
    std::vector<std::string> tenants, connectors, accounts, kinds, titles, keys;
    std::vector<long long> nows;
    std::vector<std::string> jobTenants, jobConnectors, jobAccounts, jobTasks;
    std::vector<long long> jobNows;
    for (const auto& a : setups) {
        tenants.push_back(a.tenantId);
        connectors.push_back(a.connectorId);
        accounts.push_back("tenant");
        kinds.push_back("tenant");
        titles.push_back(a.title);
        keys.push_back(leaseKey(a.connectorId, "tenant"));
        nows.push_back(now);
        for (const auto& task : a.tasks) {
            jobTenants.push_back(a.tenantId);
            jobConnectors.push_back(a.connectorId);
            jobAccounts.push_back("tenant");
            jobTasks.push_back(task.id);
            jobNows.push_back(now);
        }
    }
    s << kEnsureAccount,
        soci::use(tenants), soci::use(connectors), soci::use(accounts), soci::use(kinds), soci::use(titles), soci::use(nows),
        soci::use(keys);
    s << kClearAuthFailed,
        soci::use(tenants), soci::use(connectors), soci::use(accounts);
    if (!jobTenants.empty())
        s << kEnsureJob,
            soci::use(jobTenants), soci::use(jobConnectors), soci::use(jobAccounts), soci::use(jobTasks), soci::use(jobNows);
}

void SyncStore::ensureJobs(const std::string& connectorId, const std::string& accountId, const std::vector<ConnectorTask>& tasks,
                           long long now) {
    for (const auto& task : tasks) {
        std::string c = connectorId, a = accountId, k = task.id;
        long long n = now;
        s_ << kEnsureJob,
            soci::use(t_), soci::use(c), soci::use(a), soci::use(k), soci::use(n);
    }
}

void SyncStore::makeDue(const std::string& connectorId, long long now) {
    long long n = now;
    s_ << "UPDATE connector_jobs SET next_run = :n WHERE tenant_id = :t AND connector_id = :c", soci::use(n), soci::use(t_),
        soci::use(connectorId);
}

std::vector<ConnectorJob> SyncStore::jobs(const std::string& connectorId, const std::optional<std::string>& accountId) {
    std::vector<ConnectorJob> out;
    const std::string base = std::string("SELECT ") + kJobColumns + " FROM connector_jobs WHERE tenant_id = :t AND connector_id = :c";
    if (accountId) {
        soci::rowset<soci::row> rs = (s_.prepare << base + " AND account_id = :a ORDER BY task", soci::use(t_), soci::use(connectorId),
                                      soci::use(*accountId));
        for (const auto& r : rs) out.push_back(jobOf(r));
    } else {
        soci::rowset<soci::row> rs = (s_.prepare << base + " ORDER BY account_id, task", soci::use(t_), soci::use(connectorId));
        for (const auto& r : rs) out.push_back(jobOf(r));
    }
    return out;
}

bool SyncStore::takeLease(const std::string& connectorId, const std::string& accountId, const std::string& owner, long long now,
                          long long until) {
    if (!accountLease().take(s_, t_, leaseKey(connectorId, accountId), now, until)) return false;
    std::string o = owner, key = leaseKey(connectorId, accountId);
    s_ << "UPDATE connector_accounts SET lease_owner = :o WHERE tenant_id = :t AND lease_key = :k", soci::use(o), soci::use(t_),
        soci::use(key);
    return true;
}

void SyncStore::releaseLease(const std::string& connectorId, const std::string& accountId) {
    std::string key = leaseKey(connectorId, accountId);
    s_ << "UPDATE connector_accounts SET lease_until = 0, lease_owner = NULL WHERE tenant_id = :t AND lease_key = :k", soci::use(t_),
        soci::use(key);
}

void SyncStore::markRunning(const std::string& connectorId, const std::string& accountId, const std::string& task,
                            const std::string& owner, long long until) {
    std::string o = owner;
    long long u = until;
    s_ << "UPDATE connector_jobs SET lease_owner = :o, lease_until = :u WHERE tenant_id = :t AND connector_id = :c AND account_id = :a "
          "AND task = :k",
        soci::use(o), soci::use(u), soci::use(t_), soci::use(connectorId), soci::use(accountId), soci::use(task);
}

void SyncStore::saveCursor(const std::string& connectorId, const std::string& accountId, const std::string& task,
                           const std::string& cursor) {
    std::string cur = cursor;
    s_ << "UPDATE connector_jobs SET cursor = :cur WHERE tenant_id = :t AND connector_id = :c AND account_id = :a AND task = :k",
        soci::use(cur), soci::use(t_), soci::use(connectorId), soci::use(accountId), soci::use(task);
}

void SyncStore::finishJob(const std::string& connectorId, const std::string& accountId, const std::string& task, const SyncOutcome& o,
                          long long now, long long nextRun) {
    long long n = now, next = nextRun, stored = o.storedRows;
    if (o.ok) {
        s_ << "UPDATE connector_jobs SET attempts = 0, last_run = :n, last_ok = :n2, last_error = NULL, last_error_kind = NULL, "
              "next_run = :nx, stored_rows = stored_rows + :sr, lease_owner = NULL, lease_until = 0 "
              "WHERE tenant_id = :t AND connector_id = :c AND account_id = :a AND task = :k",
            soci::use(n), soci::use(n), soci::use(next), soci::use(stored), soci::use(t_), soci::use(connectorId), soci::use(accountId),
            soci::use(task);
    } else {
        std::string err = o.error.substr(0, 1000), kind = o.errorKind;
        s_ << "UPDATE connector_jobs SET attempts = attempts + 1, last_run = :n, last_error = :e, last_error_kind = :ek, "
              "next_run = :nx, stored_rows = stored_rows + :sr, lease_owner = NULL, lease_until = 0 "
              "WHERE tenant_id = :t AND connector_id = :c AND account_id = :a AND task = :k",
            soci::use(n), soci::use(err), soci::use(kind), soci::use(next), soci::use(stored), soci::use(t_), soci::use(connectorId),
            soci::use(accountId), soci::use(task);
    }
}

void SyncStore::log(const ConnectorLogRow& row) {
    // Unique per row across instances: a random base per process, counted up.
    static const long long base = static_cast<long long>(std::random_device{}() & 0x7FFFFFu) << 32;
    static std::atomic<long long> seq{0};
    long long sq = base + ++seq, started = row.startedAt, dur = row.durationMs, rec = row.records, stored = row.storedRows, prob = row.problems;
    std::string c = row.connectorId, a = row.accountId, k = row.task, out = row.outcome, ek = row.errorKind, msg = row.message.substr(0, 1000),
                inst = row.instance;
    soci::indicator eki = ek.empty() ? soci::i_null : soci::i_ok;
    s_ << "INSERT INTO connector_log (tenant_id, connector_id, account_id, task, started_at, seq, duration_ms, outcome, error_kind, "
          "message, records, stored_rows, problems, instance) VALUES (:t, :c, :a, :k, :s, :q, :d, :o, :ek, :m, :r, :sr, :p, :i) "
          "ON CONFLICT (tenant_id, connector_id, started_at, seq) DO NOTHING",
        soci::use(t_), soci::use(c), soci::use(a), soci::use(k), soci::use(started), soci::use(sq), soci::use(dur), soci::use(out),
        soci::use(ek, eki), soci::use(msg), soci::use(rec), soci::use(stored), soci::use(prob), soci::use(inst);
}

std::vector<ConnectorLogRow> SyncStore::logRows(const std::string& connectorId, int limit) {
    std::vector<ConnectorLogRow> out;
    int lim = limit;
    soci::rowset<soci::row> rs =
        (s_.prepare << "SELECT connector_id, account_id, task, started_at, duration_ms, records, stored_rows, problems, outcome, "
                       "error_kind, message, instance FROM connector_log WHERE tenant_id = :t AND connector_id = :c "
                       "ORDER BY started_at DESC, seq DESC LIMIT :l",
         soci::use(t_), soci::use(connectorId), soci::use(lim));
    for (const auto& r : rs) {
        ConnectorLogRow l;
        l.connectorId = columnText(r, 0);
        l.accountId = columnText(r, 1);
        l.task = columnText(r, 2);
        l.startedAt = columnInteger(r, 3);
        l.durationMs = columnInteger(r, 4);
        l.records = columnInteger(r, 5);
        l.storedRows = columnInteger(r, 6);
        l.problems = columnInteger(r, 7);
        l.outcome = columnText(r, 8);
        l.errorKind = columnText(r, 9);
        l.message = columnText(r, 10);
        l.instance = columnText(r, 11);
        out.push_back(std::move(l));
    }
    return out;
}

std::optional<ConnectorDevice> SyncStore::device(const std::string& connectorId, const std::string& key) {
    soci::rowset<soci::row> rs = (s_.prepare << "SELECT device_key, info_json, meter_id, seen_at FROM connector_devices "
                                                "WHERE tenant_id = :t AND connector_id = :c AND device_key = :k",
                                  soci::use(t_), soci::use(connectorId), soci::use(key));
    for (const auto& r : rs) return ConnectorDevice{columnText(r, 0), columnText(r, 1), optText(r, 2), columnInteger(r, 3)};
    return std::nullopt;
}

void SyncStore::upsertDevice(const std::string& connectorId, const std::string& key, const std::optional<std::string>& infoJson,
                             long long now) {
    std::string c = connectorId, k = key, info = infoJson.value_or("{}");
    long long n = now;
    if (infoJson)
        s_ << "INSERT INTO connector_devices (tenant_id, connector_id, device_key, info_json, seen_at) VALUES (:t, :c, :k, :i, :n) "
              "ON CONFLICT (tenant_id, connector_id, device_key) DO UPDATE SET info_json = excluded.info_json, seen_at = excluded.seen_at",
            soci::use(t_), soci::use(c), soci::use(k), soci::use(info), soci::use(n);
    else
        s_ << "INSERT INTO connector_devices (tenant_id, connector_id, device_key, info_json, seen_at) VALUES (:t, :c, :k, :i, :n) "
              "ON CONFLICT (tenant_id, connector_id, device_key) DO UPDATE SET seen_at = excluded.seen_at",
            soci::use(t_), soci::use(c), soci::use(k), soci::use(info), soci::use(n);
}

void SyncStore::linkDevice(const std::string& connectorId, const std::string& key, const std::optional<std::string>& meterId) {
    std::string m = meterId.value_or("");
    soci::indicator mi = meterId ? soci::i_ok : soci::i_null;
    s_ << "UPDATE connector_devices SET meter_id = :m WHERE tenant_id = :t AND connector_id = :c AND device_key = :k", soci::use(m, mi),
        soci::use(t_), soci::use(connectorId), soci::use(key);
}

std::vector<ConnectorDevice> SyncStore::devices(const std::string& connectorId) {
    std::vector<ConnectorDevice> out;
    soci::rowset<soci::row> rs = (s_.prepare << "SELECT device_key, info_json, meter_id, seen_at FROM connector_devices "
                                                "WHERE tenant_id = :t AND connector_id = :c ORDER BY device_key",
                                  soci::use(t_), soci::use(connectorId));
    for (const auto& r : rs) out.push_back(ConnectorDevice{columnText(r, 0), columnText(r, 1), optText(r, 2), columnInteger(r, 3)});
    return out;
}

std::vector<DueAccount> SyncStore::dueAccounts(soci::session& s, long long now, int limit) {
    std::vector<DueAccount> out;
    long long n1 = now, n2 = now;
    int lim = limit;
    soci::rowset<soci::row> rs =
        (s.prepare << "SELECT j.tenant_id, j.connector_id, j.account_id, MIN(j.next_run) AS due FROM connector_jobs j "
                      "JOIN connector_accounts a ON a.tenant_id = j.tenant_id AND a.connector_id = j.connector_id AND a.account_id = j.account_id "
                      "WHERE j.next_run <= :n1 AND a.disabled = 0 AND a.auth_failed = 0 AND a.lease_until < :n2 "
                      "GROUP BY j.tenant_id, j.connector_id, j.account_id ORDER BY due LIMIT :l",
         soci::use(n1), soci::use(n2), soci::use(lim));
    for (const auto& r : rs) out.push_back(DueAccount{columnText(r, 0), columnText(r, 1), columnText(r, 2)});
    return out;
}

} // namespace kabinet
