#pragma once
/// JSON text written straight into a string, for answers of thousands of rows: the same text as Poco::JSON's
/// stringify of the same values (numbers rounded to three decimals as the point views round them).
#include <string>
#include <string_view>

namespace kabinet::jsontext {

/// A value rounded to three decimals ("1234.5", "0", "1e+16"), or null when it is NaN.
void number(std::string& out, double v);
/// A whole number.
void integer(std::string& out, long long v);
/// A quoted, escaped string.
void string(std::string& out, std::string_view v);

} // namespace kabinet::jsontext
