#pragma once
/// The SQL of cases (sql/0010_cases.sql): the cases, their deadlines, their append-only history and their
/// messages. A store works on the session it is given — the caller's transaction for writes — and never
/// commits by itself. Every statement is limited to the store's tenant.
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet::cases {

/// The text a case is found by (GET cases?q=): its number, summary and the text of its form's values, lower-cased
/// by Unicode rules (Poco::UTF8::toLower), so that `search_text LIKE lower(query)` folds case in any alphabet on
/// both backends.
std::string searchTextOf(const std::string& numberText, const std::string& summary, const std::string& fieldsJson);

/// A `cases` row.
struct CaseRow {
    std::string id, kind, registerId, numberText, applicantId, channel = "portal", state, fieldsJson = "{}", summary;
    std::string filedBy, assigneeId, parentId, offerKind;
    long long number = 0, filedAt = 0, updatedAt = 0, stateSince = 0;
    std::optional<long long> closedAt, dueAt;
    std::optional<bool> answeredOnTime;
    bool overdue = false, uploadsLocked = false;
};

/// A `case_deadlines` row.
struct DeadlineRow {
    std::string id;
    long long dueAt = 0;
    bool overdue = false;
};

/// A `case_history` row.
struct HistoryRow {
    int seq = 0;
    long long at = 0;
    std::string actorId, actorRole, action, fromState, toState, comment, fieldsJson = "{}";
};

/// A `case_messages` row.
struct MessageRow {
    std::string id, authorId, authorRole, text;
    long long at = 0;
};

/// What a list asks for; empty members do not filter.
struct CaseFilter {
    std::string applicantId;          ///< only this applicant's cases
    std::vector<std::string> kinds;   ///< only these kinds (empty: all); a group is turned into its kinds
    bool kindsGiven = false;          ///< true: `kinds` filters even when empty (a group with no kinds)
    std::string state, assigneeId, q;
    std::optional<long long> number, from, to;
    std::optional<long long> dueBefore; ///< only open cases due before this moment
    std::optional<bool> overdue;
    std::optional<bool> open;         ///< true: only open cases (closed_at unset); false: only closed ones
    bool unassigned = false;          ///< only cases nobody is assigned to
    bool searchApplicants = false;    ///< `q` also finds the applicant by name, e-mail or login (staff)
    int offset = 0, limit = 50;
};

class CaseStore {
public:
    /// Works on `tenant`'s rows through `s`.
    CaseStore(soci::session& s, std::string tenant);

    /// Inserts a new case (its number already taken).
    void insert(const CaseRow& c);
    /// The case, or nothing.
    std::optional<CaseRow> get(const std::string& id) const;
    /// The case only when `applicantId` filed it (a consumer's view), or nothing.
    std::optional<CaseRow> getOwn(const std::string& id, const std::string& applicantId) const;
    /// One page of the cases matching `f`, newest first, and the number of all matching.
    std::vector<CaseRow> list(const CaseFilter& f, long long& total) const;
    /// Moves the case from state `from` to `to` at `now` only when it is in `from` still (a timer and a person,
    /// or two instances, never both move it); sets closed_at / answered_on_time when `closing`. True when moved.
    bool moveState(const std::string& id, const std::string& from, const std::string& to, long long now, bool closing,
                   std::optional<bool> answeredOnTime);
    /// Replaces the case's field values (`c.fieldsJson`, a JSON object's text) and its search text.
    void setFields(const CaseRow& c, long long now);
    /// Marks a case filed straight into a final state closed at `at` (`answered_on_time` as `onTime`).
    void closeOnFiling(const std::string& id, long long at, bool onTime);
    /// Sets who is assigned ("" = nobody).
    void setAssignee(const std::string& id, const std::string& assigneeId, long long now);
    /// Records the kind the applicant is invited to file next ("" = none).
    void setOffer(const std::string& id, const std::string& kind);
    /// Sets the case's running due date and overdue flag.
    void setDue(const std::string& id, std::optional<long long> dueAt, bool overdue);
    /// Touches updated_at.
    void touch(const std::string& id, long long now);

    /// Sets (or moves) a deadline of the case, clearing its overdue flag.
    void putDeadline(const std::string& id, const DeadlineRow& d);
    /// The case's deadlines, by due date.
    std::vector<DeadlineRow> deadlines(const std::string& id) const;
    /// Marks a deadline overdue only when it was not (one caller wins). True when this call marked it.
    bool markOverdue(const std::string& id, const std::string& deadlineId);

    /// Appends a history entry with the next sequence number; returns the number.
    int append(const std::string& id, HistoryRow h);
    /// The case's history, oldest first.
    std::vector<HistoryRow> history(const std::string& id) const;

    /// Stores a message.
    void addMessage(const std::string& id, const MessageRow& m);
    /// The case's messages, oldest first.
    std::vector<MessageRow> messages(const std::string& id) const;

    /// Ids of the open cases of these kinds in `state` that entered it at or before `since`.
    std::vector<std::string> inStateSince(const std::string& kind, const std::string& state, long long since, int limit) const;
    /// (case id, deadline id) of deadlines past `now` not yet marked overdue.
    std::vector<std::pair<std::string, std::string>> pastDue(long long now, int limit) const;
    /// Whether the applicant has an open offer of `kind` on case `id`.
    bool offerOpen(const std::string& id, const std::string& applicantId, const std::string& kind) const;

private:
    soci::session& s_;
    std::string t_;
};

/// A user's name to show (ФИО, organisation or e-mail), role and kind; empty when unknown.
struct PersonRow {
    std::string id, role, kind, email, fieldsJson;
};
/// Reads people of a tenant by id (for names in answers).
std::optional<PersonRow> person(soci::session& s, const std::string& tenant, const std::string& userId);

} // namespace kabinet::cases
