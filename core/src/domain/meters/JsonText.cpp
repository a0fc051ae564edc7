#include "meters/JsonText.h"

#include <Poco/JSONString.h>

#include <charconv>
#include <cmath>
#include <cstdio>

namespace kabinet::jsontext {

void number(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[40];
    const double r = std::round(v * 1000.0) / 1000.0 + 0.0; // + 0.0: no "-0"
    const int n = std::snprintf(buf, sizeof buf, "%.15g", r);
    out.append(buf, static_cast<std::size_t>(n));
}

void integer(std::string& out, long long v) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

void string(std::string& out, std::string_view v) {
    bool plain = true;
    for (char c : v)
        if (c == '"' || c == '\\' || c == '/' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            plain = false;
            break;
        }
    if (plain) {
        out += '"';
        out += v;
        out += '"';
    } else {
        out += Poco::toJSON(std::string(v));
    }
}

} // namespace kabinet::jsontext
