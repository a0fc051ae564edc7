#include "print/CasePrint.h"

#include "print/PdfDocument.h"

namespace kabinet::print {

std::string renderSheet(const PrintSheet& s) {
    PdfDocument doc(s.title);
    using Align = TextStyle::Align;
    doc.paragraph(s.tenantName, {.size = 9, .align = Align::Right, .after = 18});
    doc.paragraph(s.title, {.size = 14, .bold = true, .align = Align::Center, .after = 6});
    if (!s.number.empty())
        doc.paragraph("№ " + s.number + (s.filedOn.empty() ? std::string() : " от " + s.filedOn),
                      {.size = 11, .align = Align::Center, .after = 8});
    if (!s.intro.empty()) doc.paragraph(s.intro, {.size = 10, .before = 6, .after = 10});

    doc.paragraph("Заявитель", {.size = 11, .bold = true, .before = 8, .after = 4});
    if (!s.applicantName.empty()) doc.labelled("Наименование (ФИО)", s.applicantName);
    for (const auto& [label, text] : s.applicant) doc.labelled(label, text);
    if (!s.fields.empty()) {
        doc.paragraph("Сведения заявки", {.size = 11, .bold = true, .before = 10, .after = 4});
        for (const auto& [label, text] : s.fields) doc.labelled(label, text);
    }

    // One line to fill in by hand per caption, kept on one page.
    const std::vector<std::string> captions = s.signLines.empty() ? std::vector<std::string>{"Подпись", "Дата"} : s.signLines;
    std::string lines;
    for (const auto& caption : captions) lines += (lines.empty() ? "" : "\n\n") + caption + " ________________________________";
    doc.paragraph(lines, {.size = 10, .before = 24, .after = 4, .keepTogether = true});
    if (s.organisation) doc.paragraph("М.П.", {.size = 10, .before = 8});
    return doc.render();
}

} // namespace kabinet::print
