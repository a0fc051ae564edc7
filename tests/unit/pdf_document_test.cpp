// The PDF writer of the printable applications (domain/print/PdfDocument): A4 pages of real Cyrillic text that
// pdftotext reads back, paragraphs wrapped by word (an overlong word by character), as many pages as the text
// needs, each numbered «Страница N из M».
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TestContext.h"
#include "print/CasePrint.h"
#include "print/PdfDocument.h"

#include <algorithm>
#include <fstream>

using kabinet::print::PdfDocument;
using kabinet::print::TextStyle;

namespace {

/// The text pdftotext reads from the PDF's bytes (pages separated by form feeds).
std::string textOf(const std::string& pdf) {
    static int n = 0;
    const std::string path = kabinet::test::tempDir("pdf-unit") + "/doc" + std::to_string(++n) + ".pdf";
    std::ofstream(path, std::ios::binary) << pdf;
    std::string out;
    REQUIRE(kabinet::test::runProgram({"/usr/bin/pdftotext", "-enc", "UTF-8", path, "-"}, out) == 0);
    return out;
}

std::string withoutBreaks(std::string s) {
    s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\f'; }), s.end());
    return s;
}

} // namespace

TEST_CASE("PdfDocument: Cyrillic text that can be read back, one A4 page", "[print]") {
    PdfDocument doc("Заявка");
    doc.paragraph("Заявка на технологическое присоединение", {.size = 14, .bold = true, .align = TextStyle::Align::Center});
    doc.labelled("Наименование объекта", "Жилой дом");
    const std::string pdf = doc.render();
    REQUIRE(pdf.rfind("%PDF", 0) == 0);
    CHECK(pdf.find("/MediaBox [ 0 0 595.") != std::string::npos);
    CHECK(doc.pages() == 1);
    const std::string text = textOf(pdf);
    CHECK(text.find("Заявка на технологическое присоединение") != std::string::npos);
    CHECK(text.find("Наименование объекта: Жилой дом") != std::string::npos);
    CHECK(text.find("Страница 1 из 1") != std::string::npos);
}

TEST_CASE("PdfDocument: long paragraphs wrap by word and flow onto numbered pages", "[print]") {
    std::string words;
    for (int i = 1; i <= 120; ++i) words += (i > 1 ? " " : "") + std::string("слово") + std::to_string(i);
    const std::string longWord(300, 'x');
    PdfDocument doc("Длинный текст");
    doc.labelled("Описание", words);
    doc.paragraph(longWord);
    for (int i = 1; i <= 60; ++i) doc.paragraph("Абзац номер " + std::to_string(i) + "\nего вторая строка");
    const std::string pdf = doc.render();
    REQUIRE(pdf.rfind("%PDF", 0) == 0);
    REQUIRE(doc.pages() >= 3);
    const std::string text = textOf(pdf);
    // Every word is there in order, the paragraph split into several lines, no line broken inside a word.
    const auto first = text.find("Описание: слово1 ");
    REQUIRE(first != std::string::npos);
    std::size_t at = first, lines = 0;
    for (int i = 1; i <= 120; ++i) {
        const std::string w = "слово" + std::to_string(i);
        const auto p = text.find(w, at);
        REQUIRE(p != std::string::npos);
        const char after = text[p + w.size()];
        CHECK((after == ' ' || after == '\n'));
        lines += std::count(text.begin() + static_cast<long>(at), text.begin() + static_cast<long>(p), '\n');
        at = p + w.size();
    }
    CHECK(lines >= 3);
    // The overlong word is broken by character, all of it kept.
    const auto x = text.find("xxxx");
    REQUIRE(x != std::string::npos);
    CHECK(text.find(longWord) == std::string::npos);
    CHECK(withoutBreaks(text).find(longWord) != std::string::npos);
    // Line breaks of the text are kept; every page numbered.
    CHECK(text.find("Абзац номер 60\nего вторая строка") != std::string::npos);
    const std::string pages = std::to_string(doc.pages());
    for (int p = 1; p <= doc.pages(); ++p) CHECK(text.find("Страница " + std::to_string(p) + " из " + pages) != std::string::npos);
    CHECK(std::count(text.begin(), text.end(), '\f') == doc.pages());
}

TEST_CASE("PdfDocument: control characters and broken UTF-8 do not break the document", "[print]") {
    PdfDocument doc("Проверка");
    doc.labelled("Поле\x01", std::string("значение\x02 \xff\xfe конец"));
    const std::string pdf = doc.render();
    REQUIRE(pdf.rfind("%PDF", 0) == 0);
    const std::string text = textOf(pdf);
    CHECK(text.find("Поле: значение") != std::string::npos);
    CHECK(text.find("конец") != std::string::npos);
}

TEST_CASE("CasePrint: the sheet of an organisation's case, default signature lines and the seal", "[print]") {
    kabinet::print::PrintSheet sheet;
    sheet.tenantName = "Тестовая сетевая организация";
    sheet.title = "Заявка на технологическое присоединение";
    sheet.number = "П-501";
    sheet.filedOn = "06.03.2026";
    sheet.applicantName = "ООО «Ромашка»";
    sheet.applicant = {{"ИНН", "7707083893"}};
    sheet.fields = {{"Описание", "первая строка\nвторая строка"}};
    sheet.organisation = true;
    const std::string text = textOf(kabinet::print::renderSheet(sheet));
    CHECK(text.find("Тестовая сетевая организация") != std::string::npos);
    CHECK(text.find("№ П-501 от 06.03.2026") != std::string::npos);
    CHECK(text.find("Наименование (ФИО): ООО «Ромашка»") != std::string::npos);
    CHECK(text.find("ИНН: 7707083893") != std::string::npos);
    CHECK(text.find("Описание: первая строка\nвторая строка") != std::string::npos);
    CHECK(text.find("Подпись ____") != std::string::npos);
    CHECK(text.find("Дата ____") != std::string::npos);
    CHECK(text.find("М.П.") != std::string::npos);
    sheet.organisation = false;
    CHECK(textOf(kabinet::print::renderSheet(sheet)).find("М.П.") == std::string::npos);
}
