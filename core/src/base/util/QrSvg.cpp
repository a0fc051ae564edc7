#include "util/QrSvg.h"

#include <Poco/Base64Encoder.h>
#include <qrencode.h>

#include <memory>
#include <sstream>
#include <stdexcept>

namespace kabinet::qr {

namespace {
constexpr int kQuietZone = 4; // modules of white border the standard asks for
}

std::string svg(const std::string& text) {
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code) throw std::runtime_error("QR code: the text cannot be encoded");
    const int width = code->width;
    const int size = width + 2 * kQuietZone;
    // One path of unit squares, one per dark module, runs of a row joined into one rectangle.
    std::string path;
    for (int y = 0; y < width; ++y) {
        int x = 0;
        while (x < width) {
            if (!(code->data[y * width + x] & 1)) { ++x; continue; }
            int run = 1;
            while (x + run < width && (code->data[y * width + x + run] & 1)) ++run;
            path += "M" + std::to_string(x + kQuietZone) + " " + std::to_string(y + kQuietZone) + "h" +
                    std::to_string(run) + "v1h-" + std::to_string(run) + "z";
            x += run;
        }
    }
    const std::string n = std::to_string(size);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + n + " " + n +
           "\" shape-rendering=\"crispEdges\"><rect width=\"" + n + "\" height=\"" + n +
           "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

std::string svgDataUri(const std::string& text) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc << svg(text);
    enc.close();
    return "data:image/svg+xml;base64," + out.str();
}

} // namespace kabinet::qr
