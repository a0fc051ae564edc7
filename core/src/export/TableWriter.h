#pragma once
/// Tables to files people download: CSV (UTF-8 with a byte-order mark and ';' separators, as spreadsheet
/// programs in Russian locales expect) and XLSX through libxlsxwriter (one worksheet per table, numbers as
/// numbers, a bold header row, frozen).
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace kabinet {

/// A cell: text or a number (empty optional = blank).
using Cell = std::variant<std::string, std::optional<double>>;

struct Table {
    std::string title;                 ///< worksheet name (≤ 31 characters)
    std::vector<std::string> headers;
    std::vector<std::vector<Cell>> rows;
};

/// A number cell from a key of a JSON object (blank when absent or null).
Cell numberCell(const Poco::JSON::Object::Ptr& o, const char* key);

/// Writes the tables as CSV text (tables one after another, separated by an empty line and their title).
std::string toCsv(const std::vector<Table>& tables);
/// Writes an XLSX workbook to `path`; throws std::runtime_error naming the path on failure.
void writeXlsx(const std::string& path, const std::vector<Table>& tables);

} // namespace kabinet
