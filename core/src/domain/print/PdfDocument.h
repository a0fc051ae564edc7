#pragma once
/// A PDF writer of flowing text on A4 pages (pango over cairo, DejaVu Sans): paragraphs are wrapped by word
/// (a word longer than the line by character) and flow onto as many pages as they need, every page numbered
/// «Страница N из M» at its foot. The text stays real text (fonts embedded with their Unicode map), so
/// Cyrillic can be searched and copied. It knows nothing of what it prints.
#include <string>
#include <vector>

namespace kabinet::print {

/// How a paragraph is set.
struct TextStyle {
    enum class Align { Left, Center, Right };
    double size = 10;      ///< font size, points
    bool bold = false;     ///< the whole paragraph bold
    Align align = Align::Left;
    double indent = 0;     ///< left indent, points
    double before = 0;     ///< space above, points (dropped at the top of a page)
    double after = 4;      ///< space below, points
    bool keepTogether = false; ///< starts a new page rather than being split (for short blocks such as signatures)
};

class PdfDocument {
public:
    /// A4 portrait, margins of 20 mm left, 15 mm right, 20 mm top and bottom; `title` goes into the metadata.
    explicit PdfDocument(std::string title);

    /// Adds a paragraph; `text` may hold line breaks, which are kept. Text that is not UTF-8 is repaired and
    /// control characters other than line breaks and tabs are dropped.
    void paragraph(const std::string& text, const TextStyle& style = {});
    /// Adds «label: value» with the label in bold; the value wraps under the whole width.
    void labelled(const std::string& label, const std::string& value, const TextStyle& style = {});

    /// Lays out and renders everything added; returns the PDF's bytes. Throws std::runtime_error when the
    /// graphics library fails.
    std::string render();
    /// The pages of the last render().
    int pages() const { return pages_; }

    static constexpr double kWidth = 595.276;  ///< A4 width, points
    static constexpr double kHeight = 841.89;  ///< A4 height, points

private:
    struct Block {
        std::string text;
        std::size_t boldBytes = 0; ///< the first bytes set bold (a label)
        TextStyle style;
    };
    std::string title_;
    std::vector<Block> blocks_;
    int pages_ = 0;
};

} // namespace kabinet::print
