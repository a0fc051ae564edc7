#include "api/ConnectorFileSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;
using namespace shapes;

namespace {

Shape fileResult() {
    return named("ConnectorFile", object({{"id", string()},
                                          {"name", string()},
                                          {"sha256", string()},
                                          {"size", integer()},
                                          {"source", oneOf({"drop_folder", "upload"})},
                                          {"received_at", integer()},
                                          {"day", nullable(string("date"))},
                                          {"state", oneOf({"accepted", "duplicate", "malformed", "partial"})},
                                          {"reason", string()},
                                          {"values_total", integer()},
                                          {"values_accepted", integer()},
                                          {"values_duplicate", integer()},
                                          {"unknown_codes", arrayOf(string())},
                                          {"malformed", arrayOf(object({{"code", string()}, {"reason", string()}}))}}));
}

} // namespace

RouteSpec connectorFilesUpload() {
    return RouteSpec("Imports XML 80020 files into a connector (staff upload)")
        .about("multipart/form-data with one or more parts `file` (XML 80020, windows-1251); each file is read as the "
               "connector's drop folder reads it, and its result is kept and answered")
        .group("connectors")
        .multipart(object({{"file", string("binary")}}))
        .maxBody(kMaxConnectorUpload)
        .answer(200, object({{"items", arrayOf(fileResult())}}), "the files' results in the order sent")
        .errors({404, 413, 415, 422, 503});
}

RouteSpec connectorFiles() {
    return RouteSpec("The results of the files a connector imported, newest first")
        .group("connectors")
        .query("limit", integer(), "1…500, default 100")
        .answer(200, object({{"items", arrayOf(fileResult())}}))
        .errors({404, 422});
}

RouteSpec connectorExport80020() {
    return RouteSpec("The tenant's half-hourly data as XML 80020 files, one a day, in a ZIP")
        .about("the 30-minute profile of every meter the connector links to a measuring-point code; days without "
               "a complete channel are left out")
        .group("connectors")
        .query("from", string("date"), "first day (YYYY-MM-DD)", true)
        .query("to", string("date"), "last day, at most 62 days after `from`", true)
        .file(200, {"application/zip"}, "a ZIP of files named 80020_<sender INN>_<YYYYMMDD>_<number>_<area INN>.xml")
        .errors({404, 422, 502, 503});
}

} // namespace kabinet::spec
