#include "storage/Replica.h"

#include "storage/Database.h"
#include "util/Error.h"
#include "util/Log.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace kabinet {

namespace {
using Clock = std::chrono::steady_clock;

std::chrono::milliseconds intervalFor(std::chrono::milliseconds maxLag) {
    return std::clamp(maxLag / 4, std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
}

/// A replica failure after which the same read may be run on the primary instead.
bool replicaFault(const std::exception& e) {
    if (auto* err = dynamic_cast<const Error*>(&e)) return err->code() == "database_unavailable" || err->code() == "database_busy";
    if (auto* se = dynamic_cast<const soci::soci_error*>(&e)) {
        const std::string msg = se->get_error_message();
        return msg.find("conflict with recovery") != std::string::npos || msg.find("recovery is in progress") != std::string::npos;
    }
    return false;
}
} // namespace

Replica::Replica(Database& primary, std::string url, unsigned poolSize, std::chrono::milliseconds maxLag)
    : primary_(primary), url_(std::move(url)), poolSize_(std::max(1u, poolSize)), maxLag_(maxLag), interval_(intervalFor(maxLag)) {
    if (DatabaseUrl::parse(url_).backend != Backend::PostgreSQL)
        throw ConfigError("database-replica must be a postgresql:// URL (a streaming replica of the primary)");
    checker_ = std::make_unique<Worker>("replica", [this] { return check(); }, Backoff{interval_, std::chrono::milliseconds(5000)});
    checker_->start();
}

Replica::~Replica() {
    if (checker_) checker_->stop();
}

std::shared_ptr<Database> Replica::current() const {
    std::lock_guard<std::mutex> g(mutex_);
    return db_;
}

void Replica::markDown(const std::string& why) {
    usable_ = false;
    std::lock_guard<std::mutex> g(mutex_);
    lagSeconds_ = -1;
    samples_.clear();
    if (state_ != "down") log::warn("replica down: reads go to the primary", {{"reason", why}});
    state_ = "down";
}

void Replica::checkNow() { check(); }

std::chrono::milliseconds Replica::check() {
    std::lock_guard<std::mutex> one(checkMutex_);
    std::shared_ptr<Database> db = current();
    if (!db) {
        try {
            db = std::make_shared<Database>(url_, poolSize_);
            std::lock_guard<std::mutex> g(mutex_);
            db_ = db;
        } catch (const std::exception& e) {
            markDown(e.what());
            return interval_ * 4;
        }
    }
    double primaryLsn = 0, replayLsn = -1;
    int inRecovery = 0;
    try {
        primary_.read([&](soci::session& s) { s << "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8", soci::into(primaryLsn); });
    } catch (const std::exception&) {
        return interval_; // the primary is the one in trouble: nothing to decide about the replica
    }
    try {
        db->read([&](soci::session& s) {
            s << "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END, "
                 "COALESCE(pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::float8, -1)",
                soci::into(inRecovery), soci::into(replayLsn);
        });
    } catch (const std::exception& e) {
        markDown(e.what());
        return interval_;
    }
    if (!inRecovery || replayLsn < 0) {
        markDown("not a streaming replica (pg_is_in_recovery is false)");
        return interval_ * 4;
    }
    const auto now = Clock::now();
    std::lock_guard<std::mutex> g(mutex_);
    while (!samples_.empty() && samples_.front().second <= replayLsn) samples_.pop_front();
    if (replayLsn < primaryLsn && (samples_.empty() || samples_.back().second < primaryLsn) && samples_.size() < 100000)
        samples_.emplace_back(now, primaryLsn);
    lagSeconds_ = samples_.empty() ? 0.0 : std::chrono::duration<double>(now - samples_.front().first).count();
    const bool fresh = lagSeconds_ * 1000.0 <= static_cast<double>(maxLag_.count());
    const std::string state = fresh ? "up" : "lagging";
    if (state != state_) {
        char lag[32];
        std::snprintf(lag, sizeof lag, "%.3f", lagSeconds_);
        if (fresh) log::info("replica serving reads", {{"lag_seconds", lag}});
        else log::warn("replica lagging: reads go to the primary", {{"lag_seconds", lag},
                                                                     {"max_lag_ms", std::to_string(maxLag_.count())}});
        state_ = state;
    }
    usable_ = fresh;
    return interval_;
}

void Replica::read(const std::function<void(soci::session&)>& fn) {
    std::shared_ptr<Database> db = usable_ ? current() : nullptr;
    if (!db) {
        std::string state;
        {
            std::lock_guard<std::mutex> g(mutex_);
            state = state_;
        }
        ++(state == "lagging" ? fellBackLag_ : fellBackDown_);
        primary_.readPrimary(fn);
        return;
    }
    try {
        db->read(fn);
        ++served_;
        return;
    } catch (const std::exception& e) {
        if (!replicaFault(e)) throw;
        ++failedDuring_;
        ++fellBackDown_;
        markDown(e.what());
        checker_->wake();
    }
    primary_.readPrimary(fn);
}

double Replica::lagSeconds() const {
    std::lock_guard<std::mutex> g(mutex_);
    return lagSeconds_;
}

std::string Replica::metricsText() const {
    std::string state;
    double lag;
    {
        std::lock_guard<std::mutex> g(mutex_);
        state = state_;
        lag = lagSeconds_;
    }
    std::ostringstream o;
    o << "# HELP kabinet_db_replica_reads_total Heavy reads served by the read replica.\n"
         "# TYPE kabinet_db_replica_reads_total counter\n"
      << "kabinet_db_replica_reads_total " << served_.load() << "\n"
      << "# HELP kabinet_db_replica_fallbacks_total Heavy reads served by the primary instead, by reason.\n"
         "# TYPE kabinet_db_replica_fallbacks_total counter\n"
      << "kabinet_db_replica_fallbacks_total{reason=\"lag\"} " << fellBackLag_.load() << "\n"
      << "kabinet_db_replica_fallbacks_total{reason=\"down\"} " << fellBackDown_.load() << "\n"
      << "# HELP kabinet_db_replica_lag_seconds Staleness of the replica at the last check (-1: unknown or down).\n"
         "# TYPE kabinet_db_replica_lag_seconds gauge\n"
      << "kabinet_db_replica_lag_seconds " << lag << "\n"
      << "# HELP kabinet_db_replica_up 1 while heavy reads go to the replica.\n"
         "# TYPE kabinet_db_replica_up gauge\n"
      << "kabinet_db_replica_up{state=\"" << state << "\"} " << (usable_.load() ? 1 : 0) << "\n";
    return o.str();
}

} // namespace kabinet
