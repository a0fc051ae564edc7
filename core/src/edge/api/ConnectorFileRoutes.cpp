/// Routes of connector files (docs/API.md, «Обмен данными: файлы 80020»).
#include "api/ConnectorFileSpecs.h"
#include "api/Routes.h"
#include "connectors/Export80020.h"
#include "connectors/FileImports.h"
#include "http/FileAnswer.h"
#include "http/Multipart.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/URI.h>

#include <ctime>
#include <map>
#include <sstream>

namespace kabinet {

namespace {

using Obj = Poco::JSON::Object::Ptr;

Response json(int status, const Obj& o) {
    std::ostringstream out;
    o->stringify(out);
    Response r = Response::json(status, out.str());
    r.headers.push_back({"Cache-Control", "no-store"});
    return r;
}

std::map<std::string, std::string> query(const Request& q) {
    std::map<std::string, std::string> out;
    if (q.query.size() > 2000) throw BadRequest("query_too_long", "Слишком длинная строка запроса");
    try {
        for (const auto& [k, v] : Poco::URI("/?" + q.query).getQueryParameters()) out[k] = v;
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
    return out;
}

Obj items(const std::vector<FileResult>& results) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& r : results) list->add(FileImports::toJson(r));
    Obj o = new Poco::JSON::Object;
    o->set("items", list);
    return o;
}

} // namespace

void registerConnectorFileRoutes(Router& r, Services& s) {
    r.add("POST", "/api/v1/operator/connectors/{id}/files", true, Access::Operator, spec::connectorFilesUpload(), [&s](Request& q) {
        const MultipartForm form = MultipartForm::parse(q);
        std::vector<UploadedFile> files;
        for (const auto* f : form.filesOf("file")) files.push_back(UploadedFile{f->fileName, f->bytes});
        if (files.empty()) throw Unprocessable({{"file", "Приложите один или несколько файлов XML 80020"}});
        return json(200, items(s.connectorFiles->upload(*q.tenant, q.params["id"], files, q.session->userId,
                                                        static_cast<long long>(std::time(nullptr)))));
    });
    r.add("GET", "/api/v1/operator/connectors/{id}/files", true, Access::Operator, spec::connectorFiles(), [&s](Request& q) {
        const auto params = query(q);
        int limit = 100;
        if (auto it = params.find("limit"); it != params.end()) {
            try {
                std::size_t used = 0;
                limit = std::stoi(it->second, &used);
                if (used != it->second.size() || limit < 1 || limit > 500) throw std::invalid_argument("range");
            } catch (const std::exception&) {
                throw Unprocessable({{"limit", "Укажите число от 1 до 500"}});
            }
        }
        return json(200, items(s.connectorFiles->list(*q.tenant, q.params["id"], limit)));
    });
    r.add("GET", "/api/v1/operator/connectors/{id}/export-80020", true, Access::Operator, spec::connectorExport80020(), [&s](Request& q) {
        const auto params = query(q);
        auto get = [&](const char* k) {
            auto it = params.find(k);
            return it == params.end() ? std::string() : it->second;
        };
        auto result = std::make_shared<Export80020Result>(s.export80020->build(*q.tenant, q.params["id"], get("from"), get("to")));
        return fileAnswer("application/zip", result->name, static_cast<long long>(result->zip.size()),
                          [result](std::ostream& out) { out.write(result->zip.data(), static_cast<std::streamsize>(result->zip.size())); });
    });
}

} // namespace kabinet
