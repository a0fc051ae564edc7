#pragma once
/// Russian word forms after a number: the one rule of the core for «1 строка, 2 строки, 5 строк».

namespace kabinet {

/// The form of a word that follows n in Russian: `one` for 1, 21, 101…; `few` for 2–4, 22–24…; `many` for 0,
/// 5–20, 11–14, 111–114…; the sign of n does not matter.
const char* plural(long long n, const char* one, const char* few, const char* many);

} // namespace kabinet
