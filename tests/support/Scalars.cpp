#include "Scalars.h"

#include "storage/Database.h"

#include <soci/soci.h>

#include <cmath>

namespace kabinet::test {

namespace {
template <typename T>
T scalar(Database& db, const std::string& sql, T whenNull) {
    T v{};
    soci::indicator ind = soci::i_ok;
    db.read([&](soci::session& s) { s << sql, soci::into(v, ind); });
    return ind == soci::i_null ? whenNull : v;
}
} // namespace

long long scalarInt(Database& db, const std::string& sql) { return scalar<long long>(db, sql, -1); }
std::string scalarText(Database& db, const std::string& sql) { return scalar<std::string>(db, sql, std::string()); }
double scalarReal(Database& db, const std::string& sql) { return scalar<double>(db, sql, NAN); }

} // namespace kabinet::test
