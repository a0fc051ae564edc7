/// The printable application's sheet of a form or of a filed case (CaseService::printForm / printCase).
#include "cases/CaseService.h"

#include "cases/CaseJson.h"
#include "cases/CaseKinds.h"
#include "cases/CaseStore.h"
#include "cases/CaseSupport.h"
#include "cases/CaseView.h"
#include "print/CasePrint.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "util/Error.h"
#include "util/TimeZones.h"

#include <set>

namespace kabinet {

using namespace cases;

namespace {

/// The kind's `print` declaration, or 404 when it has none.
Obj printOf(const Kind* k) {
    if (k && k->raw && k->raw->has("print") && k->raw->get("print").type() == typeid(Obj)) return k->raw->getObject("print");
    throw NotFound("not_printable", "Этот вид заявки не печатается");
}

/// The sheet of values `values` of kind `k` filed (or to be filed) by `applicant`.
print::PrintSheet sheetOf(Tenant& t, soci::session& se, const Kind& k, const PersonRow& applicant, const Obj& values) {
    const Obj decl = printOf(&k);
    print::PrintSheet sheet;
    sheet.tenantName = t.name();
    sheet.title = decl->optValue<std::string>("title", k.label);
    sheet.intro = decl->optValue<std::string>("intro", "");
    if (decl->has("sign_lines") && decl->get("sign_lines").type() == typeid(Arr))
        for (const auto& v : *decl->getArray("sign_lines"))
            if (v.isString()) sheet.signLines.push_back(v.convert<std::string>());
    sheet.applicantName = nameOf(t, se, applicant.id);
    if (sheet.applicantName == applicant.email) sheet.applicantName.clear(); // no name in the profile: the form's fields say it
    // By the convention of kabinet.identity.display_name: every applicant kind but "individual" is an
    // organisation or a sole proprietor, who may seal the application.
    sheet.organisation = applicant.kind != "individual";
    const Arr form = withOptions(t, k.form);
    std::set<std::string> prefilled;
    for (const auto& fv : *form)
        if (fv.type() == typeid(Obj) && fv.extract<Obj>()->has("prefill")) prefilled.insert(fv.extract<Obj>()->optValue<std::string>("name", ""));
    const Arr shown = fieldValues(form, values); // kept alive for the loop
    for (const auto& fv : *shown) {
        const Obj f = fv.extract<Obj>();
        const std::string name = f->getValue<std::string>("name");
        auto& to = prefilled.count(name) ? sheet.applicant : sheet.fields;
        to.emplace_back(f->getValue<std::string>("label"), f->getValue<std::string>("text"));
    }
    return sheet;
}

} // namespace

print::PrintSheet CaseService::printForm(Tenant& t, const SessionInfo& s, const std::string& kind, const Obj& body) {
    auto m = modelOf(t);
    printOf(m->kind(kind));
    Obj filing = body ? Obj(new Poco::JSON::Object(*body)) : Obj(new Poco::JSON::Object);
    filing->set("kind", kind);
    const Filing f = checkFiling(db_, t, *m, s, filing);
    const Obj values = f.validated->has("values") && f.validated->get("values").type() == typeid(Obj) ? f.validated->getObject("values") : f.fields;
    print::PrintSheet sheet;
    db_.read([&](soci::session& se) { sheet = sheetOf(t, se, *f.kind, f.applicant, values); });
    return sheet;
}

print::PrintSheet CaseService::printCase(Tenant& t, const SessionInfo& s, const std::string& id) {
    auto m = modelOf(t);
    print::PrintSheet sheet;
    db_.read([&](soci::session& se) {
        CaseStore store(se, t.id());
        const CaseRow c = visible(store, s, id);
        const Kind& k = kindOf(*m, c);
        auto applicant = person(se, t.id(), c.applicantId);
        if (!applicant) applicant = PersonRow{c.applicantId, "consumer", "", "", "{}"};
        sheet = sheetOf(t, se, k, *applicant, parseObject(c.fieldsJson));
        sheet.number = c.numberText;
        const std::string day = tz::localDate(c.filedAt, t.utcOffset()); // ГГГГ-ММ-ДД
        sheet.filedOn = day.substr(8, 2) + "." + day.substr(5, 2) + "." + day.substr(0, 4);
    });
    return sheet;
}

} // namespace kabinet
