#pragma once
/// Checks and repairs of text that comes from outside: UTF-8 validity and control characters.
#include <string>
#include <string_view>

namespace kabinet::text {

/// What is wrong with a piece of text, if anything.
enum class Problem { None, InvalidUtf8, ControlCharacter };

/// Finds the first problem: bytes that are not well-formed UTF-8 (overlong forms, surrogates and code points
/// past U+10FFFF included), or a control character (C0 other than tab, line feed and carriage return; DEL;
/// C1). Text of people (names, addresses, comments, multi-line notes) never needs any of these.
Problem check(std::string_view s) noexcept;

/// The text as well-formed UTF-8: every ill-formed sequence becomes U+FFFD, and at most `maxChars` code points
/// are kept (cut at a character boundary), so an echo of a client's bytes can always go into JSON.
std::string validUtf8(std::string_view s, std::size_t maxChars = std::string::npos);

} // namespace kabinet::text
