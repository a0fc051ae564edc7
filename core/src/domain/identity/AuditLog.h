#pragma once
/// The audit log of guesses at identifiers that give access to metering data (personal account numbers,
/// contract numbers for an ОГРН): who tried, what (masked: the last two characters only), from which client
/// address, when, and the outcome — `miss`, `locked` (the miss that locked the user's guessing) or
/// `refused` (throttled, not tried). Operators read it per tenant, newest first, a page at a time.
#include <Poco/JSON/Object.h>

#include <string>

namespace soci {
class session;
}

namespace kabinet {

class Database;

/// One entry to record.
struct AuditEntry {
    std::string userId;
    std::string action;  ///< `account_number`, `ogrn_contract` or `virtual_meter_account`
    std::string tried;   ///< the value as typed; only mask(tried) is stored
    std::string client;  ///< client address
    std::string outcome; ///< `miss`, `locked` or `refused`
};

class AuditLog {
public:
    static constexpr int kMaxPerPage = 100; ///< the largest page an operator may ask for

    explicit AuditLog(Database& db) : db_(db) {}

    /// Stores an entry in its own transaction, at least 1 ms after the tenant's latest entry, so that the
    /// newest-first order is the order the entries were made in, also within one millisecond.
    void record(const std::string& tenant, const AuditEntry& e);
    /// One page (1-based) of the tenant's entries, newest first: {entries: [{at (Unix seconds), action, tried,
    /// client_address, outcome, user: {login, login_field, email, fields} | null}], page, per_page, total}. The internal
    /// user id is never part of the answer.
    Poco::JSON::Object::Ptr page(const std::string& tenant, int page, int perPage);

    /// The stored form of a tried value: "…" and its last two characters (UTF-8 aware); a value of two
    /// characters or fewer becomes "…" alone.
    static std::string mask(const std::string& value);

private:
    Database& db_;
};

} // namespace kabinet
