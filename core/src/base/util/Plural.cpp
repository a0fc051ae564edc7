#include "util/Plural.h"

namespace kabinet {

const char* plural(long long n, const char* one, const char* few, const char* many) {
    const long long a = n < 0 ? -n : n, d = a % 10, h = a % 100;
    if (d == 1 && h != 11) return one;
    if (d >= 2 && d <= 4 && (h < 12 || h > 14)) return few;
    return many;
}

} // namespace kabinet
