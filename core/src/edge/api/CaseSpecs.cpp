#include "api/CaseSpecs.h"

#include "api/CommonShapes.h"

namespace kabinet::spec {

using namespace shape;
using namespace shapes;

namespace {

Shape field() { return named("CaseFormField", open(object({{"name", string()}, {"label", string()}, {"type", string()}}))); }

Shape docType() {
    return named("CaseDocumentType", open(object({{"id", string()},
                                                  {"label", string()},
                                                  {"required", boolean()},
                                                  {"max_bytes", integer()},
                                                  {"types", arrayOf(string())},
                                                  {"max_count", integer()},
                                                  {"by", oneOf({"consumer", "operator"})}})));
}

Shape state() {
    return named("CaseState", object({{"id", string()},
                                      {"label", string()},
                                      {"final", boolean()},
                                      {"tone", oneOf({"new", "work", "wait", "done", "rejected"})}}));
}

Shape person() { return named("CasePerson", object({{"id", id()}, {"name", string()}})); }
Shape actor() { return named("CaseActor", object({{"role", oneOf({"consumer", "operator", "timer", "system"})}, {"name", string()}})); }

Shape document() {
    return named("CaseDocument", object({{"id", id()},
                                         {"type", string()},
                                         {"type_label", string()},
                                         {"name", string()},
                                         {"size", integer()},
                                         {"content_type", string()},
                                         {"at", unixTime()},
                                         {"by", actor()}}));
}

Shape message() {
    return named("CaseMessage", object({{"id", id()}, {"at", unixTime()}, {"author", actor()}, {"text", string()}, {"documents", arrayOf(document())}}));
}

Shape labelled() { return object({{"id", string()}, {"label", string()}}); }

Shape row() {
    return named("CaseRow", object({{"id", id()},
                                    {"number", integer()},
                                    {"number_text", described(string(), "the number as people read it, with the kind's prefix")},
                                    {"kind", labelled()},
                                    {"group", string()},
                                    {"filed_at", unixTime()},
                                    {"state", state()},
                                    {"summary", string()},
                                    {"due_at", nullable(unixTime())},
                                    {"overdue", boolean()},
                                    {"columns", described(arrayOf(object({{"name", string()}, {"label", string()}, {"text", string()}})),
                                                          "the kind's list_fields: form or kept values as shown (text \"\" when none)")},
                                    {"applicant?", person()},
                                    {"assignee?", nullable(person())},
                                    {"channel?", string()}}));
}

Shape view() {
    const Shape entry = object({{"seq", integer()},
                                {"at", unixTime()},
                                {"actor", actor()},
                                {"action", labelled()},
                                {"from", nullable(labelled())},
                                {"to", labelled()},
                                {"comment", string()},
                                {"fields", arrayOf(object({{"label", string()}, {"text", string()}}))},
                                {"documents", arrayOf(document())}});
    const Shape action = object({{"id", string()},
                                 {"label", string()},
                                 {"fields", arrayOf(field())},
                                 {"comment", oneOf({"none", "optional", "required"})},
                                 {"documents", described(arrayOf(string()), "document types that must come with it")},
                                 {"attach", described(arrayOf(string()), "document types that may come with it")},
                                 {"confirm", string()}});
    return named("Case", object({{"id", id()},
                                 {"number", integer()},
                                 {"number_text", string()},
                                 {"kind", object({{"id", string()}, {"label", string()}, {"group", string()}})},
                                 {"state", state()},
                                 {"filed_at", unixTime()},
                                 {"closed_at", nullable(unixTime())},
                                 {"channel", oneOf({"portal", "phone", "in_person", "post", "email", "other"})},
                                 {"summary", string()},
                                 {"fields", arrayOf(object({{"name", string()}, {"label", string()}, {"value", any()}, {"text", string()}}))},
                                 {"applicant", object({{"id", id()}, {"name", string()}, {"kind", string()}})},
                                 {"assignee", nullable(person())},
                                 {"stages", described(arrayOf(object({{"id", string()}, {"label", string()}, {"reached_at", nullable(unixTime())}, {"current", boolean()}})),
                                                      "the kind's disclosure stages: when the case first entered one of each stage's states")},
                                 {"deadlines", arrayOf(object({{"id", string()}, {"label", string()}, {"due_at", unixTime()}, {"overdue", boolean()}, {"running", described(boolean(), "counts now: the case is open and in one of its running states")}}))},
                                 {"overdue", boolean()},
                                 {"due_at", nullable(unixTime())},
                                 {"history", arrayOf(entry)},
                                 {"documents", arrayOf(document())},
                                 {"messages", arrayOf(message())},
                                 {"actions", described(arrayOf(action), "what the caller may do now")},
                                 {"uploads", object({{"allowed", boolean()}, {"types", arrayOf(docType())}})},
                                 {"offer", nullable(object({{"kind", string()}, {"label", string()}}))}}));
}

Shape list(bool staff) {
    std::vector<Member> m{{"cases", arrayOf(row())}, {"total", integer()}};
    if (staff) m.push_back({"page", integer()});
    return object(m);
}

/// Uploads: a request of several files (each type's limit is at most 25 MiB) is read whole up to this size.
constexpr long long kMaxUpload = 64LL << 20;

Shape parts(std::initializer_list<Member> members) {
    return described(open(object(members)), "and one file part per document, named `doc.<type id>` (several files of a type up to its max_count)");
}

const char* kMultipart = "JSON, or multipart/form-data with a part `fields` (JSON text) and one file part per document named "
                         "`doc.<type id>`";

} // namespace

RouteSpec caseKinds() {
    const Shape group = named("CaseGroup", open(object({{"id", string()}, {"label", string()}})));
    const Shape kind = object({{"id", string()},
                               {"label", string()},
                               {"group", string()},
                               {"form", arrayOf(field())},
                               {"documents", arrayOf(docType())},
                               {"text_max?", integer()}});
    return RouteSpec("The kinds of cases the caller may file, with their forms (profile values prefilled)")
        .group("cases")
        .query("offer", string(), "a case whose open offer adds the offered kind (a survey)")
        .answer(200, object({{"groups", arrayOf(group)}, {"kinds", arrayOf(kind)}}));
}

RouteSpec fileCase() {
    return RouteSpec("Files a case: the next number of its register")
        .about(kMultipart)
        .group("cases")
        .body(object({{"kind", string()},
                      {"fields?", either({formValues(), mapOf(any()), string()})},
                      {"parent?", described(id(), "the case whose offer this filing answers")},
                      {"applicant_id?", described(id(), "staff: the consumer filed for")},
                      {"channel?", oneOf({"portal", "phone", "in_person", "post", "email", "other"})}}))
        .multipart(parts({{"kind", string()}, {"fields?", described(string(), "the form's values as JSON text")}, {"parent?", string()},
                          {"applicant_id?", string()}, {"channel?", string()}}))
        .maxBody(kMaxUpload)
        .answer(201, object({{"id", id()}, {"number", integer()}, {"number_text", string()}, {"state", object({{"id", string()}, {"label", string()}, {"final", boolean()}, {"tone", string()}})}, {"message", string()}}))
        .errors({413, 422});
}

RouteSpec cases() {
    return RouteSpec("The caller's own cases, newest first")
        .group("cases")
        .query("kind", string())
        .query("group", string(), "a group; also the groups listed with it")
        .query("q", string(), "text in the summary, the values or the number")
        .query("state", string())
        .query("open", oneOf({"1", "0"}), "1: open cases only, 0: closed ones only")
        .query("number", string())
        .query("from", string("date"), "filed on or after (the tenant's time zone)")
        .query("to", string("date"), "filed on or before")
        .answer(200, list(false))
        .errors({422});
}

RouteSpec caseView() {
    return RouteSpec("A case with its history, documents, messages and the actions the caller may take now")
        .group("cases")
        .answer(200, view())
        .errors({404});
}

RouteSpec caseAction() {
    return RouteSpec("Takes an action of the case's workflow")
        .about("JSON {fields?, comment?} or multipart/form-data with `fields`, `comment` and `doc.<type>` parts")
        .group("cases")
        .body(object({{"fields?", either({mapOf(any()), string()})}, {"comment?", string()}}))
        .multipart(parts({{"fields?", string()}, {"comment?", string()}}))
        .maxBody(kMaxUpload)
        .answer(200, view())
        .errors({403, 404, 409, 422});
}

RouteSpec caseDocument() {
    return RouteSpec("Adds a document to a case")
        .about("multipart/form-data with parts `type` (a document type id) and `file`")
        .group("cases")
        .multipart(object({{"type", string()}, {"file", string("binary")}}))
        .maxBody(kMaxUpload)
        .answer(201, object({{"document", document()}}))
        .errors({404, 409, 413, 415, 422});
}

RouteSpec caseFile() {
    return RouteSpec("A document of a case: the file")
        .group("cases")
        .file(200, {"application/pdf", "image/jpeg", "image/png", "image/gif", "application/msword", "application/vnd.ms-excel",
                    "application/x-ole-storage", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/vnd.oasis.opendocument.text",
                    "application/vnd.oasis.opendocument.spreadsheet", "application/zip", "text/plain", "application/octet-stream"},
              "the stored file with the content type sniffed when it was stored")
        .errors({404});
}

RouteSpec caseMessage() {
    return RouteSpec("Writes a message about a case (to the other side)")
        .about("JSON {text} or multipart/form-data with `text` and `file`")
        .group("cases")
        .body(object({{"text", string()}}))
        .multipart(object({{"text", string()}, {"file?", string("binary")}}))
        .maxBody(kMaxUpload)
        .answer(201, object({{"message", message()}}))
        .errors({404, 413, 422});
}

RouteSpec operatorCases() {
    return RouteSpec("The tenant's cases for operators, newest first, 50 a page")
        .group("cases")
        .query("kind", string())
        .query("group", string())
        .query("state", string())
        .query("open", oneOf({"1", "0"}), "1: open cases only, 0: closed ones only")
        .query("overdue", oneOf({"1", "0", "true", "false"}))
        .query("assignee", string(), "a staff user id, `me` or `none`")
        .query("q", string(), "text in the summary, the values or the number, or the applicant's name, e-mail or login")
        .query("number", string())
        .query("from", string("date"), "filed on or after (the tenant's time zone)")
        .query("to", string("date"), "filed on or before")
        .query("due_to", string("date"), "open cases due on or before this day")
        .query("page", integer())
        .answer(200, list(true))
        .errors({422});
}

RouteSpec assignCase() {
    return RouteSpec("Sets the staff member in charge of a case")
        .group("cases")
        .body(object({{"assignee", nullable(id())}}))
        .answer(200, view())
        .errors({404, 422});
}

} // namespace kabinet::spec
