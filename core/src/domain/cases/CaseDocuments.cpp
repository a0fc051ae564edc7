#include "cases/CaseDocuments.h"

#include "util/Error.h"

namespace kabinet::cases {

int storeUploads(soci::session&, const std::string&, const std::string&, const std::string&, const Kind&,
                 const std::vector<CaseUpload>& uploads, const std::string&, long long, const std::string&) {
    if (!uploads.empty()) throw Unprocessable({{"file", "Приём файлов пока недоступен"}});
    return 0;
}

std::vector<CaseDoc> caseDocuments(soci::session&, const std::string&, const std::string&) { return {}; }

void copyCaseDocument(Database&, const std::string&, const std::string&, std::ostream&) {
    throw NotFound("not_found", "Документ не найден");
}

} // namespace kabinet::cases
