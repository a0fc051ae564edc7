#pragma once
/// Numbering registers of cases: each tenant's register gives the numbers start, start+1, … without gaps and
/// without repeats, also under concurrent filings on one database (several threads or kabinetd instances).
/// The number is taken inside the filing's transaction by one UPDATE of the register's row (the row lock on
/// PostgreSQL, the writer lock of `BEGIN IMMEDIATE` on SQLite serialise the takers until commit), so a filing
/// that rolls back gives its number back.
#include <string>

namespace soci {
class session;
}

namespace kabinet::cases {

class CaseNumbering {
public:
    /// The next number of register `registerId` of `tenant` (the first is `start`), taken in the caller's
    /// transaction `s`.
    static long long next(soci::session& s, const std::string& tenant, const std::string& registerId, long long start);
};

} // namespace kabinet::cases
