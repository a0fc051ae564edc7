#pragma once
/// Small text helpers of the mail transports (ASCII case, trimming, base64, error texts); internal to notify/.
#include <string>

namespace kabinet::mail {

/// True when every byte is below 0x80.
bool isAscii(const std::string& s);
/// ASCII letters in lower case; other bytes unchanged.
std::string toLower(std::string s);
/// ASCII letters in upper case; other bytes unchanged.
std::string toUpper(std::string s);
/// Without leading and trailing spaces, tabs and line ends.
std::string trim(const std::string& s);
/// True when non-empty and only ASCII digits.
bool isDigits(const std::string& s);
/// Text from an exception for an error message: one line (control characters as spaces), at most 300 bytes.
std::string clean(const std::string& s);
/// Base64 of the bytes, on one line.
std::string base64(const std::string& bytes);

} // namespace kabinet::mail
