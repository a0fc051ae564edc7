#pragma once
/// A QR code as an SVG image (libqrencode), for text a phone should read from the screen — the otpauth://
/// URI of a second factor's set-up.

#include <string>

namespace kabinet::qr {

/// The SVG document (UTF-8 text, `<svg …>…</svg>`) of a QR code holding `text` in byte mode, error
/// correction level M, with the standard quiet zone of four modules; black modules on a white square,
/// scaled by the viewer (viewBox in modules). Throws std::runtime_error when the text does not fit a QR
/// code (over about 2 KB) or the encoder fails.
std::string svg(const std::string& text);

/// The same image as a `data:image/svg+xml;base64,…` URI, for an <img src> under a CSP allowing data: images.
std::string svgDataUri(const std::string& text);

} // namespace kabinet::qr
