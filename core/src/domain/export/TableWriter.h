#pragma once
/// Tables to files people download: CSV (UTF-8 with a byte-order mark and ';' separators, as spreadsheet
/// programs in Russian locales expect) and XLSX through libxlsxwriter (one worksheet per table, numbers as
/// numbers rounded to the table's digits, dates as date cells, an optional block of facts above a bold,
/// frozen header row).
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace kabinet {

/// A moment as the tenant's clock shows it: a date cell (with a date format) in XLSX, «дд.мм.гггг» in CSV.
struct DateCell {
    long long localTs = 0;        ///< Unix seconds shifted by the tenant's UTC offset
    enum Shown { Day, DayTime, Month } shown = Day; ///< «15.03.2025», «15.03.2025 09:30» or «03.2025»
};

/// A cell: text, a number (empty optional = blank) or a date.
using Cell = std::variant<std::string, std::optional<double>, DateCell>;

struct Table {
    std::string title;                 ///< worksheet name (≤ 31 characters)
    std::vector<std::string> headers;
    std::vector<std::vector<Cell>> rows;
    /// Facts shown above the table (label, value): what the table is of — point, meter, period, totals.
    std::vector<std::pair<std::string, Cell>> info = {};
    int digits = 3;                    ///< decimals numbers are rounded to and shown with
};

/// A number cell from a key of a JSON object (blank when absent or null).
Cell numberCell(const Poco::JSON::Object::Ptr& o, const char* key);

/// Writes the tables as CSV text (tables one after another, separated by an empty line and their title;
/// a table's facts as "label;value" lines before its header).
std::string toCsv(const std::vector<Table>& tables);
/// Writes an XLSX workbook to `path`; throws std::runtime_error naming the path on failure.
void writeXlsx(const std::string& path, const std::vector<Table>& tables);

} // namespace kabinet
