#include "print/PdfDocument.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include <memory>
#include <stdexcept>

namespace kabinet::print {

namespace {

constexpr double kMm = 72.0 / 25.4;
constexpr double kLeft = 20 * kMm, kRight = 15 * kMm, kTop = 20 * kMm, kBottom = 20 * kMm;
constexpr const char* kFont = "DejaVu Sans";
constexpr double kFooterSize = 8;

/// Valid UTF-8 without control characters other than line breaks and tabs (CR dropped).
std::string clean(const std::string& in) {
    gchar* valid = g_utf8_make_valid(in.data(), static_cast<gssize>(in.size()));
    const std::string s(valid);
    g_free(valid);
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f) continue;
        out += c;
    }
    return out;
}

cairo_status_t append(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

struct SurfaceFree {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoFree {
    void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct ObjectFree {
    void operator()(void* o) const { g_object_unref(o); }
};
using Layout = std::unique_ptr<PangoLayout, ObjectFree>;

/// A layout of `text` at `size` points, `width` points wide.
Layout layoutOf(PangoContext* ctx, const std::string& text, double size, bool bold, std::size_t boldBytes, double width,
                TextStyle::Align align) {
    Layout l(pango_layout_new(ctx));
    PangoFontDescription* fd = pango_font_description_from_string(kFont);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l.get(), fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l.get(), align == TextStyle::Align::Center  ? PANGO_ALIGN_CENTER
                                        : align == TextStyle::Align::Right ? PANGO_ALIGN_RIGHT
                                                                           : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l.get(), text.data(), static_cast<int>(text.size()));
    if (boldBytes > 0) {
        PangoAttrList* attrs = pango_attr_list_new();
        PangoAttribute* a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
        a->start_index = 0;
        a->end_index = static_cast<guint>(std::min(boldBytes, text.size()));
        pango_attr_list_insert(attrs, a);
        pango_layout_set_attributes(l.get(), attrs);
        pango_attr_list_unref(attrs);
    }
    return l;
}

/// One line of a laid-out paragraph in its place.
struct Placed {
    PangoLayout* layout;
    int line, page;
    double x, baseline;
};

} // namespace

PdfDocument::PdfDocument(std::string title) : title_(std::move(title)) {}

void PdfDocument::paragraph(const std::string& text, const TextStyle& style) { blocks_.push_back({clean(text), 0, style}); }

void PdfDocument::labelled(const std::string& label, const std::string& value, const TextStyle& style) {
    const std::string head = clean(label) + ":";
    blocks_.push_back({head + " " + clean(value), head.size(), style});
}

std::string PdfDocument::render() {
    std::string out;
    std::unique_ptr<cairo_surface_t, SurfaceFree> surface(cairo_pdf_surface_create_for_stream(append, &out, kWidth, kHeight));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) throw std::runtime_error("PDF: cannot create the surface");
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, clean(title_).c_str());
    std::unique_ptr<cairo_t, CairoFree> cr(cairo_create(surface.get()));
    std::unique_ptr<PangoContext, ObjectFree> ctx(pango_cairo_create_context(cr.get()));
    cairo_font_options_t* fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(ctx.get(), fo);
    cairo_font_options_destroy(fo);
    pango_context_set_round_glyph_positions(ctx.get(), FALSE);

    // Lay out: every line of every paragraph gets a page and a baseline.
    const double contentWidth = kWidth - kLeft - kRight, bottom = kHeight - kBottom;
    std::vector<Layout> layouts;
    std::vector<Placed> placed;
    int page = 0;
    double y = kTop;
    for (const auto& b : blocks_) {
        const TextStyle& st = b.style;
        layouts.push_back(layoutOf(ctx.get(), b.text, st.size, st.bold, b.boldBytes, contentWidth - st.indent, st.align));
        PangoLayout* l = layouts.back().get();
        if (y > kTop) y += st.before;
        int w = 0, h = 0;
        pango_layout_get_size(l, &w, &h);
        if (st.keepTogether && y > kTop && y + static_cast<double>(h) / PANGO_SCALE > bottom) {
            ++page;
            y = kTop;
        }
        PangoLayoutIter* it = pango_layout_get_iter(l);
        int line = 0;
        do {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(it, nullptr, &logical);
            const double lineHeight = static_cast<double>(logical.height) / PANGO_SCALE;
            const double baseline = static_cast<double>(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
            if (y > kTop && y + lineHeight > bottom) {
                ++page;
                y = kTop;
            }
            placed.push_back({l, line++, page, kLeft + st.indent + static_cast<double>(logical.x) / PANGO_SCALE, y + baseline});
            y += lineHeight;
        } while (pango_layout_iter_next_line(it));
        pango_layout_iter_free(it);
        y += st.after;
    }

    // Render page by page, each with its number at the foot.
    pages_ = page + 1;
    std::size_t next = 0;
    cairo_set_source_rgb(cr.get(), 0, 0, 0);
    for (int p = 0; p < pages_; ++p) {
        for (; next < placed.size() && placed[next].page == p; ++next) {
            const Placed& x = placed[next];
            cairo_move_to(cr.get(), x.x, x.baseline);
            pango_cairo_show_layout_line(cr.get(), pango_layout_get_line_readonly(x.layout, x.line));
        }
        const std::string foot = "Страница " + std::to_string(p + 1) + " из " + std::to_string(pages_);
        Layout f = layoutOf(ctx.get(), foot, kFooterSize, false, 0, contentWidth, TextStyle::Align::Center);
        cairo_move_to(cr.get(), kLeft, kHeight - kBottom / 2 - kFooterSize);
        pango_cairo_show_layout(cr.get(), f.get());
        cairo_show_page(cr.get());
    }
    const cairo_status_t drawn = cairo_status(cr.get());
    cr.reset();
    cairo_surface_finish(surface.get());
    if (drawn != CAIRO_STATUS_SUCCESS || cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        throw std::runtime_error("PDF: rendering failed");
    return out;
}

} // namespace kabinet::print
