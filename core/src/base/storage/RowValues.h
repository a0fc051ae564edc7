#pragma once
/// Reading columns of a soci::row whatever type the backend reports for them (SQLite and PostgreSQL differ
/// for integers, booleans stored as integers, and computed columns).
#include <soci/soci.h>

#include <optional>
#include <string>

namespace kabinet {

/// The column as text (numbers printed); empty when NULL.
std::string columnText(const soci::row& r, std::size_t i);
/// The column as a number; nullopt when NULL.
std::optional<double> columnReal(const soci::row& r, std::size_t i);
/// The column as a whole number (a double is rounded); 0 when NULL.
long long columnInteger(const soci::row& r, std::size_t i);

} // namespace kabinet
