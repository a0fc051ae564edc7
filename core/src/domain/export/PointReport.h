#pragma once
/// The report of one metering point for a period (СИГМА «Отчёты», GET points/{id}/report): a block of facts —
/// point, meter, period, energy of each direction over the period — then consumption by day, week or month and
/// the cumulative registers, each with the columns A+, A−, R+, R− (and A+ per tariff zone on a multi-zone
/// meter). Dates are date cells in XLSX, values rounded to the registers' three decimals.
#include "identity/SessionInfo.h"
#include "meters/MeterService.h"

#include <string>

namespace kabinet {

class Tenant;

/// A report as a download.
struct ReportFile {
    std::string body;
    std::string contentType;
    std::string fileName;      ///< «Отчёт_<point name or number>_<from>_<to>.xlsx» (UTF-8, no path characters)
    std::string asciiFileName; ///< the same in ASCII for old clients: «Otchet_<point number>_<from>_<to>.xlsx»
};

/// Builds the report of a point the session may see (404 otherwise); `format` is "csv" or "xlsx" (else 422).
/// Query: from, to (dates, default the last 31 days), group (day, week, month).
ReportFile pointReport(MeterService& meters, Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q,
                       const std::string& format);

} // namespace kabinet
