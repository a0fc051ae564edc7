#pragma once
/// Reads of many rows in one round trip: the whole answer of a query is fetched at once, straight from the
/// backend's own client (libpq or SQLite), with no per-row allocation of a soci::row. For read paths that
/// answer thousands of rows (profiles, readings of many meters); everything else keeps SOCI's statements.
#include <soci/soci.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kabinet {

/// A query parameter: text or a whole number.
using SqlParam = std::variant<std::string, long long>;

/// How a query is planned on PostgreSQL: `Reused` — prepared once per connection and kept (small queries asked
/// often: neither parsed nor planned again); `PerCall` — planned for its parameters every time (queries of
/// thousands of rows, where a plan that knows the parameters, e.g. which partitions a range covers, pays).
enum class SqlPlan { Reused, PerCall };

/// The rows of one query, held in memory. Values are read by row and column; a NULL reads as 0, NaN,
/// nullopt or empty text.
class FetchedRows {
public:
    /// Runs `sql` on the session's connection with `params` bound in order to its `?` placeholders (which must
    /// not appear inside string literals) and fetches every row. A failure throws soci::soci_error with the
    /// backend's message, so Database::read/transaction map it as any other database error.
    static FetchedRows fetch(soci::session& s, const std::string& sql, const std::vector<SqlParam>& params, SqlPlan plan = SqlPlan::Reused);

    FetchedRows(FetchedRows&&) noexcept;            ///< moves the rows; the source is left empty
    FetchedRows& operator=(FetchedRows&&) noexcept; ///< moves the rows; the source is left empty
    ~FetchedRows();                                 ///< frees the rows (and the backend's result)

    std::size_t size() const noexcept;    ///< the number of rows
    std::size_t columns() const noexcept; ///< the number of columns
    /// True when the value is NULL.
    bool isNull(std::size_t row, std::size_t col) const;
    /// A whole-number column (a fraction is rounded); 0 when NULL.
    long long integer(std::size_t row, std::size_t col) const;
    /// A numeric column; NaN when NULL.
    double real(std::size_t row, std::size_t col) const;
    /// A numeric column; nullopt when NULL.
    std::optional<double> optReal(std::size_t row, std::size_t col) const {
        if (isNull(row, col)) return std::nullopt;
        return real(row, col);
    }
    /// A text column as stored; empty when NULL. Valid while this object lives. (Numbers read as text
    /// print as the backend prints them: read numbers with integer()/real().)
    std::string_view text(std::size_t row, std::size_t col) const;

    /// The backend's holder of the rows (libpq's result, or SQLite's values copied out).
    class Impl;

private:
    explicit FetchedRows(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace kabinet
