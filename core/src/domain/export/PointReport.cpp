#include "export/PointReport.h"

#include "export/TableWriter.h"
#include "tenants/Tenant.h"
#include "util/Error.h"
#include "util/Files.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>
#include <Poco/TemporaryFile.h>

#include <cctype>
#include <map>

namespace kabinet {

namespace {

using JsonObject = Poco::JSON::Object::Ptr;

struct Energy {
    const char* id;
    const char* label; ///< column title
    const char* name;  ///< as people write it
    const char* unit;
};
const Energy kEnergies[] = {{"A+", "A+, кВт·ч", "A+", "кВт·ч"}, {"A-", "A−, кВт·ч", "A−", "кВт·ч"}, {"R+", "R+, квар·ч", "R+", "квар·ч"},
                            {"R-", "R−, квар·ч", "R−", "квар·ч"}};
const char* kZones[] = {"t1", "t2", "t3", "t4"};

std::string str(const JsonObject& o, const char* key) {
    return o && o->has(key) && o->get(key).isString() ? o->getValue<std::string>(key) : std::string();
}

std::optional<double> num(const JsonObject& o, const char* key) {
    if (!o || !o->has(key) || o->get(key).isEmpty() || !o->get(key).isNumeric()) return std::nullopt;
    return o->getValue<double>(key);
}

/// A meter's type without the model said twice: «ФОБОС 1» + «ФОБОС 1 NB-Fi 5(80) А» → «ФОБОС 1 NB-Fi 5(80) А»,
/// «Энергомера CE308» + «CE308 S31…» → «Энергомера CE308 S31…».
std::string modelText(const std::string& model, const std::string& modification) {
    if (modification.empty()) return model;
    if (model.empty() || modification.rfind(model, 0) == 0) return modification;
    const std::string first = modification.substr(0, modification.find(' '));
    if (model.size() >= first.size() && model.compare(model.size() - first.size(), first.size(), first) == 0)
        return model + modification.substr(first.size());
    return model + " " + modification;
}

/// «2025-03-15» → «15.03.2025».
std::string russianDate(const std::string& iso) {
    return iso.size() == 10 ? iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4) : iso;
}

/// A name safe as a file name: no path or control characters, spaces as '_', at most ~80 bytes (whole UTF-8 characters).
std::string fileSafe(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (out.size() >= 80 && (c & 0xC0) != 0x80) break;
        if (c < 0x20 || c == 0x7F || std::string("/\\:*?\"<>|;").find(static_cast<char>(c)) != std::string::npos || c == ' ') {
            if (!out.empty() && out.back() != '_') out += '_';
        } else out += static_cast<char>(c);
    }
    while (!out.empty() && (out.back() == '_' || out.back() == '.')) out.pop_back();
    return out;
}

/// Only ASCII letters, digits, '-' and '_' of a name, without doubled or trailing dashes («91-ТУ-101» → «91-101»).
std::string asciiSafe(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (!std::isalnum(c) && c != '-' && c != '_') continue;
        if ((c == '-' || c == '_') && (out.empty() || out.back() == '-' || out.back() == '_')) continue;
        out += static_cast<char>(c);
    }
    while (!out.empty() && (out.back() == '-' || out.back() == '_')) out.pop_back();
    return out.substr(0, 60);
}

} // namespace

ReportFile pointReport(MeterService& meters, Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q,
                       const std::string& format) {
    if (format != "csv" && format != "xlsx") throw Unprocessable(std::map<std::string, std::string>{{"format", "Допустимо csv или xlsx"}});
    const int off = t.utcOffset();
    auto info = meters.point(t, s, pointId);
    const JsonObject point = info->has("point") && !info->get("point").isEmpty() ? info->getObject("point") : nullptr;
    const JsonObject meter = info->has("meter") && !info->get("meter").isEmpty() ? info->getObject("meter") : nullptr;
    const int zones = std::max(1, std::min(4, static_cast<int>(num(meter, "tariff_zones").value_or(1))));

    // Consumption and registers of every direction.
    std::map<std::string, JsonObject> consumption, registers;
    for (const auto& e : kEnergies) {
        Query qe = q;
        qe["energy"] = e.id;
        consumption[e.id] = meters.consumption(t, s, pointId, qe);
        registers[e.id] = meters.readings(t, s, pointId, qe);
    }
    const JsonObject& first = consumption["A+"];
    const std::string group = str(first, "group"), from = str(first, "from"), to = str(first, "to");

    std::vector<std::string> headers = {group == "month" ? "Месяц" : group == "week" ? "Неделя с" : "Дата", kEnergies[0].label};
    if (zones > 1)
        for (int z = 0; z < zones; ++z) headers.push_back("A+ Т" + std::to_string(z + 1) + ", кВт·ч");
    for (int i = 1; i < 4; ++i) headers.push_back(kEnergies[i].label);

    // Consumption: one row per period, the directions side by side.
    Table use{"Потребление", headers, {}};
    std::map<std::string, double> totals;
    const auto& periods = *first->getArray("rows");
    for (std::size_t r = 0; r < periods.size(); ++r) {
        const JsonObject row = periods.getObject(static_cast<unsigned>(r));
        const long long start = static_cast<long long>(num(row, "start_ts").value_or(0));
        std::vector<Cell> cells = {DateCell{start + off, group == "month" ? DateCell::Month : DateCell::Day}};
        for (int i = 0; i < 4; ++i) {
            const auto& rows = *consumption[kEnergies[i].id]->getArray("rows");
            const JsonObject same = r < rows.size() ? rows.getObject(static_cast<unsigned>(r)) : nullptr;
            const auto v = num(same, "total");
            if (v) totals[kEnergies[i].id] += *v;
            cells.push_back(v);
            if (i == 0 && zones > 1)
                for (int z = 0; z < zones; ++z) cells.push_back(num(same, kZones[z]));
        }
        use.rows.push_back(std::move(cells));
    }

    // Registers: one row per moment any direction was read.
    headers[0] = "Дата и время";
    headers.push_back("Источник");
    Table regs{"Показания", headers, {}};
    std::map<long long, std::map<std::string, JsonObject>> moments;
    for (const auto& e : kEnergies)
        for (const auto& v : *registers[e.id]->getArray("rows")) {
            const JsonObject o = v.extract<JsonObject>();
            moments[static_cast<long long>(num(o, "ts").value_or(0))][e.id] = o;
        }
    static const std::map<std::string, std::string> sources = {
        {"driver", "прибор учёта"}, {"connector", "поставщик"}, {"consumer", "потребитель"}, {"operator", "оператор"}, {"demo", "демонстрационные данные"}};
    for (const auto& [ts, byEnergy] : moments) {
        std::vector<Cell> cells = {DateCell{ts + off, DateCell::DayTime}};
        std::string source;
        for (int i = 0; i < 4; ++i) {
            auto it = byEnergy.find(kEnergies[i].id);
            const JsonObject o = it == byEnergy.end() ? nullptr : it->second;
            cells.push_back(num(o, "total"));
            if (i == 0 && zones > 1)
                for (int z = 0; z < zones; ++z) cells.push_back(num(o, kZones[z]));
            if (source.empty() && o) source = str(o, "source");
        }
        auto named = sources.find(source);
        cells.push_back(named == sources.end() ? source : named->second);
        regs.rows.push_back(std::move(cells));
    }

    // The facts above each table.
    const std::string name = str(point, "name"), number = str(point, "number");
    const std::string model = modelText(str(meter, "model"), str(meter, "modification"));
    const std::string serial = str(meter, "serial");
    std::vector<std::pair<std::string, Cell>> facts = {
        {"Точка учёта", name.empty() ? "№ " + number : number.empty() ? name : name + " (№ " + number + ")"},
        {"Адрес", str(point, "address")},
        {"Прибор учёта", model + (serial.empty() ? "" : (model.empty() ? "" : ", ") + std::string("зав. № ") + serial)},
        {"Период", "с " + russianDate(from) + " по " + russianDate(to)},
    };
    for (const auto& e : kEnergies) {
        const std::string label = std::string("Энергия ") + e.name + " за период, " + e.unit;
        auto it = totals.find(e.id);
        facts.emplace_back(label, it == totals.end() ? Cell(std::optional<double>()) : Cell(std::optional<double>(it->second)));
    }
    use.info = facts;
    regs.info = facts;

    ReportFile out;
    const std::string who = fileSafe(name.empty() ? number : name);
    out.fileName = "Отчёт_" + (who.empty() ? fileSafe(number) : who) + "_" + from + "_" + to + "." + format;
    const std::string ascii = asciiSafe(number);
    out.asciiFileName = "Otchet_" + (ascii.empty() ? asciiSafe(pointId) : ascii) + "_" + from + "_" + to + "." + format;
    if (format == "csv") {
        out.body = toCsv({use, regs});
        out.contentType = "text/csv; charset=utf-8";
    } else {
        Poco::TemporaryFile tmp;
        writeXlsx(tmp.path(), {use, regs});
        readFile(tmp.path(), out.body);
        out.contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    }
    return out;
}

} // namespace kabinet
