#pragma once
/// The files people download of meter data: the report of a metering point (PointReport) and the built
/// files of their archive requests (ArchiveService).
#include "export/PointReport.h"
#include "identity/SessionInfo.h"

#include <string>

namespace kabinet {

class ArchiveService;
class MeterService;
class Tenant;

class ReportService {
public:
    ReportService(MeterService& points, ArchiveService& archive) : points_(points), archive_(archive) {}

    /// The report of a point the session may see (404 otherwise). Query: format (csv — the default — or
    /// xlsx, else 422), from, to, group.
    ReportFile pointReport(Tenant& t, const SessionInfo& s, const std::string& pointId, const Query& q);
    /// A built file of an archive request of this user in `format` (xlsx or csv); 404 while it is not built.
    ReportFile archiveFile(Tenant& t, const SessionInfo& s, const std::string& requestId, const std::string& format);

private:
    MeterService& points_;
    ArchiveService& archive_;
};

} // namespace kabinet
