#pragma once
/// The tenant's one audit log, written by the core: guesses at identifiers that give access to metering data
/// (kind `guess`: personal account numbers, contract numbers for an ОГРН — masked, the last two characters
/// only — with the outcome `miss`, `locked` or `refused`), logins (`login`: `success`, `failure`, `refused`
/// while throttled, `disabled`), operators' grants of access (`grant`), their decisions on manual readings,
/// broadcasts, outages and case assignments (`operator`), and the tenant administrator's staff actions (`staff`). Operators read the
/// guesses (page), the tenant administrator every kind (journal); both newest first, a page at a time.
/// docs/ARCHITECTURE.md, "Audit log".
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {

class Database;

/// One entry to record.
struct AuditEntry {
    std::string kind = "guess"; ///< `guess`, `login`, `grant`, `staff` or `operator`
    std::string userId;         ///< who acted or tried; empty when a login named nobody
    std::string action;         ///< guesses: `account_number`, `ogrn_contract`, `virtual_meter_account`; logins: `password`,
                                ///< `second_factor`; grants: `grant`, `revoke`; staff: `create`, `disable`, `enable`, `reset_second_factor`;
                                ///< operator: `reading_approve`, `reading_reject`, `broadcast_send`, `outage_publish`,
                                ///< `outage_change`, `outage_close`, `outage_cancel`, `case_assign`
    std::string tried;          ///< the value as typed; only mask(tried) is stored (empty: nothing)
    std::string client;         ///< client address
    std::string outcome;        ///< guesses: `miss`, `locked`, `refused`; logins: `success`, `failure`, `refused`, `disabled`; else `done`
    std::string targetId;       ///< the account acted upon (a granted consumer, a staff member), empty when none
    Poco::JSON::Object::Ptr details; ///< what else the entry names (a grant's scope and number); may be null

    /// An action of staff that was done (outcome `done`): `kind`, who (`userId`) from where (`client`), upon whom
    /// (`targetId`, empty when nobody), with an empty `details` object for the caller to fill in.
    static AuditEntry done(std::string kind, std::string userId, std::string action, std::string client, std::string targetId = {});
};

class AuditLog {
public:
    static constexpr int kMaxPerPage = 100; ///< the largest page an operator may ask for

    explicit AuditLog(Database& db) : db_(db) {}

    /// Stores an entry in its own transaction (recordIn).
    void record(const std::string& tenant, const AuditEntry& e);
    /// Stores an entry in the caller's transaction, at least 1 ms after the tenant's latest entry, so that
    /// the newest-first order is the order the entries were made in, also within one millisecond.
    static void recordIn(soci::session& s, const std::string& tenant, const AuditEntry& e);
    /// One page (1-based) of the tenant's guesses, newest first: {entries: [{at (Unix seconds), action, tried,
    /// client_address, outcome, user: {login, login_field, email, fields} | null}], page, per_page, total}. The internal
    /// user id is never part of the answer.
    Poco::JSON::Object::Ptr page(const std::string& tenant, int page, int perPage);
    /// One page (1-based) of every entry of the tenant, or of one `kind` (empty: all), newest first:
    /// {entries: [{at, kind, action, outcome, tried, client_address, actor: Person | null, target: Person | null,
    /// details}], kind, page, per_page, total}; Person is {login, login_field, email, role, fields}. A kind not
    /// in kinds() is the caller's to refuse.
    Poco::JSON::Object::Ptr journal(const std::string& tenant, const std::string& kind, int page, int perPage);
    /// The kinds of entries.
    static const std::vector<std::string>& kinds();

    /// The stored form of a tried value: "…" and its last two characters (UTF-8 aware); a value of two
    /// characters or fewer becomes "…" alone.
    static std::string mask(const std::string& value);

private:
    Database& db_;
};

} // namespace kabinet
