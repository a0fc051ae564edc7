#include "http/FileAnswer.h"

#include <cctype>
#include <cstdio>

namespace kabinet {

std::string attachmentDisposition(const std::string& fileName) {
    std::string fallback, encoded;
    for (std::size_t i = 0; i < fileName.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(fileName[i]);
        // ASCII fallback: one '_' per non-ASCII character (continuation bytes add nothing).
        if (c < 0x80) fallback += (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '(' || c == ')' || c == ' ') ? static_cast<char>(c) : '_';
        else if ((c & 0xC0) != 0x80) fallback += '_';
        // RFC 5987 attr-char stays, everything else is percent-encoded.
        if (std::isalnum(c) || std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos) {
            encoded += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            encoded += buf;
        }
    }
    const auto dot = fallback.rfind('.');
    bool meaningful = false;
    for (char c : fallback.substr(0, dot)) meaningful |= std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (!meaningful) {
        // Nothing readable is left of the name: "file" with the extension, if any.
        fallback = "file" + (dot == std::string::npos ? std::string() : fallback.substr(dot));
    }
    if (encoded.empty()) encoded = "file";
    return "attachment; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

Response fileAnswer(const std::string& contentType, const std::string& fileName, long long size,
                    std::function<void(std::ostream&)> writer) {
    Response r;
    r.status = 200;
    r.contentType = contentType;
    r.writer = std::move(writer);
    r.contentLength = size;
    r.headers.push_back({"Content-Disposition", attachmentDisposition(fileName)});
    r.headers.push_back({"Cache-Control", "private, no-store"});
    return r;
}

} // namespace kabinet
