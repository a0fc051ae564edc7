#include "polling/ReadingMapper.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

namespace kabinet {

namespace {

const char* energyName(kb_quantity q) {
    switch (q) {
    case KB_Q_ENERGY_AP: return "A+";
    case KB_Q_ENERGY_AM: return "A-";
    case KB_Q_ENERGY_RP: return "R+";
    case KB_Q_ENERGY_RM: return "R-";
    default: return nullptr;
    }
}

std::optional<double> finite(double v) {
    if (std::isnan(v) || std::isinf(v)) return std::nullopt;
    return v;
}

/// Strips what is not a digit or a letter, and leading zeros.
std::string serialKey(const std::string& s) {
    std::string out;
    for (char c : s)
        if (std::isalnum(static_cast<unsigned char>(c))) out += c;
    const auto nz = out.find_first_not_of('0');
    return nz == std::string::npos ? std::string() : out.substr(nz);
}

} // namespace

EventText eventText(kb_event_class c) {
    switch (c) {
    case KB_EV_POWER_OFF: return {"power_off", "power", "warning", "Отключение питания", false};
    case KB_EV_POWER_ON: return {"power_on", "power", "info", "Включение питания", false};
    case KB_EV_PHASE_OFF: return {"phase_off", "voltage", "warning", "Пропадание напряжения фазы", false};
    case KB_EV_PHASE_ON: return {"phase_on", "voltage", "info", "Восстановление напряжения фазы", false};
    case KB_EV_COVER_OPEN: return {"cover_open", "tamper", "alarm", "Вскрытие крышки корпуса", true};
    case KB_EV_COVER_CLOSE: return {"cover_close", "tamper", "info", "Закрытие крышки корпуса", false};
    case KB_EV_TERMINAL_COVER_OPEN: return {"terminal_cover_open", "tamper", "alarm", "Вскрытие крышки клеммной колодки", true};
    case KB_EV_TERMINAL_COVER_CLOSE: return {"terminal_cover_close", "tamper", "info", "Закрытие крышки клеммной колодки", false};
    case KB_EV_MAGNETIC_FIELD: return {"magnet", "tamper", "alarm", "Воздействие сверхнормативного магнитного поля", true};
    case KB_EV_FIRMWARE_INTEGRITY: return {"firmware_integrity", "firmware", "alarm", "Нарушение целостности встроенного ПО", true};
    case KB_EV_CLOCK_SET: return {"clock_set", "clock", "info", "Коррекция часов", false};
    case KB_EV_VOLTAGE_HIGH: return {"voltage_high", "voltage", "warning", "Превышение напряжения", false};
    case KB_EV_VOLTAGE_LOW: return {"voltage_low", "voltage", "warning", "Снижение напряжения", false};
    case KB_EV_VOLTAGE_NORMAL: return {"voltage_normal", "voltage", "info", "Напряжение в норме", false};
    case KB_EV_ACCESS: return {"access_denied", "access", "warning", "Попытка несанкционированного доступа", false};
    default: return {"other", "other", "info", "Событие журнала прибора учёта", false};
    }
}

void appendDriverRows(const DriverReading& r, const std::string& meterId, unsigned items, long long from, long long to, long long now,
                      MeterDataBatch& batch) {
    // Energy registers: one row per direction (and per snapshot moment for billing).
    const bool billing = items == KB_READ_BILLING;
    std::map<std::pair<std::string, long long>, ReadingRow> rows;
    for (const auto& v : r.values) {
        const char* e = energyName(v.quantity);
        if (!e) continue;
        const long long ts = billing ? v.ts : now;
        auto& row = rows[{e, ts}];
        row.meterId = meterId;
        row.ts = ts;
        row.kind = billing ? "billing" : "latest";
        row.energy = e;
        row.source = "driver";
        auto val = finite(v.value);
        switch (v.tariff) {
        case 0: row.total = val; break;
        case 1: row.t1 = val; break;
        case 2: row.t2 = val; break;
        case 3: row.t3 = val; break;
        case 4: row.t4 = val; break;
        default: break;
        }
    }
    for (auto& [k, row] : rows)
        if (row.total) batch.readings.push_back(std::move(row));
    // Instantaneous values: one row per phase.
    std::map<unsigned, ParamRow> params;
    for (const auto& v : r.values) {
        if (energyName(v.quantity)) continue;
        auto& p = params[v.phase];
        p.meterId = meterId;
        p.ts = now;
        p.phase = v.phase == 1 ? "A" : v.phase == 2 ? "B" : v.phase == 3 ? "C" : "S";
        auto val = finite(v.value);
        switch (v.quantity) {
        case KB_Q_VOLTAGE: p.voltage = val; break;
        case KB_Q_CURRENT: p.current = val; break;
        case KB_Q_POWER_P: p.p = val; break;
        case KB_Q_POWER_Q: p.q = val; break;
        case KB_Q_POWER_S: p.s = val; break;
        case KB_Q_POWER_FACTOR: p.pf = val; break;
        case KB_Q_FREQUENCY: p.frequency = val; break;
        case KB_Q_ANGLE: p.angle = val; break;
        default: break;
        }
    }
    for (auto& [k, p] : params) batch.params.push_back(std::move(p));
    for (const auto& i : r.intervals) {
        if (i.lengthS == 0 || i.start < from || i.start >= to) continue;
        ProfileRow p;
        p.meterId = meterId;
        p.ts = i.start;
        p.intervalMin = static_cast<int>(i.lengthS / 60);
        const double perHour = 3600.0 / double(i.lengthS);
        if (auto v = finite(i.ap)) p.pPlus = *v * perHour;
        if (auto v = finite(i.am)) p.pMinus = *v * perHour;
        if (auto v = finite(i.rp)) p.qPlus = *v * perHour;
        if (auto v = finite(i.rm)) p.qMinus = *v * perHour;
        batch.profile.push_back(std::move(p));
    }
    for (const auto& e : r.events) {
        const EventText t = eventText(e.eventClass);
        EventRow row;
        row.meterId = meterId;
        row.tsStart = e.ts;
        row.code = t.code;
        if (e.eventClass == KB_EV_OTHER) row.code += ":" + e.journal + ":" + std::to_string(e.code);
        if (e.phase >= 1 && e.phase <= 3) row.code += std::string("_") + "abc"[e.phase - 1];
        row.category = t.category;
        row.severity = t.severity;
        row.text = t.text;
        if (e.phase >= 1 && e.phase <= 3) row.text += std::string(" ") + (e.phase == 1 ? "A" : e.phase == 2 ? "B" : "C");
        row.tamper = t.tamper;
        batch.events.push_back(std::move(row));
    }
}

const DriverReading::Interval* unstorableInterval(const DriverReading& r) {
    const auto odd = std::find_if(r.intervals.begin(), r.intervals.end(), [](const DriverReading::Interval& i) {
        return i.lengthS % 60 != 0 || !storableProfilePeriod(static_cast<int>(i.lengthS / 60));
    });
    return odd == r.intervals.end() ? nullptr : &*odd;
}

bool sameSerial(const std::string& a, const std::string& b) { return serialKey(a) == serialKey(b); }

} // namespace kabinet
