/// Routes of the printable application (docs/API.md, "Cases": printing).
#include "api/CasePrintSpecs.h"
#include "api/Routes.h"
#include "cases/CaseService.h"
#include "http/FileAnswer.h"
#include "print/CasePrint.h"
#include "server/Services.h"

#include <memory>

namespace kabinet {

namespace {

/// The sheet as a PDF download named `fileName`.
Response pdfAnswer(const print::PrintSheet& sheet, const std::string& fileName) {
    auto bytes = std::make_shared<const std::string>(print::renderSheet(sheet));
    return fileAnswer("application/pdf", fileName, static_cast<long long>(bytes->size()),
                      [bytes](std::ostream& out) { out.write(bytes->data(), static_cast<std::streamsize>(bytes->size())); });
}

} // namespace

void registerCasePrintRoutes(Router& r, Services& s) {
    r.add("POST", "/api/v1/case-kinds/{kind}/print", true, Access::User, spec::printForm(), [&s](Request& q) {
        const auto body = q.jsonObject().extract<Poco::JSON::Object::Ptr>();
        return pdfAnswer(s.cases->printForm(*q.tenant, *q.session, q.params["kind"], body), "zayavlenie.pdf");
    });
    r.add("GET", "/api/v1/cases/{id}/print", true, Access::User, spec::printCase(), [&s](Request& q) {
        const auto sheet = s.cases->printCase(*q.tenant, *q.session, q.params["id"]);
        return pdfAnswer(sheet, "zayavlenie_" + sheet.number + ".pdf");
    });
}

} // namespace kabinet
