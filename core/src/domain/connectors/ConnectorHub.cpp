#include "connectors/ConnectorHub.h"

#include "connectors/RecordJson.h"
#include "connectors/SyncRecords.h"
#include "connectors/SyncThread.h"
#include "plugins/PluginHost.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"
#include "util/Log.h"
#include "storage/TenantScope.h"

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace kabinet {

using JsonObject = Poco::JSON::Object::Ptr;

struct ConnectorHub::Slot {
    ConnectorInfo info;
    std::shared_ptr<Connector> instance; ///< guarded by the hub's mutex
};

namespace {
using recordjson::joinFirst;
using recordjson::objectOr;
using recordjson::parseObject;
using recordjson::stringify;

const char* errorKind(kb_status status) {
    switch (status) {
    case KB_OK: return "";
    case KB_ERR_CONFIG: return "config";
    case KB_ERR_TRANSPORT: return "transport";
    case KB_ERR_TIMEOUT: return "timeout";
    case KB_ERR_REJECTED: return "rejected";
    case KB_ERR_PROTOCOL: return "protocol";
    case KB_ERR_AUTH: return "auth";
    default: return "internal";
    }
}

long long wallNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}


} // namespace

ConnectorHub::ConnectorHub(Database& db, TenantRegistry& tenants, PluginHost& plugins, SecretBox box, ConnectorHubOptions options)
    : db_(db), tenants_(tenants), plugins_(plugins), box_(std::move(box)), options_(std::move(options)), sink_(db, &tenants) {
    JsonObject server = new Poco::JSON::Object;
    if (!Poco::trim(options_.connectorsJson).empty()) {
        try {
            server = parseObject(options_.connectorsJson);
        } catch (const std::exception&) {
            throw ConfigError("connectors must be a JSON object {\"<tenant>\": {\"<connector id>\": {settings…}}}");
        }
        for (const auto& [tenantId, entry] : *server)
            if (entry.type() != typeid(JsonObject))
                throw ConfigError("connectors: the entry of tenant '" + tenantId + "' must be an object {\"<connector id>\": {…}}");
    }
    std::map<Database*, std::vector<TenantAccountSetup>> tenantAccounts; // ready connectors' tenant accounts, by database
    for (const auto& id : tenants_.ids()) {
        auto t = tenants_.find(id);
        if (!t) continue;
        JsonObject entries = server->has(id) ? server->getObject(id) : JsonObject(new Poco::JSON::Object);
        std::set<std::string> declared;
        if (t->connectors().type() == typeid(Poco::JSON::Array::Ptr))
            for (const auto& decl : *t->connectors().extract<Poco::JSON::Array::Ptr>()) {
                if (decl.type() != typeid(JsonObject)) continue;
                const std::string cid = decl.extract<JsonObject>()->optValue<std::string>("id", "");
                declared.insert(cid);
                JsonObject entry = entries->has(cid) && entries->get(cid).type() == typeid(JsonObject) ? entries->getObject(cid) : nullptr;
                startSlot(*t, decl, entry, tenantAccounts);
            }
        for (const auto& [cid, v] : *entries)
            if (!declared.count(cid))
                log::warn("connector not declared by the tenant; its server entry is ignored", {{"tenant", id}, {"connector", cid}});
    }
    // The tenant accounts of ready connectors and their jobs: one transaction per database (a start with many
    // tenants would otherwise commit once per tenant).
    const long long now = wallNow();
    for (const auto& [database, setups] : tenantAccounts)
        database->transaction([&](soci::session& s) { SyncStore::ensureTenantAccounts(s, setups, now); });
    std::size_t ready = 0, other = 0;
    for (const auto& [key, slot] : slots_) ++(slot->info.state == "ready" ? ready : other);
    log::info("connectors started", {{"ready", std::to_string(ready)}, {"not_ready", std::to_string(other)}});
}

ConnectorHub::~ConnectorHub() = default;

void ConnectorHub::startSlot(Tenant& t, const Poco::Dynamic::Var& declVar, const JsonObject& serverEntry,
                             std::map<Database*, std::vector<TenantAccountSetup>>& tenantAccounts) {
    auto decl = declVar.extract<JsonObject>();
    auto slot = std::make_shared<Slot>();
    ConnectorInfo& info = slot->info;
    info.id = decl->optValue<std::string>("id", "");
    info.plugin = decl->optValue<std::string>("plugin", "");
    info.label = decl->optValue<std::string>("label", info.id);
    info.accounts = decl->optValue<std::string>("accounts", "tenant");
    if (decl->has("supplier") && decl->get("supplier").isString()) info.supplier = decl->getValue<std::string>("supplier");
    info.syncTimeoutS = decl->optValue<long long>("sync_timeout_s", 300);
    if (auto tasks = decl->getArray("tasks"))
        for (const auto& tv : *tasks) {
            auto to = tv.extract<JsonObject>();
            const std::string id = to->optValue<std::string>("id", "");
            info.tasks.push_back({id, to->optValue<std::string>("label", id), to->optValue<long long>("every_s", 3600),
                                  to->optValue<long long>("window_s", 86400)});
        }
    JsonObject settings = new Poco::JSON::Object;
    if (decl->has("settings") && decl->get("settings").type() == typeid(JsonObject))
        for (const auto& [k, v] : *decl->getObject("settings")) settings->set(k, v);
    if (serverEntry)
        for (const auto& [k, v] : *serverEntry) settings->set(k, v);
    info.settingsJson = stringify(settings);

    const auto plugin = plugins_.find(info.plugin);
    if (!plugin || plugin->descriptor->kind != KB_PLUGIN_CONNECTOR) {
        info.state = "plugin_missing";
        info.reason = "модуль «" + info.plugin + "» не загружен";
    } else {
        // The settings the plugin's manifest requires, read once per plugin (a start makes a slot per tenant).
        auto [required, fresh] = requiredSettings_.try_emplace(info.plugin);
        if (fresh) try {
                if (!plugin->manifest.configSchema.empty())
                    if (auto req = parseObject(plugin->manifest.configSchema)->getArray("required"))
                        for (const auto& k : *req) required->second.push_back(k.toString());
            } catch (const std::exception&) {
            }
        std::vector<std::string> missing;
        for (const auto& k : required->second)
            if (!settings->has(k)) missing.push_back(k);
        if (!missing.empty()) {
            info.state = "not_configured";
            info.reason = "не заданы настройки: " + joinFirst(missing, 10);
        } else {
            try {
                slot->instance = std::shared_ptr<Connector>(plugins_.createConnector(info.plugin, info.settingsJson));
                info.state = "ready";
            } catch (const std::exception& e) {
                info.state = "not_configured";
                info.reason = e.what();
            }
        }
    }
    if (info.state == "ready") {
        log::debug("connector ready", {{"tenant", t.id()}, {"connector", info.id}, {"plugin", info.plugin}});
        if (info.accounts == "tenant") tenantAccounts[&db_.of(t.id())].push_back({t.id(), info.id, info.label, info.tasks});
    } else {
        log::error("connector not configured", {{"tenant", t.id()}, {"connector", info.id}, {"plugin", info.plugin},
                                                {"state", info.state}, {"reason", info.reason}});
    }
    std::lock_guard<std::mutex> lock(mutex_);
    slots_[{t.id(), info.id}] = slot;
}

std::shared_ptr<ConnectorHub::Slot> ConnectorHub::slot(const std::string& tenantId, const std::string& connectorId) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = slots_.find({tenantId, connectorId});
    return it == slots_.end() ? nullptr : it->second;
}

std::vector<ConnectorInfo> ConnectorHub::connectors(const Tenant& t) const {
    std::vector<ConnectorInfo> out;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, s] : slots_)
        if (key.first == t.id()) out.push_back(s->info);
    return out;
}

std::optional<ConnectorInfo> ConnectorHub::connector(const Tenant& t, const std::string& connectorId) const {
    auto s = slot(t.id(), connectorId);
    if (!s) return std::nullopt;
    std::lock_guard<std::mutex> lock(mutex_);
    return s->info;
}

Connector& ConnectorHub::instance(const Tenant& t, const std::string& connectorId) {
    auto s = slot(t.id(), connectorId);
    std::lock_guard<std::mutex> lock(mutex_);
    if (!s || s->info.state != "ready" || !s->instance)
        throw Error(503, "connector_unavailable",
                    "Обмен данными «" + (s ? s->info.label : connectorId) + "» не настроен; обратитесь к администратору");
    return *s->instance;
}

std::shared_ptr<Connector> ConnectorHub::supplierInstance(const Tenant& t, const std::string& supplier) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [key, s] : slots_)
        if (key.first == t.id() && s->info.supplier == supplier && s->info.state == "ready") return s->instance;
    return nullptr;
}

void ConnectorHub::replaceInstance(Slot& s) {
    std::shared_ptr<Connector> fresh;
    std::string reason;
    try {
        fresh = std::shared_ptr<Connector>(plugins_.createConnector(s.info.plugin, s.info.settingsJson));
    } catch (const std::exception& e) {
        reason = e.what();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    s.instance = fresh;
    if (!fresh) {
        s.info.state = "not_configured";
        s.info.reason = reason;
    }
}

void ConnectorHub::handle(const std::string& kind, RecordHandler handler) {
    std::lock_guard<std::mutex> lock(mutex_);
    handlers_[kind] = std::move(handler);
}

void ConnectorHub::onDue(std::function<void()> wake) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_ = std::move(wake);
}

void ConnectorHub::saveAccount(soci::session& s, const ConnectorAccount& account) {
    SyncStore(s, account.tenantId).saveAccount(account, box_.seal(account.secretJson), wallNow());
}

std::optional<ConnectorAccount> ConnectorHub::account(soci::session& s, const std::string& tenantId, const std::string& connectorId,
                                                      const std::string& accountId) const {
    auto a = SyncStore(s, tenantId).account(connectorId, accountId);
    if (!a) return a;
    a->secretJson = a->secretJson.empty() ? std::string("{}") : box_.open(a->secretJson);
    return a;
}

void ConnectorHub::scheduleAccount(const std::string& tenantId, const std::string& connectorId, const std::string& accountId,
                                   long long now) {
    auto s = slot(tenantId, connectorId);
    if (!s) return;
    db_.transaction([&](soci::session& se) { SyncStore(se, tenantId).ensureJobs(connectorId, accountId, s->info.tasks, now); });
    std::function<void()> wake;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        wake = wake_;
    }
    if (wake) wake();
}

void ConnectorHub::syncNow(const Tenant& t, const std::string& connectorId, long long now) {
    db_.transaction([&](soci::session& s) { SyncStore(s, t.id()).makeDue(connectorId, now); });
    std::function<void()> wake;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        wake = wake_;
    }
    if (wake) wake();
}

std::string ConnectorHub::accountJson(const ConnectorAccount& a) const {
    JsonObject o = objectOr(a.stateJson);
    JsonObject secret = objectOr(a.secretJson);
    for (const auto& [k, v] : *secret) o->set(k, v);
    o->set("id", a.accountId);
    o->set("kind", a.kind);
    o->set("title", a.title);
    if (a.userId) o->set("user_id", *a.userId);
    return stringify(o);
}

SyncOutcome ConnectorHub::execute(const Tenant& tc, Slot& slot, const ConnectorAccount& account, const ConnectorSyncRequest& request,
                                  bool scheduled, const std::function<bool()>& stopping) {
    SyncOutcome out;
    auto tenant = tenants_.find(tc.id());
    std::shared_ptr<Connector> instance;
    std::map<std::string, RecordHandler> handlers;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        instance = slot.instance;
        handlers = handlers_;
    }
    if (!instance || !tenant) {
        out.ok = false;
        out.errorKind = "config";
        out.error = "коннектор не настроен";
        return out;
    }
    const std::string tenantId = tc.id(), connectorId = slot.info.id, accountId = account.accountId, task = request.task;
    const SyncContext context{*tenant, connectorId, accountId, account.userId, request.now};

    // Records are consumed here, in the caller's thread, as the plugin's thread reports them.
    SyncRecords records(db_, sink_, *tenant, context, task, std::move(handlers), options_.batchRows, scheduled);
    const SyncThreadResult run = runSyncThread(
        instance, request, std::chrono::seconds(slot.info.syncTimeoutS),
        [&](const std::string& kind, const std::string& json) { records.consume(kind, json); }, stopping);
    if (run.timedOut) {
        log::error("connector sync abandoned after its timeout; the plugin instance is replaced",
                   {{"tenant", tenantId}, {"connector", connectorId}, {"task", task}, {"timeout_s", std::to_string(slot.info.syncTimeoutS)}});
        replaceInstance(slot);
        records.flush(std::nullopt); // what came before the timeout is kept; the cursor stays where it was
        out.ok = false;
        out.errorKind = "timeout";
        out.error = "синхронизация не закончилась за " + std::to_string(slot.info.syncTimeoutS) + " с и прервана";
    } else {
        records.flush(std::nullopt);
        if (run.status != KB_OK) {
            out.ok = false;
            out.errorKind = errorKind(run.status);
            out.error = run.text.empty() ? std::string("синхронизация не удалась") : run.text;
        }
    }
    records.fill(out);
    return out;
}

namespace {
ConnectorLogRow logRowOf(const std::string& connectorId, const std::string& accountId, const std::string& task, long long startedAt,
                         long long durationMs, const SyncOutcome& o, const std::string& owner) {
    ConnectorLogRow l;
    l.connectorId = connectorId;
    l.accountId = accountId;
    l.task = task;
    l.startedAt = startedAt;
    l.durationMs = durationMs;
    l.records = o.records;
    l.storedRows = o.storedRows;
    l.problems = o.problems;
    l.outcome = o.ok ? "ok" : "error";
    l.errorKind = o.errorKind;
    std::string message = o.error;
    if (!o.unknown.empty())
        message += (message.empty() ? "" : "; ") + std::string("устройства без прибора учёта: ") + joinFirst(o.unknown, 10) +
                   " (строк не сохранено: " + std::to_string(o.unknownRows) + ")";
    l.message = message;
    l.instance = owner;
    return l;
}
} // namespace

SyncOutcome ConnectorHub::runScheduled(const Tenant& t, Slot& slot, const ConnectorAccount& account, const ConnectorJob& job,
                                       long long now, const std::function<bool()>& stopping) {
    const auto task = std::find_if(slot.info.tasks.begin(), slot.info.tasks.end(), [&](const ConnectorTask& k) { return k.id == job.task; });
    if (task == slot.info.tasks.end()) return SyncOutcome{};
    ConnectorSyncRequest request;
    request.task = job.task;
    request.cursor = job.cursor;
    request.accountJson = accountJson(account);
    request.inputJson = "{}";
    request.to = now;
    request.from = now - task->windowS;
    if (!job.cursor.empty() && job.lastOk) request.from = std::max(request.from, *job.lastOk);
    request.now = now;
    db_.transaction([&](soci::session& s) {
        SyncStore(s, t.id()).markRunning(slot.info.id, account.accountId, job.task, options_.owner, now + slot.info.syncTimeoutS + 60);
    });
    const auto started = std::chrono::steady_clock::now();
    SyncOutcome o;
    try {
        o = execute(t, slot, account, request, true, stopping);
    } catch (const std::exception& e) {
        o.ok = false;
        o.errorKind = "internal";
        o.error = e.what();
    }
    const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    long long next = now + task->everyS;
    if (!o.ok) {
        const unsigned shift = static_cast<unsigned>(std::min<long long>(job.attempts, 20));
        next = now + std::min<long long>(60LL << shift, std::max<long long>(task->everyS, 60));
    }
    db_.transaction([&](soci::session& s) {
        SyncStore st(s, t.id());
        st.finishJob(slot.info.id, account.accountId, job.task, o, now, next);
        if (!o.ok && o.errorKind == "auth") st.setAuthFailed(slot.info.id, account.accountId);
        st.log(logRowOf(slot.info.id, account.accountId, job.task, now, ms, o, options_.owner));
    });
    if (!o.ok)
        log::warn("connector sync failed", {{"tenant", t.id()}, {"connector", slot.info.id}, {"task", job.task},
                                            {"kind", o.errorKind}, {"error", o.error}});
    return o;
}

SyncOutcome ConnectorHub::run(const Tenant& t, const std::string& connectorId, const std::string& accountId, const std::string& task,
                              const std::string& inputJson, long long now) {
    auto s = slot(t.id(), connectorId);
    instance(t, connectorId); // throws 503 when not ready
    if (accountId == "tenant" && s->info.accounts == "tenant")
        db_.transaction([&](soci::session& se) {
            ConnectorAccount a;
            a.tenantId = t.id();
            a.connectorId = connectorId;
            a.accountId = "tenant";
            a.kind = "tenant";
            a.title = s->info.label;
            SyncStore st(se, t.id());
            st.ensureAccount(a, now);
            st.ensureJobs(connectorId, "tenant", s->info.tasks, now);
        });
    std::optional<ConnectorAccount> account;
    db_.read([&](soci::session& se) { account = this->account(se, t.id(), connectorId, accountId); });
    if (!account) throw NotFound("connector_account_not_found", "Учётная запись обмена данными не найдена");
    const auto declared = std::find_if(s->info.tasks.begin(), s->info.tasks.end(), [&](const ConnectorTask& k) { return k.id == task; });
    const bool scheduled = Poco::trim(inputJson).empty() || Poco::trim(inputJson) == "{}";
    if (!scheduled) {
        ConnectorSyncRequest request;
        request.task = task;
        request.accountJson = accountJson(*account);
        request.inputJson = inputJson;
        request.to = now;
        request.from = now - (declared != s->info.tasks.end() ? declared->windowS : 86400);
        request.now = now;
        const auto started = std::chrono::steady_clock::now();
        SyncOutcome o = execute(t, *s, *account, request, false, {});
        const long long ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        db_.transaction([&](soci::session& se) {
            SyncStore(se, t.id()).log(logRowOf(connectorId, accountId, task, now, ms, o, options_.owner));
        });
        return o;
    }
    if (declared == s->info.tasks.end())
        throw Unprocessable({{"task", "Задача «" + task + "» не объявлена для этого коннектора"}});
    bool taken = false;
    db_.transaction([&](soci::session& se) {
        SyncStore st(se, t.id());
        st.ensureJobs(connectorId, accountId, s->info.tasks, now);
        taken = st.takeLease(connectorId, accountId, options_.owner, now, now + s->info.syncTimeoutS + 60);
    });
    if (!taken) {
        SyncOutcome busy;
        busy.ok = false;
        busy.errorKind = "busy";
        busy.error = "эта учётная запись уже синхронизируется";
        return busy;
    }
    SyncOutcome o;
    try {
        std::optional<ConnectorJob> job;
        db_.read([&](soci::session& se) {
            for (auto& j : SyncStore(se, t.id()).jobs(connectorId, accountId))
                if (j.task == task) job = j;
        });
        o = runScheduled(t, *s, *account, *job, now, {});
    } catch (...) {
        db_.transaction([&](soci::session& se) { SyncStore(se, t.id()).releaseLease(connectorId, accountId); });
        throw;
    }
    db_.transaction([&](soci::session& se) { SyncStore(se, t.id()).releaseLease(connectorId, accountId); });
    return o;
}

bool ConnectorHub::runDue(long long now, const std::function<bool()>& stopping) {
    std::vector<DueAccount> due;
    for (Database* db : db_.all()) // the main database and those of tenants placed elsewhere
        db->read([&](soci::session& s) {
            auto part = SyncStore::dueAccounts(s, now, 20);
            due.insert(due.end(), part.begin(), part.end());
        });
    for (const auto& d : due) {
        if (stopping && stopping()) return false;
        TenantScope scope(d.tenantId);
        auto t = tenants_.find(d.tenantId);
        auto s = slot(d.tenantId, d.connectorId);
        bool ready = false;
        long long timeout = 300;
        if (s) {
            std::lock_guard<std::mutex> lock(mutex_);
            ready = s->info.state == "ready";
            timeout = s->info.syncTimeoutS;
        }
        if (!t || !ready) {
            // Not declared (any more) or not configured: look again in an hour.
            db_.transaction([&](soci::session& se) { SyncStore(se, d.tenantId).postpone(d.connectorId, d.accountId, now, now + 3600); });
            continue;
        }
        std::vector<ConnectorJob> jobs;
        bool taken = false;
        db_.transaction([&](soci::session& se) {
            SyncStore st(se, d.tenantId);
            for (auto& j : st.jobs(d.connectorId, d.accountId))
                if (j.nextRun <= now) jobs.push_back(j);
            if (jobs.empty()) return;
            taken = st.takeLease(d.connectorId, d.accountId, options_.owner, now,
                                 now + static_cast<long long>(jobs.size()) * (timeout + 60));
        });
        if (!taken) continue;
        try {
            std::optional<ConnectorAccount> account;
            std::string secretError;
            try {
                db_.read([&](soci::session& se) { account = this->account(se, d.tenantId, d.connectorId, d.accountId); });
            } catch (const std::runtime_error& e) {
                secretError = e.what();
            }
            for (const auto& job : jobs) {
                if (stopping && stopping()) break;
                if (!account) {
                    SyncOutcome o;
                    o.ok = false;
                    o.errorKind = "config";
                    o.error = secretError.empty() ? "учётная запись не найдена" : "секрет учётной записи не открывается (" + secretError + ")";
                    db_.transaction([&](soci::session& se) {
                        SyncStore st(se, d.tenantId);
                        st.finishJob(d.connectorId, d.accountId, job.task, o, now, now + 3600);
                        st.log(logRowOf(d.connectorId, d.accountId, job.task, now, 0, o, options_.owner));
                    });
                    continue;
                }
                const SyncOutcome o = runScheduled(*t, *s, *account, job, now, stopping);
                if (!o.ok && o.errorKind == "auth") break; // the account is stopped until its secret changes
            }
        } catch (...) {
            db_.transaction([&](soci::session& se) { SyncStore(se, d.tenantId).releaseLease(d.connectorId, d.accountId); });
            throw;
        }
        db_.transaction([&](soci::session& se) { SyncStore(se, d.tenantId).releaseLease(d.connectorId, d.accountId); });
        return true;
    }
    return false;
}

std::string ConnectorHub::call(const Tenant& t, const std::string& connectorId, const std::string& accountId, const std::string& operation,
                               const std::string& inputJson) {
    auto s = slot(t.id(), connectorId);
    instance(t, connectorId); // 503 when not ready
    std::shared_ptr<Connector> inst;
    std::string label;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        inst = s->instance;
        label = s->info.label;
    }
    if (!inst) throw Error(503, "connector_unavailable", "Обмен данными «" + label + "» не настроен; обратитесь к администратору");
    std::string input = inputJson.empty() ? std::string("{}") : inputJson;
    if (!accountId.empty()) {
        std::optional<ConnectorAccount> account;
        db_.read([&](soci::session& se) { account = this->account(se, t.id(), connectorId, accountId); });
        if (!account) throw NotFound("connector_account_not_found", "Учётная запись обмена данными не найдена");
        JsonObject in = objectOr(input);
        JsonObject acc = parseObject(accountJson(*account));
        in->set("account", acc);
        if (acc->has("token")) in->set("token", acc->get("token"));
        input = stringify(in);
    }
    try {
        return inst->call(operation, input);
    } catch (const ChannelError& e) {
        switch (e.status) {
        case KB_ERR_TRANSPORT:
        case KB_ERR_TIMEOUT:
            throw Error(503, "connector_unavailable", "«" + label + "» сейчас недоступен; попробуйте позже").retryAfter(60);
        case KB_ERR_REJECTED:
            throw Error(422, "connector_rejected", e.what()[0] ? std::string(e.what()) : "«" + label + "» отклонил запрос");
        case KB_ERR_AUTH:
            throw Error(422, "connector_auth", "«" + label + "» не принял учётные данные");
        default:
            log::warn("connector call failed", {{"tenant", t.id()}, {"connector", connectorId}, {"operation", operation},
                                                {"kind", errorKind(e.status)}, {"error", e.what()}});
            throw Error(502, "connector_bad_answer", "«" + label + "» прислал непонятный ответ; попробуйте позже");
        }
    }
}

} // namespace kabinet
