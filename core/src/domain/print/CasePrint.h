#pragma once
/// The printable application (issue 13, contract §3): a filled form of a kind that declares `print`, or a filed
/// case, laid out on A4 for the applicant to sign — the utility's name, the kind's title and intro, the number
/// and filing date of a filed case, the applicant, every field as «label: value», the signature lines.
#include <string>
#include <utility>
#include <vector>

namespace kabinet::print {

/// What goes on the sheet, as people read it (labels and option labels, never codes or ids).
struct PrintSheet {
    std::string tenantName;  ///< the utility's full name
    std::string title, intro; ///< the kind's `print` declaration
    std::string number;      ///< the case's number as shown; empty for a form not yet filed
    std::string filedOn;     ///< ДД.ММ.ГГГГ of the filing in the tenant's time zone; empty for a form
    std::string applicantName; ///< as the portal names them; empty when the profile holds no name
    std::vector<std::pair<std::string, std::string>> applicant; ///< label, text: the profile data the form prefilled
    std::vector<std::pair<std::string, std::string>> fields;    ///< label, text: every other visible field
    std::vector<std::string> signLines; ///< captions of the lines to sign and date by hand (none: «Подпись», «Дата»)
    bool organisation = false;          ///< adds «М.П.» under the signatures
};

/// The sheet as a PDF (PdfDocument): its bytes.
std::string renderSheet(const PrintSheet& sheet);

} // namespace kabinet::print
