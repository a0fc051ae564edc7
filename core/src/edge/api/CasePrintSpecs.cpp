#include "api/CasePrintSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;
using namespace shapes;

RouteSpec printForm() {
    return RouteSpec("The printable application of a filled form, to sign before filing")
        .about("Kinds that declare `print` only (404 otherwise). The form is checked exactly as filing checks it "
               "(422 naming each field); nothing is stored. An A4 PDF: the utility, the kind's title and intro, the "
               "applicant, every field as «label: value», the signature and date lines.")
        .group("cases")
        .body(object({{"fields?", either({formValues(), mapOf(any())})},
                      {"parent?", described(id(), "the case whose offer the filing will answer")},
                      {"applicant_id?", described(id(), "staff: the consumer the form is for")}}))
        .file(200, {"application/pdf"})
        .errors({404, 422});
}

RouteSpec printCase() {
    return RouteSpec("The printable application of a filed case, with its number and filing date")
        .about("A consumer prints only their own cases, staff any of the tenant (404 otherwise, and for kinds "
               "that declare no `print`).")
        .group("cases")
        .file(200, {"application/pdf"})
        .errors({404});
}

} // namespace kabinet::spec
