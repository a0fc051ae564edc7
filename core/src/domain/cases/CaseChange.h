#pragma once
/// A change of a case as the engine makes it (inside the change's transaction): the move of an action, the
/// kind's hooks and their effects (fields set, notices, offers), deadlines started and the running due date,
/// and the notices raised through the notification centre.
#include "cases/CaseKinds.h"
#include "cases/CaseService.h"
#include "cases/CaseStore.h"
#include "cases/CaseJson.h"
#include "notify/NotificationCentre.h"

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {
class Tenant;
}

namespace kabinet::cases {

/// The case as hooks see it (contract §2): id, number, kind, state, fields, applicant {kind, profile}, action_fields, now.
Poco::Dynamic::Var hookCase(Tenant& t, soci::session& se, const CaseRow& c, const Poco::JSON::Object::Ptr& actionFields, long long now);

/// Everything a change does besides the move: run in the change's transaction.
struct Change {
    Tenant& t;          ///< the case's tenant
    soci::session& se;  ///< the change's transaction
    CaseStore& store;   ///< the tenant's cases in that transaction
    const Kind& kind;   ///< the case's kind
    CaseRow& c;         ///< the case, kept up to date with what the change writes
    long long now;      ///< the moment of the change
    std::string actorId = {}; ///< who made it (empty: the timer or the rules)

    /// «<kind> № <number>», as notices name the case.
    std::string label() const { return kind.label + " № " + c.numberText; }
    /// The notices' reference to the case (type "case").
    NoticeRef ref() const { return NoticeRef{"case", c.id, label()}; }

    /// Raises notice `noticeKind` to `a` with `values` (plus number and kind), referring to the case.
    void raise(const std::string& noticeKind, Audience a, std::map<std::string, std::string> values, const std::string& dedupe = {});
    /// The applicant, as an audience.
    Audience applicant() const;
    /// The tenant's operators, as an audience.
    static Audience operators();

    /// Runs hook `name` and applies its effects; a guard's refusal is a 409.
    void hook(const std::string& name, const Obj& actionFields);

    /// Merges `values` into the case's fields (and its search text).
    void keep(const Obj& values);

    /// The `connect` effect {name, address, power_kw, register}: a personal account numbered from the case
    /// register, a metering point at the address under it and the applicant's access to the account, through the
    /// meters domain in this transaction; `account_number` is kept in the case's fields and the applicant told.
    void connect(const Obj& effect);

    /// Deadlines counting from entering `state` (or from the filing) get their dates; the case's running
    /// due date follows its state.
    void startDeadlines(const std::string& event);

    /// Whether deadline `d` runs while the case is in `state` (no list: while the state is not final).
    bool running(const Deadline& d, const std::string& state) const;

    /// The earliest due date of the deadlines running in the case's state, and whether one is overdue.
    void refreshDue();

    /// Whether the deadlines running in `state` were kept at `now` (nullopt: none ran).
    std::optional<bool> keptIn(const std::string& state);
};

/// The action a person or timer takes, inside one transaction. `actorRole` is "consumer", "operator" or "timer".
/// Returns false when the case had left `from` meanwhile (nothing written).
bool move(Tenant& t, soci::session& se, CaseStore& store, const Kind& k, CaseRow& c, const Action& a, const std::string& actorId,
          const std::string& actorRole, const Obj& values, const std::string& comment, const std::vector<CaseUpload>& uploads,
          long long now);

} // namespace kabinet::cases
