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
    const double k = std::round(v * 1000.0);
    if (std::fabs(k) < 1e15) {
        // %.15g of k / 1000 is the decimal k / 1000 with its trailing zeros dropped: written from the integer.
        long long n = static_cast<long long>(k);
        if (n < 0) {
            out += '-';
            n = -n;
        }
        integer(out, n / 1000);
        int frac = static_cast<int>(n % 1000);
        if (frac) {
            char f[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10), static_cast<char>('0' + frac % 10), 0};
            std::size_t len = 3;
            while (f[len - 1] == '0') --len;
            out += '.';
            out.append(f, len);
        }
        return;
    }
    const double r = k / 1000.0;
    const int n = std::snprintf(buf, sizeof buf, "%.15g", r);
    out.append(buf, static_cast<std::size_t>(n));
}

bool plainNumber(std::string& out, std::string_view text) {
    std::size_t i = 0, digits = 0, decimals = 0;
    bool point = false;
    if (i < text.size() && text[i] == '-') ++i;
    if (i == text.size() || text[i] == '.') return false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            ++digits;
            if (point) ++decimals;
        } else if (c == '.' && !point) {
            point = true;
        } else {
            return false; // an exponent, NaN, Infinity
        }
    }
    if (digits > 15 || decimals > 3 || (point && (decimals == 0 || text.back() == '0'))) return false;
    const std::size_t start = text[0] == '-' ? 1 : 0;
    if (text[start] == '0' && start + 1 < text.size() && text[start + 1] != '.') return false; // a leading zero
    if (text == "-0") return false;
    out += text;
    return true;
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
