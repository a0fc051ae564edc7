#include "export/ReportService.h"

#include "export/ArchiveService.h"
#include "util/Error.h"
#include "util/Files.h"

namespace kabinet {

ReportFile ReportService::pointReport(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q) {
    auto format = q.find("format");
    return kabinet::pointReport(points_, t, s, pointId, q, format == q.end() ? "csv" : format->second);
}

ReportFile ReportService::archiveFile(Tenant& t, const SessionInfo& s, const std::string& requestId, const std::string& format) {
    auto [path, type, name] = archive_.file(t, s, requestId, format);
    ReportFile out;
    if (!readFile(path, out.body)) throw NotFound("archive_not_ready", "Архив ещё не сформирован");
    out.contentType = type;
    out.fileName = name;
    out.asciiFileName = name;
    return out;
}

} // namespace kabinet
