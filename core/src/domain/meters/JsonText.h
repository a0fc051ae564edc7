#pragma once
/// JSON text written straight into a string, for answers of thousands of rows: the same text as Poco::JSON's
/// stringify of the same values (numbers rounded to three decimals as the point views round them).
#include <string>
#include <string_view>

namespace kabinet::jsontext {

/// A value rounded to three decimals ("1234.5", "0", "1e+16"), or null when it is NaN.
void number(std::string& out, double v);
/// Appends a number as the database printed it when that text is already what number() would write for it (at
/// most three decimals and fifteen digits, no exponent, not "-0"); returns false, appending nothing, otherwise.
bool plainNumber(std::string& out, std::string_view text);
/// A whole number.
void integer(std::string& out, long long v);
/// A quoted, escaped string.
void string(std::string& out, std::string_view v);

} // namespace kabinet::jsontext
