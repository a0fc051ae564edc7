#pragma once
/// Small file helpers shared by the core.
#include <string>

namespace kabinet {

/// Reads a whole file into `out`; false when it cannot be opened.
bool readFile(const std::string& path, std::string& out);

} // namespace kabinet
