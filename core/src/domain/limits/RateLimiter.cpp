#include "limits/RateLimiter.h"
#include "util/Plural.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace kabinet::limits {

void TokenBucket::refill(Clock::time_point now, double rate, double burst) {
    if (tokens < 0) {
        tokens = burst;
    } else {
        const double secs = std::chrono::duration<double>(now - at).count();
        if (secs > 0) tokens = std::min(burst, tokens + secs * rate);
        tokens = std::min(tokens, burst); // the limit may have been lowered since
    }
    at = now;
}

long long TokenBucket::secondsUntil(double n, double rate) const {
    if (tokens >= n) return 0;
    return std::max(1LL, static_cast<long long>(std::ceil((n - tokens) / rate)));
}

void SlidingCount::roll(Clock::time_point now) {
    const auto since = std::chrono::duration<double>(now.time_since_epoch()).count();
    const double w = static_cast<double>(window_.count());
    const long long index = static_cast<long long>(since / w);
    if (index != index_) {
        previous_ = index == index_ + 1 ? current_ : 0;
        current_ = 0;
        index_ = index;
    }
    fraction_ = since / w - static_cast<double>(index);
}

void SlidingCount::add(Clock::time_point now, long long n) {
    roll(now);
    current_ += n;
}

long long SlidingCount::value(Clock::time_point now) {
    roll(now);
    return current_ + static_cast<long long>(std::llround(static_cast<double>(previous_) * (1.0 - fraction_)));
}

std::shared_ptr<RateLimiter::State> RateLimiter::state(const std::string& tenant) {
    {
        std::shared_lock<std::shared_mutex> lock(mutex_);
        if (auto it = states_.find(tenant); it != states_.end()) return it->second;
    }
    std::unique_lock<std::shared_mutex> lock(mutex_);
    auto& s = states_[tenant];
    if (!s) s = std::make_shared<State>();
    return s;
}

void RateLimiter::prune(State& s, Clock::time_point now, const LimitSettings& l) {
    // A bucket that has been idle long enough to be full again says nothing a new one would not.
    const auto full = std::chrono::duration<double>(static_cast<double>(l.clientBurst) / static_cast<double>(l.clientRate));
    for (auto it = s.clients.begin(); it != s.clients.end();) {
        if (now - it->second.at >= full) it = s.clients.erase(it);
        else ++it;
    }
}

void RateLimiter::admitRequest(const std::string& tenant, const LimitSettings& l, const std::string& client) {
    const auto now = Clock::now();
    auto st = state(tenant);
    long long wait = 0;
    const char* refused = nullptr;
    {
        std::lock_guard<std::mutex> lock(st->mutex);
        st->last = l;
        if (st->clients.size() >= kClientsBeforePrune) prune(*st, now, l);
        auto& c = st->clients[client];
        c.refill(now, static_cast<double>(l.clientRate), static_cast<double>(l.clientBurst));
        st->tenant.refill(now, static_cast<double>(l.tenantRate), static_cast<double>(l.tenantBurst));
        if (c.tokens < 1) {
            refused = kClientRate;
            wait = c.secondsUntil(1, static_cast<double>(l.clientRate));
        } else if (st->tenant.tokens < 1) {
            refused = kTenantRate;
            wait = st->tenant.secondsUntil(1, static_cast<double>(l.tenantRate));
        } else {
            c.tokens -= 1;
            st->tenant.tokens -= 1;
            st->requests.add(now, 1);
        }
    }
    if (!refused) return;
    Rejections::count(tenant, refused);
    if (refused == kClientRate)
        throw exceeded(kClientRate, "Слишком много запросов с вашей стороны: не больше " + std::to_string(l.clientRate) +
                                        " в секунду. Повторите через несколько секунд", wait);
    throw exceeded(kTenantRate, "Сервер организации сейчас перегружен запросами: не больше " + std::to_string(l.tenantRate) +
                                    " в секунду. Повторите через несколько секунд", wait);
}

void RateLimiter::takeIngestRows(const std::string& tenant, const LimitSettings& l, long long rows) {
    if (rows <= 0) return;
    const auto now = Clock::now();
    const double rate = static_cast<double>(l.ingestRowsPerMinute) / 60.0, burst = static_cast<double>(l.ingestRowsPerMinute);
    auto st = state(tenant);
    long long wait = 0;
    {
        std::lock_guard<std::mutex> lock(st->mutex);
        st->last = l;
        st->ingest.refill(now, rate, burst);
        if (static_cast<double>(rows) <= st->ingest.tokens) {
            st->ingest.tokens -= static_cast<double>(rows);
            st->rows.add(now, rows);
            return;
        }
        wait = rows > l.ingestRowsPerMinute ? 60 : st->ingest.secondsUntil(static_cast<double>(rows), rate);
    }
    Rejections::count(tenant, kIngestRows);
    const std::string most = std::to_string(l.ingestRowsPerMinute) + " " + plural(l.ingestRowsPerMinute, "строки", "строк", "строк");
    if (rows > l.ingestRowsPerMinute)
        throw exceeded(kIngestRows, "В пакете " + std::to_string(rows) + " " + plural(rows, "строка", "строки", "строк") +
                                        ", а организация принимает не больше " + most + " в минуту: разделите пакет на части", wait);
    throw exceeded(kIngestRows, "Превышен лимит загрузки показаний: не больше " + most + " в минуту. Повторите через " +
                                    std::to_string(wait) + " с", wait);
}

void RateLimiter::returnIngestRows(const std::string& tenant, const LimitSettings& l, long long rows) {
    if (rows <= 0) return;
    auto st = state(tenant);
    std::lock_guard<std::mutex> lock(st->mutex);
    st->ingest.tokens = std::min(static_cast<double>(l.ingestRowsPerMinute), st->ingest.tokens + static_cast<double>(rows));
    st->rows.add(Clock::now(), -rows);
}

RateLimiter::Usage RateLimiter::usage(const std::string& tenant) {
    Usage u;
    std::shared_ptr<State> st;
    {
        std::shared_lock<std::shared_mutex> lock(mutex_);
        auto it = states_.find(tenant);
        if (it == states_.end()) return u;
        st = it->second;
    }
    const auto now = Clock::now();
    std::lock_guard<std::mutex> lock(st->mutex);
    u.requestsLastSecond = st->requests.value(now);
    u.ingestRowsLastMinute = std::max(0LL, st->rows.value(now));
    u.clients = static_cast<long long>(st->clients.size());
    return u;
}

std::vector<std::pair<std::string, LimitSettings>> RateLimiter::tenants() const {
    std::vector<std::pair<std::string, std::shared_ptr<State>>> all;
    {
        std::shared_lock<std::shared_mutex> lock(mutex_);
        all.assign(states_.begin(), states_.end());
    }
    std::vector<std::pair<std::string, LimitSettings>> out;
    for (const auto& [id, s] : all) {
        std::lock_guard<std::mutex> lock(s->mutex);
        out.emplace_back(id, s->last);
    }
    return out;
}

namespace {
std::mutex rejectionsMutex;
std::map<std::pair<std::string, std::string>, unsigned long long>& rejections() {
    static std::map<std::pair<std::string, std::string>, unsigned long long> m;
    return m;
}
} // namespace

void Rejections::count(const std::string& tenant, const std::string& limit) {
    std::lock_guard<std::mutex> lock(rejectionsMutex);
    ++rejections()[{tenant, limit}];
}

std::vector<std::pair<std::pair<std::string, std::string>, unsigned long long>> Rejections::snapshot() {
    std::lock_guard<std::mutex> lock(rejectionsMutex);
    return {rejections().begin(), rejections().end()};
}

} // namespace kabinet::limits
