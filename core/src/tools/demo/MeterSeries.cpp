#include "demo/MeterSeries.h"

#include "demo/Calendar.h"
#include "demo/DemoSeeder.h"
#include "demo/LoadCurves.h"
#include "meters/MeterData.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>

namespace kabinet::demo {

namespace {

constexpr long long kInterval = 1800; ///< the power profile's interval (30 min)
constexpr double kPi = 3.14159265358979323846;

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }
double round2(double v) { return std::round(v * 100.0) / 100.0; }
double round1(double v) { return std::round(v * 10.0) / 10.0; }

class Series {
public:
    Series(MeterDataSink& sink, std::string tenant, std::string meterId, const MeterSpec& spec, int offset, long long start, long long end,
           uint64_t seed, DemoStats& stats)
        : sink_(sink), tenant_(std::move(tenant)), meterId_(std::move(meterId)), m_(spec), offset_(offset), start_(start), end_(end),
          rng_(seed), stats_(stats), lim_(limitsOf(spec.load, spec.scale)) {}

    void run() {
        // The registers the meter showed when the period began.
        const double initial = m_.load == Load::Factory ? rng_.range(400000, 900000)
                               : m_.load == Load::Business ? rng_.range(30000, 150000) * m_.scale / 40
                                                           : rng_.range(6000, 24000) * m_.scale;
        a1_ = initial * 0.7, a2_ = initial * 0.3, r1_ = initial * 0.2, r2_ = initial * 0.08;
        const long long days = (end_ - start_ + kDay - 1) / kDay;
        std::set<long long> tamperDays;
        for (int i = 0; i < m_.tamper && days > 40; ++i) tamperDays.insert(30 + rng_.below(static_cast<int>(days - 32)));
        int tamperIndex = rng_.below(3);
        for (long long dayStart = start_, day = 0; dayStart < end_; dayStart += kDay, ++day) {
            const Date dt = dateOf(dayStart, offset_);
            if (dt.d == 1 && !batch_.empty()) flush();
            if (m_.smart) reading(dayStart, "latest");
            if (dt.d == 1 || day == 0) {
                if (!m_.smart) reading(dayStart, "latest");
                if (dt.d == 1) reading(dayStart, "billing");
            }
            std::set<int> outage;
            if (m_.smart) {
                if (day == 0)
                    event(dayStart + 10 * 3600 + 120, "parameters_changed", "config", "info",
                          "Перепрограммирование: установлено тарифное расписание (T1 07:00–23:00, T2 23:00–07:00)", std::nullopt, false);
                if (day > 0 && rng_.uniform() < 1.0 / 150) {
                    const int from = 2 + rng_.below(42), len = 1 + rng_.below(4);
                    for (int i = from; i < from + len && i < 48; ++i) outage.insert(i);
                    const long long off = dayStart + from * kInterval, on = dayStart + (from + len) * kInterval;
                    event(off, "power_off", "power", "warning", "Отключение питания прибора учёта", on, false);
                    event(on, "power_on", "power", "info", "Включение питания прибора учёта, перерыв " + std::to_string(len * 30) + " мин",
                          std::nullopt, false);
                }
                if (rng_.uniform() < 1.0 / 20) {
                    const int shift = (rng_.uniform() < 0.7 ? 1 : -1) * (20 + rng_.below(130));
                    const int a = std::abs(shift);
                    event(dayStart + 3 * 3600 + rng_.below(3600), "clock_correction", "clock", "info",
                          std::string("Коррекция часов прибора на ") + (shift > 0 ? "+" : "−") + (a >= 60 ? std::to_string(a / 60) + " мин " : "") +
                              std::to_string(a % 60) + " с",
                          std::nullopt, false);
                }
                if (rng_.uniform() < 1.0 / 45) {
                    const bool high = rng_.uniform() < 0.5;
                    static const char* const kPhases[] = {"A", "B", "C"};
                    const char* phase = m_.phases == 3 ? kPhases[rng_.below(3)] : "A";
                    const long long ts = dayStart + rng_.below(48) * kInterval + rng_.below(1800);
                    event(ts, high ? "voltage_high" : "voltage_low", "voltage", "warning",
                          std::string("Выход напряжения фазы ") + phase + " за " + (high ? "верхнюю" : "нижнюю") +
                              " границу нормально допустимого значения (" + (high ? "+" : "−") + "5 %)",
                          ts + 600 + rng_.below(3000), false);
                }
                if (tamperDays.count(day)) tamper(dayStart, tamperIndex++);
            }
            intervals(dayStart, outage);
        }
        // The registers at the end, and the last two days of network parameters.
        if (m_.smart) {
            reading(end_, "latest");
            const Date last = dateOf(end_, offset_);
            if (last.d == 1 && (end_ + offset_) % kDay == 0) reading(end_, "billing");
            networkParams();
        }
        flush();
        ++stats_.meters;
        if (m_.smart) ++stats_.smartMeters;
    }

private:
    void flush() {
        if (batch_.empty()) return;
        const IngestResult r = sink_.write(tenant_, batch_);
        stats_.readings += r.readings, stats_.profile += r.profile, stats_.params += r.params, stats_.events += r.events,
            stats_.tamperEvents += r.tamperEvents;
        batch_ = MeterDataBatch{};
    }

    void reading(long long ts, const char* kind) {
        auto add = [&](const char* energy, double t1, double t2) {
            ReadingRow row;
            row.meterId = meterId_, row.ts = ts, row.kind = kind, row.energy = energy, row.source = "demo";
            row.t1 = round3(t1), row.t2 = round3(t2);
            row.total = round3(*row.t1 + *row.t2);
            batch_.readings.push_back(std::move(row));
        };
        add("A+", a1_, a2_);
        if (m_.smart) add("R+", r1_, r2_);
    }

    void event(long long ts, const std::string& code, const std::string& category, const std::string& severity, const std::string& text,
               std::optional<long long> tsEnd, bool tamper) {
        if (ts >= end_) return;
        EventRow e;
        e.meterId = meterId_, e.tsStart = ts, e.code = code, e.category = category, e.severity = severity, e.text = text, e.tsEnd = tsEnd;
        e.tamper = tamper;
        batch_.events.push_back(std::move(e));
    }

    void tamper(long long dayStart, int index) {
        static const struct {
            const char *code, *text;
            int minMinutes, maxMinutes;
        } kinds[] = {{"cover_open", "Вскрытие крышки корпуса (кожуха) прибора учёта", 5, 40},
                     {"terminal_cover_open", "Вскрытие крышки клеммной колодки прибора учёта", 3, 20},
                     {"magnetic_field", "Воздействие на прибор учёта постоянным или переменным магнитным полем", 20, 180}};
        const auto& k = kinds[index % 3];
        const long long ts = dayStart + 10 * 3600 + rng_.below(7 * 3600);
        event(ts, k.code, "tamper", "alarm", k.text, ts + 60LL * (k.minMinutes + rng_.below(k.maxMinutes - k.minMinutes + 1)), true);
    }

    void intervals(long long dayStart, const std::set<int>& outage) {
        const long long dayIndex = floorDiv(dayStart + offset_, kDay);
        const int wd = static_cast<int>(((dayIndex + 3) % 7 + 7) % 7); // 1970-01-01 was a Thursday
        const double winter = std::cos(2 * kPi * (static_cast<double>(dayIndex) - 14.0) / 365.2425);
        for (int i = 0; i < 48; ++i) {
            const long long ts = dayStart + i * kInterval;
            if (ts + kInterval > end_) break;
            const double h = i * 0.5 + 0.25;
            double p = meanPower(m_.load, h, wd, winter) * m_.scale;
            p *= std::max(0.5, 1 + lim_.noise * rng_.gauss());
            if ((m_.load == Load::Flat || m_.load == Load::House) && rng_.uniform() < 0.04) p += rng_.range(0.3, 1.2) * m_.scale; // kettle, oven
            p = std::clamp(p, lim_.minKw, lim_.maxKw);
            const double pf = std::clamp(rng_.range(lim_.pfLow, lim_.pfHigh) + 0.005 * rng_.gauss(), 0.85, 0.98);
            double q = p * std::sqrt(1 - pf * pf) / pf;
            if (outage.count(i)) p = 0, q = 0;
            p = round3(p), q = round3(q);
            const bool day = i >= 14 && i < 46; // T1 07:00–23:00 local
            (day ? a1_ : a2_) += p * 0.5;
            (day ? r1_ : r2_) += q * 0.5;
            if (m_.smart) {
                ProfileRow row;
                row.meterId = meterId_, row.ts = ts, row.intervalMin = 30, row.pPlus = p, row.pMinus = 0.0, row.qPlus = q, row.qMinus = 0.0;
                batch_.profile.push_back(std::move(row));
                if (ts >= end_ - 50 * 3600) recent_[ts] = {p, pf};
            }
        }
    }

    /// Hourly instantaneous values of the last two days, from the profile of the same moments.
    void networkParams() {
        const long long lastHour = floorDiv(end_ - kInterval, 3600) * 3600;
        const bool vt = m_.voltageTransformer.has_value(); // secondary voltage of a 10 kV connection
        for (int k = 47; k >= 0; --k) {
            const long long ts = lastHour - k * 3600LL;
            auto it = recent_.find(ts);
            if (it == recent_.end()) continue;
            const double p = it->second.first, pf0 = it->second.second;
            const double f = round2(50.0 + std::clamp(0.02 * rng_.gauss(), -0.05, 0.05));
            double shares[3] = {1, 0, 0};
            if (m_.phases == 3) {
                shares[0] = 0.34 + 0.03 * rng_.gauss(), shares[1] = 0.33 + 0.03 * rng_.gauss();
                shares[2] = 1 - shares[0] - shares[1];
            }
            double sumP = 0, sumQ = 0;
            static const char* names[] = {"A", "B", "C"};
            for (int ph = 0; ph < m_.phases; ++ph) {
                const double u = vt ? round1(5950 + 60 * rng_.gauss()) : round1(std::clamp(228.0 + 3.0 * rng_.gauss(), 220.0, 235.0));
                const double pf = std::clamp(pf0 + 0.01 * rng_.gauss(), 0.85, 0.98);
                const double pp = round3(p * shares[ph]), qq = round3(pp * std::sqrt(1 - pf * pf) / pf);
                ParamRow row;
                row.meterId = meterId_, row.ts = ts, row.phase = names[ph];
                row.voltage = u, row.current = round2(pp * 1000.0 / (u * pf)), row.p = pp, row.q = qq, row.s = round3(std::hypot(pp, qq));
                row.pf = round3(pf), row.frequency = f, row.angle = 120.0 * ph;
                batch_.params.push_back(std::move(row));
                sumP += pp, sumQ += qq;
            }
            ParamRow sum;
            sum.meterId = meterId_, sum.ts = ts, sum.phase = "S";
            sum.p = round3(sumP), sum.q = round3(sumQ), sum.s = round3(std::hypot(sumP, sumQ));
            sum.pf = sumP > 0 ? round3(sumP / std::hypot(sumP, sumQ)) : 1.0;
            sum.frequency = f;
            batch_.params.push_back(std::move(sum));
        }
    }

    MeterDataSink& sink_;
    std::string tenant_, meterId_;
    const MeterSpec& m_;
    int offset_;
    long long start_, end_;
    Rng rng_;
    DemoStats& stats_;
    Limits lim_;
    double a1_ = 0, a2_ = 0, r1_ = 0, r2_ = 0;
    MeterDataBatch batch_;
    std::map<long long, std::pair<double, double>> recent_; ///< ts → (p, pf) of the last two days
};

} // namespace

void writeSeries(MeterDataSink& sink, const std::string& tenant, const std::string& meterId, const MeterSpec& spec, int offset,
                 long long start, long long end, uint64_t seed, DemoStats& stats) {
    Series(sink, tenant, meterId, spec, offset, start, end, seed, stats).run();
}

} // namespace kabinet::demo
