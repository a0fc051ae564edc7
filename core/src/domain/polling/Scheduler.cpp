#include "polling/Scheduler.h"

#include "plugins/PluginHost.h"
#include "polling/ReadingMapper.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"
#include "util/Log.h"
#include "storage/TenantScope.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <set>
#include <sstream>

namespace kabinet {

namespace {

constexpr unsigned kCurrentItems = KB_READ_IDENTITY | KB_READ_CLOCK | KB_READ_ENERGY | KB_READ_INSTANT;

long long nowSeconds() { return static_cast<long long>(std::time(nullptr)); }

/// Adds the meter's settings default for the time zone: the tenant's offset.
std::string withDefaults(const std::string& settings, int utcOffsetS) {
    try {
        auto v = Poco::JSON::Parser().parse(settings.empty() ? "{}" : settings);
        auto o = v.extract<Poco::JSON::Object::Ptr>();
        if (!o->has("utc_offset_min")) o->set("utc_offset_min", utcOffsetS / 60);
        std::ostringstream out;
        o->stringify(out);
        return out.str();
    } catch (const std::exception&) {
        return settings; // the driver names the problem (KB_ERR_CONFIG)
    }
}

} // namespace

Scheduler::Scheduler(Database& db, TenantRegistry& tenants, PluginHost& plugins, SchedulerOptions options)
    : db_(db), tenants_(tenants), plugins_(plugins), options_(std::move(options)), store_(db, options_.owner), sink_(db, &tenants), silent_(db) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
    std::lock_guard control(control_);
    if (options_.sessions == 0 || claimer_) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    lastSync_ = 0; // the first round syncs the jobs with the rules
    // A failing round (database unreachable) is tried again a tick later, then less and less often.
    const Backoff backoff{std::chrono::milliseconds(options_.tickMs), std::chrono::minutes(1)};
    for (unsigned i = 0; i < options_.sessions; ++i)
        sessions_.push_back(std::make_unique<Worker>("polling-session-" + std::to_string(i + 1), [this] { return sessionPass(); }, backoff));
    claimer_ = std::make_unique<Worker>("polling", [this] { return claimPass(); }, backoff);
    for (auto& w : sessions_) w->start();
    claimer_->start();
    log::info("polling started", {{"sessions", std::to_string(options_.sessions)}, {"instance", options_.owner}});
}

void Scheduler::stop() {
    std::lock_guard control(control_);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true; // every session stops after the meter in hand
    }
    if (claimer_) claimer_->stop();
    for (auto& w : sessions_) w->stop();
    claimer_.reset();
    sessions_.clear();
    // Claims that were queued but never started go back.
    std::deque<GatewayClaim> left;
    {
        std::lock_guard lock(mutex_);
        left.swap(queue_);
    }
    for (const auto& g : left) {
        TenantScope scope(g.tenantId);
        try {
            store_.releaseLease(g);
        } catch (const std::exception&) {
        }
    }
}

const PollingRules* Scheduler::rules(const std::string& tenantId) {
    auto it = rules_.find(tenantId);
    if (it != rules_.end()) return &it->second;
    return nullptr;
}

void Scheduler::syncAll(long long now) {
    for (const auto& id : tenants_.ids()) {
        auto tenant = tenants_.find(id);
        if (!tenant) continue;
        TenantScope scope(id); // the tenant's own database, when it has one
        try {
            PollingRules r = PollingRules::fromVar(tenant->polling());
            store_.syncJobs(id, r, now);
            silent_.check(*tenant, r, now); // meters that stopped answering: told to the operators once per silence
            std::lock_guard lock(mutex_);
            rules_[id] = std::move(r);
        } catch (const std::exception& e) {
            log::error("polling rules not applied", {{"tenant", id}, {"error", e.what()}});
        }
    }
}

Worker::Delay Scheduler::claimPass() {
    unsigned free = 0;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return Worker::kUntilWoken;
        free = options_.sessions > inFlight_ + queue_.size() ? options_.sessions - inFlight_ - static_cast<unsigned>(queue_.size()) : 0;
    }
    const long long now = nowSeconds();
    if (now - lastSync_ >= 60) {
        syncAll(now);
        lastSync_ = now;
    }
    if (free > 0) {
        auto claims = store_.claimGateways(now, options_.leaseS, free);
        if (!claims.empty()) {
            {
                std::lock_guard lock(mutex_);
                for (auto& c : claims) queue_.push_back(std::move(c));
            }
            for (auto& w : sessions_) w->wake();
        }
    }
    return std::chrono::milliseconds(options_.tickMs);
}

Worker::Delay Scheduler::sessionPass() {
    GatewayClaim g;
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.empty()) return Worker::kUntilWoken;
        g = std::move(queue_.front());
        queue_.pop_front();
        ++inFlight_;
    }
    TenantScope scope(g.tenantId);
    try {
        pollGateway(g);
    } catch (const std::exception& e) {
        log::error("gateway poll failed", {{"tenant", g.tenantId}, {"gateway", g.gatewayId}, {"error", e.what()}});
    }
    try {
        store_.releaseLease(g);
    } catch (const std::exception& e) {
        log::warn("gateway lease not released", {{"gateway", g.gatewayId}, {"error", e.what()}});
    }
    std::lock_guard lock(mutex_);
    --inFlight_;
    return !stopping_ && !queue_.empty() ? Worker::Delay::zero() : Worker::kUntilWoken;
}

unsigned Scheduler::runOnce(long long now) {
    syncAll(now);
    unsigned meters = 0;
    for (const auto& g : store_.claimGateways(now, options_.leaseS, 1000000)) {
        TenantScope scope(g.tenantId);
        meters += pollGateway(g);
        store_.releaseLease(g);
    }
    return meters;
}

Driver& Scheduler::driver(const std::string& name) {
    std::lock_guard lock(driversMutex_);
    auto it = drivers_.find(name);
    if (it != drivers_.end()) return *it->second;
    std::string config = "{}";
    if (!options_.driversJson.empty()) {
        try {
            auto o = Poco::JSON::Parser().parse(options_.driversJson).extract<Poco::JSON::Object::Ptr>();
            if (auto c = o->getObject(name)) {
                std::ostringstream out;
                c->stringify(out);
                config = out.str();
            }
        } catch (const std::exception&) {
            throw ConfigError("drivers must be a JSON object {\"<driver>\": {config}}");
        }
    }
    auto d = plugins_.createDriver(name, config);
    Driver& ref = *d;
    drivers_[name] = std::move(d);
    return ref;
}

unsigned Scheduler::pollGateway(const GatewayClaim& g) {
    const long long now = nowSeconds();
    const auto meters = store_.dueMeters(g, now);
    if (meters.empty()) return 0;
    std::unique_ptr<ByteTransport> transport;
    unsigned polled = 0;
    for (std::size_t i = 0; i < meters.size(); ++i) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) break;
        }
        const long long t = nowSeconds();
        if (!transport) {
            try {
                transport = std::make_unique<TcpTransport>(g.host, g.port, options_.connectTimeoutMs);
            } catch (const std::exception& e) {
                // The gateway is unreachable: every meter behind it not polled yet fails the same way.
                log::warn("gateway unreachable", {{"tenant", g.tenantId}, {"gateway", g.gatewayId}, {"error", e.what()}});
                for (std::size_t j = i; j < meters.size(); ++j) pollMeter(g, meters[j], nullptr, t);
                return polled;
            }
        }
        const MeterTask& task = meters[i];
        PollReport report = pollMeter(g, task, transport.get(), t);
        ++polled;
        // After a broken dialogue the connection's state is unknown: the next meter gets a fresh one.
        if (report.errorKind == "transport" || report.errorKind == "timeout" || report.errorKind == "protocol") transport.reset();
        if (!store_.renewLease(g, nowSeconds() + options_.leaseS)) {
            log::warn("gateway lease lost", {{"tenant", g.tenantId}, {"gateway", g.gatewayId}});
            break;
        }
    }
    return polled;
}

PollReport Scheduler::pollMeter(const GatewayClaim& g, const MeterTask& task, ByteTransport* transport, long long now) {
    PollReport report;
    const auto started = std::chrono::steady_clock::now();
    auto tenant = tenants_.find(g.tenantId);
    PollingRules rules;
    {
        std::lock_guard lock(mutex_);
        if (auto r = this->rules(g.tenantId)) rules = *r;
    }
    if (!tenant) return report;
    if (rules.schedules.empty()) rules = PollingRules::fromVar(tenant->polling());
    const int utcOffset = tenant->utcOffset();

    // What the due schedules ask for, and how far back.
    unsigned items = 0;
    long long depth = 0;
    std::vector<const PollingRules::Schedule*> due;
    for (const auto& j : task.due)
        if (const auto* s = rules.find(j.schedule)) {
            due.push_back(s);
            items |= s->items;
            depth = std::max(depth, s->depthS);
        }
    std::map<std::string, std::pair<std::string, std::string>> failures; // schedule -> kind, text
    auto failItems = [&](unsigned failedItems, const std::string& kind, const std::string& text) {
        for (const auto* s : due)
            if ((s->items & failedItems) && !failures.count(s->name)) failures[s->name] = {kind, text};
    };

    MeterDataBatch batch;
    std::optional<std::string> firmware;
    std::optional<long long> drift;
    std::vector<std::string> notes;
    if (!transport) {
        failItems(~0u, "transport", "gateway unreachable");
    } else {
        std::unique_ptr<DriverSession> session;
        try {
            session = driver(task.driver).open(withDefaults(task.settings, utcOffset), *transport);
        } catch (const DriverError& e) {
            failItems(~0u, driverErrorKind(e.status), e.what());
        } catch (const ConfigError& e) {
            failItems(~0u, "config", e.what());
        }
        if (session) {
            const PollCursors cursors = store_.cursors(g.tenantId, task.meterId);
            struct Group { unsigned items; long long from, to; };
            std::vector<Group> groups;
            if (items & kCurrentItems) groups.push_back({items & kCurrentItems, 0, 0});
            if (items & KB_READ_PROFILE) {
                const long long floor = now - depth;
                groups.push_back({KB_READ_PROFILE, std::max(floor, cursors.profile ? *cursors.profile + 1 : floor), now});
            }
            if (items & KB_READ_EVENTS) {
                const long long floor = now - depth;
                groups.push_back({KB_READ_EVENTS, std::max(floor, cursors.event ? *cursors.event : floor), now + 1});
            }
            if (items & KB_READ_BILLING) {
                const long long floor = now - std::max<long long>(depth, 40 * 86400);
                groups.push_back({KB_READ_BILLING, std::max(floor, cursors.billing ? *cursors.billing + 1 : floor), now + 1});
            }
            bool broken = false;
            for (const auto& grp : groups) {
                if (broken) {
                    failItems(grp.items, report.errorKind, "not read: the dialogue broke before");
                    continue;
                }
                DriverReading r;
                const bool ranged = (grp.items & kCurrentItems) == 0; // profile, events or snapshots from a cursor
                try {
                    session->read(grp.items, grp.from, grp.to, r);
                } catch (const DriverError& e) {
                    failItems(grp.items, driverErrorKind(e.status), e.what());
                    report.errorKind = driverErrorKind(e.status);
                    if (e.status == KB_ERR_TRANSPORT || e.status == KB_ERR_TIMEOUT || e.status == KB_ERR_PROTOCOL) broken = true;
                    // What a ranged read reported is dropped: a part of a range would leave a gap behind the
                    // cursor. The current values reported before the failure are kept.
                    if (ranged) continue;
                }
                // Objects the meter lacks are notes. An object whose answer was malformed fails its item (named
                // with the object, e.g. "04 00: …"); a ranged group with such an object is dropped whole.
                bool itemFailed = false;
                for (const auto& f : r.unavailable) {
                    if (f.status == KB_OK) {
                        notes.push_back(f.object + ": " + f.reason);
                        continue;
                    }
                    failItems(f.item, driverErrorKind(f.status), f.object + ": " + f.reason);
                    itemFailed = true;
                }
                if (ranged && itemFailed) continue;
                // A profile whose period the sink does not store fails the profile alone (config: the meter's
                // setting), so that the rest of the poll is stored.
                if (const auto* odd = unstorableInterval(r)) {
                    failItems(KB_READ_PROFILE, "config",
                              "profile period of " + std::to_string(odd->lengthS) +
                                  " s is not stored: set the meter's profile to whole minutes from 1 to 60 that divide an hour");
                    r.intervals.clear();
                }
                if (r.identity) {
                    if (!task.serial.empty() && !r.identity->serial.empty() && !sameSerial(task.serial, r.identity->serial)) {
                        failItems(~0u, "identity", "the meter at this address reports serial " + r.identity->serial.substr(0, 32) +
                                                      ", not the registered one");
                        batch = MeterDataBatch{};
                        break;
                    }
                    if (!r.identity->firmware.empty()) firmware = r.identity->firmware;
                }
                if (r.clock) drift = r.clock->meterTime - r.clock->hostTime;
                appendDriverRows(r, task.meterId, grp.items, grp.from, grp.to, now, batch);
            }
            session->close();
        }
    }
    // Store what was read in one transaction. When the sink refuses the batch, each kind of rows is stored on
    // its own (each still one transaction), so that rows the sink refuses fail only the schedules that read
    // them and never the whole poll.
    if (!batch.empty()) {
        try {
            report.stored = sink_.write(g.tenantId, batch);
        } catch (const std::exception&) {
            MeterDataBatch latest, billing, params, profile, events;
            for (auto& r : batch.readings) (r.kind == "billing" ? billing : latest).readings.push_back(std::move(r));
            params.params = std::move(batch.params);
            profile.profile = std::move(batch.profile);
            events.events = std::move(batch.events);
            const std::pair<MeterDataBatch*, unsigned> parts[] = {{&latest, KB_READ_ENERGY}, {&params, KB_READ_INSTANT},
                                                                  {&billing, KB_READ_BILLING}, {&profile, KB_READ_PROFILE},
                                                                  {&events, KB_READ_EVENTS}};
            for (const auto& [part, partItems] : parts) {
                if (part->empty()) continue;
                try {
                    const auto stored = sink_.write(g.tenantId, *part);
                    report.stored.readings += stored.readings;
                    report.stored.profile += stored.profile;
                    report.stored.params += stored.params;
                    report.stored.events += stored.events;
                    report.stored.tamperEvents += stored.tamperEvents;
                } catch (const std::exception& e) {
                    failItems(partItems, "storage", std::string(e.what()).substr(0, 500)); // database texts may quote the rows
                }
            }
        }
    }
    const long long done = nowSeconds();
    std::string firstKind, firstError;
    for (const auto& j : task.due) {
        JobOutcome o;
        o.schedule = j.schedule;
        const auto* s = rules.find(j.schedule);
        auto f = failures.find(j.schedule);
        if (f == failures.end() && s) {
            o.ok = true;
            o.nextRun = PollingRules::nextRun(*s, done, utcOffset);
        } else {
            o.ok = false;
            o.errorKind = f != failures.end() ? f->second.first : "config";
            o.error = f != failures.end() ? f->second.second : "the schedule is not in the tenant's rules";
            o.attempts = j.attempts + 1;
            o.nextRun = rules.retryAt(o.attempts, done);
            if (firstKind.empty()) {
                firstKind = o.errorKind;
                firstError = o.error;
            }
        }
        report.jobs.push_back(o);
    }
    report.errorKind = firstKind;
    report.error = firstError;
    PollLogRow logRow;
    logRow.startedAt = now;
    logRow.durationMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    for (const auto& j : task.due) logRow.schedules += (logRow.schedules.empty() ? "" : ",") + j.schedule;
    const bool anyOk = std::any_of(report.jobs.begin(), report.jobs.end(), [](const JobOutcome& o) { return o.ok; });
    const bool anyStored = report.stored.readings + report.stored.profile + report.stored.params + report.stored.events > 0;
    // partial: something failed, but a schedule succeeded or rows were stored (a failed item, the rest kept).
    logRow.outcome = firstKind.empty() ? "ok" : (anyOk || anyStored) ? "partial" : "error";
    logRow.errorKind = firstKind;
    logRow.message = firstError;
    for (const auto& n : notes) logRow.message += (logRow.message.empty() ? "" : "; ") + n;
    logRow.storedRows = static_cast<long long>(report.stored.readings + report.stored.profile + report.stored.params + report.stored.events);
    try {
        store_.finish(g.tenantId, task.meterId, report.jobs, logRow, firmware, drift, done);
    } catch (const std::exception& e) {
        log::error("poll outcome not recorded", {{"tenant", g.tenantId}, {"meter", task.meterId}, {"error", e.what()}});
    }
    if (firstKind.empty()) {
        ++polled_;
        log::info("meter polled", {{"tenant", g.tenantId}, {"meter", task.meterId}, {"driver", task.driver},
                                   {"rows", std::to_string(logRow.storedRows)}, {"ms", std::to_string(logRow.durationMs)}});
    } else {
        ++failed_;
        log::warn("meter poll failed", {{"tenant", g.tenantId}, {"meter", task.meterId}, {"driver", task.driver},
                                        {"kind", firstKind}, {"error", firstError.substr(0, 300)},
                                        {"retry_in_s", std::to_string(report.jobs.empty() ? 0 : report.jobs.front().nextRun - done)}});
    }
    return report;
}

} // namespace kabinet
