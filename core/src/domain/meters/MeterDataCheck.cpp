// The rules of meter data input (validateMeterData): every row of a batch is checked before anything is stored.
#include "meters/MeterData.h"

#include <cmath>
#include <initializer_list>
#include <string>

namespace kabinet {

namespace {

/// Validation of one row: the list's name and the row's index prefix every field it names.
class RowCheck {
public:
    RowCheck(const char* list, std::size_t index, long long now) : prefix_(std::string(list) + "[" + std::to_string(index) + "]."), now_(now) {}
    void meter(const std::string& id) const {
        if (id.empty()) fail("meter_id", "Укажите прибор учёта");
        if (id.size() > 64) fail("meter_id", "Слишком длинный идентификатор прибора учёта");
    }
    void time(const char* field, long long ts) const {
        if (ts < kEarliestMeterTs || ts > now_ + 86400)
            fail(field, "Время вне допустимого диапазона: от 2000-01-01 до завтрашнего дня (секунды Unix, UTC)");
    }
    /// A value, when given, not below `lo` (a value that is not finite is stored as absent, NULL).
    void atLeast(const char* field, const std::optional<double>& v, double lo) const {
        if (v && std::isfinite(*v) && *v < lo) fail(field, lo == 0 ? "Значение не может быть отрицательным" : "Значение меньше допустимого");
    }
    /// A value, when given and finite, within [lo, hi].
    void within(const char* field, const std::optional<double>& v, double lo, double hi) const {
        atLeast(field, v, lo);
        if (v && std::isfinite(*v) && *v > hi) fail(field, "Значение больше допустимого");
    }
    /// A text that is one of `allowed` (listed in the reason when it is not).
    void oneOf(const char* field, const std::string& v, std::initializer_list<const char*> allowed) const {
        std::string list;
        for (const char* a : allowed) {
            if (v == a) return;
            list += (list.empty() ? "" : ", ") + std::string(a);
        }
        fail(field, "Допустимые значения: " + list);
    }
    void required(const char* field, const std::string& v) const {
        if (v.empty()) fail(field, "Обязательное поле");
    }
    [[noreturn]] void fail(const char* field, const std::string& reason) const { throw InvalidMeterData(prefix_ + field, reason); }

private:
    std::string prefix_;
    long long now_;
};

} // namespace

void validateMeterData(const MeterDataBatch& b, long long now) {
    for (std::size_t i = 0; i < b.readings.size(); ++i) {
        const auto& x = b.readings[i];
        const RowCheck c("readings", i, now);
        c.meter(x.meterId);
        c.time("ts", x.ts);
        c.oneOf("kind", x.kind, {"billing", "latest"});
        c.oneOf("energy", x.energy, {"A+", "A-", "R+", "R-"});
        c.oneOf("source", x.source, {"driver", "connector", "consumer", "operator", "demo"});
        static const char* names[] = {"total", "t1", "t2", "t3", "t4"};
        const std::optional<double>* values[] = {&x.total, &x.t1, &x.t2, &x.t3, &x.t4};
        for (int k = 0; k < 5; ++k) c.atLeast(names[k], *values[k], 0);
    }
    for (std::size_t i = 0; i < b.profile.size(); ++i) {
        const auto& x = b.profile[i];
        const RowCheck c("profile", i, now);
        c.meter(x.meterId);
        c.time("ts", x.ts);
        if (!storableProfilePeriod(x.intervalMin)) c.fail("interval_min", "Период профиля — целое число минут от 1 до 60, на которое делится час");
        c.atLeast("p_plus", x.pPlus, 0);
        c.atLeast("p_minus", x.pMinus, 0);
        c.atLeast("q_plus", x.qPlus, 0);
        c.atLeast("q_minus", x.qMinus, 0);
    }
    for (std::size_t i = 0; i < b.params.size(); ++i) {
        const auto& x = b.params[i];
        const RowCheck c("params", i, now);
        c.meter(x.meterId);
        c.time("ts", x.ts);
        c.oneOf("phase", x.phase, {"A", "B", "C", "S"});
        c.atLeast("voltage", x.voltage, 0);
        c.atLeast("current", x.current, 0);
        c.atLeast("s", x.s, 0);
        c.within("pf", x.pf, -1, 1);
        c.atLeast("frequency", x.frequency, 0);
    }
    for (std::size_t i = 0; i < b.events.size(); ++i) {
        const auto& x = b.events[i];
        const RowCheck c("events", i, now);
        c.meter(x.meterId);
        c.time("ts_start", x.tsStart);
        c.oneOf("severity", x.severity, {"info", "warning", "alarm"});
        c.required("code", x.code);
        c.required("category", x.category);
        if (x.tsEnd) {
            c.time("ts_end", *x.tsEnd);
            if (*x.tsEnd < x.tsStart) c.fail("ts_end", "Окончание события раньше его начала");
        }
    }
}

} // namespace kabinet
