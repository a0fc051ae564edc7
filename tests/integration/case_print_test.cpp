// The printable application (issue 13, contract §3), ВОЭК's way (seed 002 «Новая заявка»): the filled form of a
// kind that declares `print` comes back as an A4 PDF to sign, checked exactly as filing checks it (422 naming the
// field, nothing stored); a filed case prints with its number and filing date, for its applicant and staff only.
// The PDF's text is read back with pdftotext: Cyrillic title, labels, option labels (never codes), values.
#include "cases_world.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace cases_test;

namespace {

/// The text of a PDF as pdftotext reads it, runs of white space made one space (a long title wraps). With
/// KABINET_ARTIFACTS set, the PDF is kept there too (print-<n>.pdf), to look at.
std::string pdfText(const std::string& pdf) {
    static int n = 0;
    const std::string path = test::tempDir("print") + "/sheet" + std::to_string(++n) + ".pdf";
    std::ofstream(path, std::ios::binary) << pdf;
    if (const char* keep = std::getenv("KABINET_ARTIFACTS")) {
        std::filesystem::create_directories(keep);
        std::ofstream(std::string(keep) + "/print-" + std::to_string(n) + ".pdf", std::ios::binary) << pdf;
    }
    std::string raw;
    REQUIRE(test::runProgram({"/usr/bin/pdftotext", "-enc", "UTF-8", path, "-"}, raw) == 0);
    std::string out;
    for (char c : raw) {
        const bool space = c == ' ' || c == '\n' || c == '\f' || c == '\t';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out += space ? ' ' : c;
    }
    return out;
}

/// The fields of ВОЭК's application of an individual (tc_person), valid except for what `change` replaces.
std::string fieldsJson(const std::string& from = "", const std::string& to = "", const std::string& name = "Башкатов Андрей Владимирович") {
    std::string f = R"({"full_name":")" + name + R"(","passport":"2011 405454","postal_address":"394056, Воронеж, Звёздная ул., д. 40",)"
                    R"("application_type":"new","service_kind":"individual_15","contract_kind":"supply","supplier":"ТНС энерго Воронеж",)"
                    R"("object_type":"house","object_name":"Жилой дом на Звёздной","address":"Воронеж, ул. Звёздная, д. 40",)"
                    R"("power_requested":"10","power_previous":"5","power_total":"15","voltage":"0.4","reliability":"3"})";
    if (!from.empty()) f.replace(f.find(from), from.size(), to);
    return f;
}

/// The body of POST case-kinds/{kind}/print.
std::string form(const std::string& from = "", const std::string& to = "") { return R"({"fields":)" + fieldsJson(from, to) + "}"; }

long long casesOf(World& w, const std::string& userId) {
    return w.scalar("SELECT COUNT(*) FROM cases WHERE tenant_id = 'voek' AND applicant_id = '" + userId + "'");
}

std::string today() {
    const long long t = static_cast<long long>(std::time(nullptr)) + 3 * 3600; // Europe/Moscow
    char buf[16];
    std::tm tm{};
    const std::time_t tt = static_cast<std::time_t>(t);
    gmtime_r(&tt, &tm);
    std::strftime(buf, sizeof buf, "%d.%m.%Y", &tm);
    return buf;
}

} // namespace

TEST_CASE("Print: a filled form of ВОЭК's application comes back as a PDF to sign, nothing stored", "[print]") {
    auto& w = world();
    auto c = consumer(w, "voek", "Башкатов Андрей Владимирович");
    auto r = c.call("POST", "case-kinds/tc_person/print", form());
    INFO(r.body.substr(0, 400));
    REQUIRE(r.status == 200);
    CHECK(r.headers["Content-Type"] == "application/pdf");
    CHECK_THAT(r.headers["Content-Disposition"], Catch::StartsWith("attachment;"));
    REQUIRE(r.body.rfind("%PDF", 0) == 0);
    const std::string text = pdfText(r.body);
    INFO(text);
    CHECK(text.find("АО «ВОЭК»") != std::string::npos);
    CHECK(text.find("Заявка на технологическое присоединение энергопринимающих устройств к электрическим сетям АО «ВОЭК»") !=
          std::string::npos);
    CHECK(text.find("Прошу осуществить технологическое присоединение") != std::string::npos);
    // The applicant: the name and the profile data the form prefilled.
    CHECK(text.find("ФИО заявителя: Башкатов Андрей Владимирович") != std::string::npos);
    CHECK(text.find("Серия и номер паспорта: 2011 405454") != std::string::npos);
    CHECK(text.find("Телефон: +7") != std::string::npos);
    // Every field as «label: value», choices by their labels, never their codes.
    CHECK(text.find("Тип заявки: Новая заявка на ТП") != std::string::npos);
    CHECK(text.find("Тип объекта: Индивидуальный жилой дом") != std::string::npos);
    CHECK(text.find("Класс напряжения присоединения: 0,4 кВ") != std::string::npos);
    CHECK(text.find("Категория надёжности: III категория") != std::string::npos);
    CHECK(text.find("Наименование энергопринимающих устройств (объекта): Жилой дом на Звёздной") != std::string::npos);
    CHECK(text.find("Общая максимальная мощность, кВт: 15") != std::string::npos);
    CHECK(text.find("individual_15") == std::string::npos);
    CHECK(text.find(": house") == std::string::npos);
    // A field hidden by visible_if (the term of a temporary connection) is not printed.
    CHECK(text.find("Срок электроснабжения ЭПУ по временной схеме") == std::string::npos);
    // The signature and date lines; an individual seals nothing; a form not filed has no number.
    CHECK(text.find("Заявитель (подпись, расшифровка подписи) ____") != std::string::npos);
    CHECK(text.find("Дата ____") != std::string::npos);
    CHECK(text.find("М.П.") == std::string::npos);
    CHECK(text.find(" от " + today()) == std::string::npos);
    CHECK(text.find("Страница 1 из 1") != std::string::npos);
    CHECK(casesOf(w, c.userId) == 0);
}

TEST_CASE("Print: an invalid form is refused as filing refuses it, naming the field", "[print]") {
    auto& w = world();
    auto c = consumer(w, "voek");
    // 1001 characters where the form allows 500.
    std::string addr;
    for (int i = 0; i < 1001; ++i) addr += "д";
    const std::string from = R"("address":"Воронеж, ул. Звёздная, д. 40")", to = R"("address":")" + addr + "\"";
    auto printed = c.call("POST", "case-kinds/tc_person/print", form(from, to));
    INFO(printed.body);
    REQUIRE(printed.status == 422);
    auto filed = c.form("cases", {{"kind", "tc_person"}, {"fields", fieldsJson(from, to)}},
                        {Part{"doc.signed_application", "signed.pdf", pdf(), "application/pdf"}});
    REQUIRE(filed.status == 422);
    const Obj e1 = obj(printed.body), e2 = obj(filed.body);
    REQUIRE(e1->getObject("fields")->has("address"));
    CHECK(e1->getObject("fields")->getValue<std::string>("address") == e2->getObject("fields")->getValue<std::string>("address"));
    // The power limit of the kind's validate hook, as filing words it.
    auto power = c.call("POST", "case-kinds/tc_person/print", form(R"("power_requested":"10","power_previous":"5","power_total":"15")",
                                                                   R"("power_requested":"50","power_previous":"5","power_total":"55")"));
    INFO(power.body);
    REQUIRE(power.status == 422);
    CHECK_THAT(obj(power.body)->getObject("fields")->getValue<std::string>("power_requested"), Catch::Contains("не более 15 кВт"));
    // An unknown kind and a kind that declares no `print`: 404.
    CHECK(c.call("POST", "case-kinds/no_such_kind/print", form()).status == 404);
    CHECK(c.call("POST", "case-kinds/feedback/print", R"({"fields":{}})").status == 404);
    CHECK(casesOf(w, c.userId) == 0);
}

TEST_CASE("Print: a filed case prints with its number and date, for its applicant and staff only", "[print]") {
    auto& w = world();
    auto c = consumer(w, "voek", "Петров Пётр Петрович");
    auto filed = c.form("cases", {{"kind", "tc_person"}, {"fields", fieldsJson("", "", "Петров Пётр Петрович")}},
                        {Part{"doc.signed_application", "signed.pdf", pdf(), "application/pdf"},
                         Part{"doc.id_copy", "passport.pdf", pdf(), "application/pdf"},
                         Part{"doc.site_plan", "plan.pdf", pdf(), "application/pdf"},
                         Part{"doc.title_document", "title.pdf", pdf(), "application/pdf"}});
    INFO(filed.body);
    REQUIRE(filed.status == 201);
    const Obj f = obj(filed.body);
    const std::string id = f->getValue<std::string>("id"), number = f->getValue<std::string>("number_text");

    auto r = c.call("GET", "cases/" + id + "/print");
    REQUIRE(r.status == 200);
    CHECK(r.headers["Content-Type"] == "application/pdf");
    REQUIRE(r.body.rfind("%PDF", 0) == 0);
    const std::string text = pdfText(r.body);
    INFO(text);
    CHECK(text.find("№ " + number + " от " + today()) != std::string::npos);
    CHECK(text.find("ФИО заявителя: Петров Пётр Петрович") != std::string::npos);
    CHECK(text.find("Тип объекта: Индивидуальный жилой дом") != std::string::npos);
    CHECK(text.find("Адрес (местонахождение) энергопринимающих устройств: Воронеж, ул. Звёздная, д. 40") != std::string::npos);

    auto other = consumer(w, "voek");
    CHECK(other.call("GET", "cases/" + id + "/print").status == 404);
    CHECK(other.call("GET", "cases/no-such-case/print").status == 404);
    auto op = operatorOf(w, "voek");
    auto staff = op.call("GET", "cases/" + id + "/print");
    REQUIRE(staff.status == 200);
    CHECK(pdfText(staff.body).find("№ " + number) != std::string::npos);
}
