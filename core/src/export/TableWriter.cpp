#include "export/TableWriter.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <stdexcept>

namespace kabinet {

namespace {
std::string csvField(const std::string& s) {
    if (s.find_first_of(";\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    for (char& c : s)
        if (c == '.') c = ','; // the decimal comma of Russian spreadsheets
    return s;
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
        for (std::size_t i = 0; i < t.headers.size(); ++i) out += (i ? ";" : "") + csvField(t.headers[i]);
        out += "\r\n";
        for (const auto& row : t.rows) {
            for (std::size_t i = 0; i < row.size(); ++i) {
                if (i) out += ';';
                if (const auto* s = std::get_if<std::string>(&row[i])) out += csvField(*s);
                else if (const auto& v = std::get<std::optional<double>>(row[i])) out += number(*v);
            }
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
    lxw_format* decimal = workbook_add_format(wb);
    format_set_num_format(decimal, "0.000");
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
        lxw_worksheet* ws = workbook_add_worksheet(wb, name.empty() ? nullptr : name.c_str());
        for (std::size_t c = 0; c < t.headers.size(); ++c) {
            worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), t.headers[c].c_str(), bold);
            worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), 16, nullptr);
        }
        worksheet_freeze_panes(ws, 1, 0);
        for (std::size_t r = 0; r < t.rows.size(); ++r)
            for (std::size_t c = 0; c < t.rows[r].size(); ++c) {
                const auto row = static_cast<lxw_row_t>(r + 1);
                const auto col = static_cast<lxw_col_t>(c);
                if (const auto* s = std::get_if<std::string>(&t.rows[r][c])) worksheet_write_string(ws, row, col, s->c_str(), nullptr);
                else if (const auto& v = std::get<std::optional<double>>(t.rows[r][c])) worksheet_write_number(ws, row, col, *v, decimal);
            }
    }
    if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error("cannot write " + path);
}

} // namespace kabinet
