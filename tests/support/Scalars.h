#pragma once
/// One value read from the database under test, for assertions: the first column of the first row of a
/// query, with a stated stand-in when it is NULL.
#include <string>

namespace kabinet {
class Database;
}

namespace kabinet::test {

/// An integer, or -1 when the value is NULL.
long long scalarInt(Database& db, const std::string& sql);
/// A text, or "" when the value is NULL.
std::string scalarText(Database& db, const std::string& sql);
/// A number, or NaN when the value is NULL.
double scalarReal(Database& db, const std::string& sql);

} // namespace kabinet::test
