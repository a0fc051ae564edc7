#include "export/TableWriter.h"

#include <xlsxwriter.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace kabinet {

namespace {
std::string csvField(const std::string& s) {
    if (s.find_first_of(";\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

/// A number rounded to `digits` decimals (no binary noise such as 982347.2830000001).
double rounded(double v, int digits) {
    const double scale = std::pow(10.0, digits);
    return std::round(v * scale) / scale;
}

/// A number for CSV: `digits` decimals and the decimal comma of Russian spreadsheets.
std::string number(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, rounded(v, digits));
    std::string s = buf;
    if (s == "-0" || s.rfind("-0.", 0) == 0) {
        bool zero = true;
        for (char c : s) zero &= c == '-' || c == '0' || c == '.';
        if (zero) s.erase(0, 1);
    }
    for (char& c : s)
        if (c == '.') c = ',';
    return s;
}

std::tm partsOf(const DateCell& d) {
    std::time_t t = static_cast<std::time_t>(d.localTs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}

std::string dateText(const DateCell& d) {
    const std::tm tm = partsOf(d);
    char buf[64];
    if (d.shown == DateCell::Month) std::snprintf(buf, sizeof buf, "%02d.%04d", tm.tm_mon + 1, tm.tm_year + 1900);
    else if (d.shown == DateCell::DayTime)
        std::snprintf(buf, sizeof buf, "%02d.%02d.%04d %02d:%02d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
    else std::snprintf(buf, sizeof buf, "%02d.%02d.%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    return buf;
}

std::string csvCell(const Cell& c, int digits) {
    if (const auto* s = std::get_if<std::string>(&c)) return csvField(*s);
    if (const auto* d = std::get_if<DateCell>(&c)) return dateText(*d);
    const auto& v = std::get<std::optional<double>>(c);
    return v ? number(*v, digits) : std::string();
}
} // namespace

Cell numberCell(const Poco::JSON::Object::Ptr& o, const char* key) {
    if (!o->has(key) || o->get(key).isEmpty()) return std::optional<double>();
    return std::optional<double>(o->getValue<double>(key));
}

std::string toCsv(const std::vector<Table>& tables) {
    std::string out = "\xEF\xBB\xBF";
    bool first = true;
    for (const auto& t : tables) {
        if (!first) out += "\r\n";
        first = false;
        if (tables.size() > 1) out += csvField(t.title) + "\r\n";
        for (const auto& [label, value] : t.info) out += csvField(label) + ";" + csvCell(value, t.digits) + "\r\n";
        if (!t.info.empty()) out += "\r\n";
        for (std::size_t i = 0; i < t.headers.size(); ++i) out += (i ? ";" : "") + csvField(t.headers[i]);
        out += "\r\n";
        for (const auto& row : t.rows) {
            for (std::size_t i = 0; i < row.size(); ++i) out += (i ? ";" : "") + csvCell(row[i], t.digits);
            out += "\r\n";
        }
    }
    return out;
}

void writeXlsx(const std::string& path, const std::vector<Table>& tables) {
    lxw_workbook* wb = workbook_new(path.c_str());
    if (!wb) throw std::runtime_error("cannot create " + path);
    lxw_format* bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format* dateFormats[3];
    const char* patterns[3] = {"dd.mm.yyyy", "dd.mm.yyyy hh:mm", "mm.yyyy"};
    for (int i = 0; i < 3; ++i) {
        dateFormats[i] = workbook_add_format(wb);
        format_set_num_format(dateFormats[i], patterns[i]);
        format_set_align(dateFormats[i], LXW_ALIGN_LEFT);
    }
    lxw_format* decimals[7]; // 0 … 6 decimals
    for (int d = 0; d <= 6; ++d) {
        decimals[d] = workbook_add_format(wb);
        format_set_num_format(decimals[d], d ? ("0." + std::string(static_cast<std::size_t>(d), '0')).c_str() : "0");
    }
    for (const auto& t : tables) {
        // Worksheet names: at most 31 characters (bytes here, kept whole), none of []:*?/\.
        std::string name;
        for (char c : t.title)
            if (std::string("[]:*?/\\").find(c) == std::string::npos) name += c;
        while (name.size() > 31) {
            name.pop_back();
            while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) name.pop_back();
            if (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0xC0) name.pop_back();
        }
        const int digits = t.digits < 0 ? 0 : t.digits > 6 ? 6 : t.digits;
        lxw_worksheet* ws = workbook_add_worksheet(wb, name.empty() ? nullptr : name.c_str());
        auto write = [&](lxw_row_t row, lxw_col_t col, const Cell& cell) {
            if (const auto* s = std::get_if<std::string>(&cell)) worksheet_write_string(ws, row, col, s->c_str(), nullptr);
            else if (const auto* d = std::get_if<DateCell>(&cell)) {
                const std::tm tm = partsOf(*d);
                lxw_datetime dt = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, static_cast<double>(tm.tm_sec)};
                if (d->shown != DateCell::DayTime) dt.hour = dt.min = 0, dt.sec = 0;
                if (d->shown == DateCell::Month) dt.day = 1;
                worksheet_write_datetime(ws, row, col, &dt, dateFormats[d->shown]);
            } else if (const auto& v = std::get<std::optional<double>>(cell))
                worksheet_write_number(ws, row, col, rounded(*v, digits), decimals[digits]);
        };
        lxw_row_t top = 0;
        for (const auto& [label, value] : t.info) {
            worksheet_write_string(ws, top, 0, label.c_str(), bold);
            write(top, 1, value);
            ++top;
        }
        if (!t.info.empty()) ++top; // an empty row between the facts and the table
        for (std::size_t c = 0; c < t.headers.size(); ++c) {
            worksheet_write_string(ws, top, static_cast<lxw_col_t>(c), t.headers[c].c_str(), bold);
            worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), c > 0 ? 16 : t.info.empty() ? 20 : 32, nullptr);
        }
        worksheet_freeze_panes(ws, top + 1, 0);
        for (std::size_t r = 0; r < t.rows.size(); ++r)
            for (std::size_t c = 0; c < t.rows[r].size(); ++c)
                write(static_cast<lxw_row_t>(top + 1 + r), static_cast<lxw_col_t>(c), t.rows[r][c]);
    }
    if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error("cannot write " + path);
}

} // namespace kabinet
