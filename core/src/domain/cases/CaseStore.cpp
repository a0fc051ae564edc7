#include "cases/CaseStore.h"

#include "storage/FetchedRows.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UTF8String.h>
#include <soci/soci.h>

namespace kabinet::cases {

namespace {

const char* kColumns =
    "case_id, kind, register_id, number, number_text, applicant_id, channel, state, fields, summary, filed_by, filed_at, "
    "updated_at, state_since, closed_at, due_at, overdue, answered_on_time, assignee_id, parent_case_id, uploads_locked, offer_kind";

std::string str(const FetchedRows& r, std::size_t i, std::size_t c) { return std::string(r.text(i, c)); }

CaseRow rowAt(const FetchedRows& r, std::size_t i) {
    CaseRow c;
    c.id = str(r, i, 0);
    c.kind = str(r, i, 1);
    c.registerId = str(r, i, 2);
    c.number = r.integer(i, 3);
    c.numberText = str(r, i, 4);
    c.applicantId = str(r, i, 5);
    c.channel = str(r, i, 6);
    c.state = str(r, i, 7);
    c.fieldsJson = str(r, i, 8);
    c.summary = str(r, i, 9);
    c.filedBy = str(r, i, 10);
    c.filedAt = r.integer(i, 11);
    c.updatedAt = r.integer(i, 12);
    c.stateSince = r.integer(i, 13);
    if (!r.isNull(i, 14)) c.closedAt = r.integer(i, 14);
    if (!r.isNull(i, 15)) c.dueAt = r.integer(i, 15);
    c.overdue = r.integer(i, 16) != 0;
    if (!r.isNull(i, 17)) c.answeredOnTime = r.integer(i, 17) != 0;
    c.assigneeId = str(r, i, 18);
    c.parentId = str(r, i, 19);
    c.uploadsLocked = r.integer(i, 20) != 0;
    c.offerKind = str(r, i, 21);
    return c;
}

soci::indicator nullIfEmpty(const std::string& s) { return s.empty() ? soci::i_null : soci::i_ok; }

/// The text of a form value: strings and numbers as they are, arrays item by item, objects value by value.
void appendText(const Poco::Dynamic::Var& v, std::string& out) {
    if (v.isEmpty()) return;
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
        for (const auto& x : *v.extract<Poco::JSON::Array::Ptr>()) appendText(x, out);
    } else if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        for (const auto& [k, x] : *v.extract<Poco::JSON::Object::Ptr>()) appendText(x, out);
    } else if (!v.isBoolean()) {
        out += ' ';
        out += v.convert<std::string>();
    }
}

std::string lower(const std::string& s) {
    try {
        return Poco::UTF8::toLower(s);
    } catch (const std::exception&) {
        return s;
    }
}

} // namespace

std::string searchTextOf(const std::string& numberText, const std::string& summary, const std::string& fieldsJson) {
    std::string text = numberText + " " + summary;
    try {
        appendText(Poco::JSON::Parser().parse(fieldsJson.empty() ? "{}" : fieldsJson), text);
    } catch (const std::exception&) {
    }
    return lower(text);
}

CaseStore::CaseStore(soci::session& s, std::string tenant) : s_(s), t_(std::move(tenant)) {}

void CaseStore::insert(const CaseRow& c) {
    soci::indicator byInd = nullIfEmpty(c.filedBy), parentInd = nullIfEmpty(c.parentId), assInd = nullIfEmpty(c.assigneeId);
    long long due = c.dueAt.value_or(0);
    soci::indicator dueInd = c.dueAt ? soci::i_ok : soci::i_null;
    const std::string search = searchTextOf(c.numberText, c.summary, c.fieldsJson);
    s_ << "INSERT INTO cases (tenant_id, case_id, kind, register_id, number, number_text, applicant_id, channel, state, fields, "
          "summary, search_text, filed_by, filed_at, updated_at, state_since, due_at, assignee_id, parent_case_id) VALUES (:t, :id, :k, "
          ":r, :n, :nt, :a, :ch, :st, :f, :su, :se, :by, :fa, :ua, :ss, :due, :as, :p)",
        soci::use(t_), soci::use(c.id), soci::use(c.kind), soci::use(c.registerId), soci::use(c.number), soci::use(c.numberText),
        soci::use(c.applicantId), soci::use(c.channel), soci::use(c.state), soci::use(c.fieldsJson), soci::use(c.summary), soci::use(search),
        soci::use(c.filedBy, byInd), soci::use(c.filedAt), soci::use(c.updatedAt), soci::use(c.stateSince), soci::use(due, dueInd),
        soci::use(c.assigneeId, assInd), soci::use(c.parentId, parentInd);
}

std::optional<CaseRow> CaseStore::get(const std::string& id) const {
    auto r = FetchedRows::fetch(s_, std::string("SELECT ") + kColumns + " FROM cases WHERE tenant_id = ? AND case_id = ?", {t_, id});
    if (r.size() == 0) return std::nullopt;
    return rowAt(r, 0);
}

std::optional<CaseRow> CaseStore::getOwn(const std::string& id, const std::string& applicantId) const {
    auto c = get(id);
    if (!c || c->applicantId != applicantId) return std::nullopt;
    return c;
}

std::vector<CaseRow> CaseStore::list(const CaseFilter& f, long long& total) const {
    std::string where = " FROM cases WHERE tenant_id = ?";
    std::vector<SqlParam> p{t_};
    if (!f.applicantId.empty()) {
        where += " AND applicant_id = ?";
        p.push_back(f.applicantId);
    }
    if (f.kindsGiven || !f.kinds.empty()) {
        if (f.kinds.empty()) where += " AND 1 = 0";
        else {
            where += " AND kind IN (";
            for (std::size_t i = 0; i < f.kinds.size(); ++i) {
                where += i ? ", ?" : "?";
                p.push_back(f.kinds[i]);
            }
            where += ")";
        }
    }
    if (!f.state.empty()) {
        where += " AND state = ?";
        p.push_back(f.state);
    }
    if (f.open) where += *f.open ? " AND closed_at IS NULL" : " AND closed_at IS NOT NULL";
    if (f.unassigned) where += " AND assignee_id IS NULL";
    else if (!f.assigneeId.empty()) {
        where += " AND assignee_id = ?";
        p.push_back(f.assigneeId);
    }
    if (f.number) {
        where += " AND number = ?";
        p.push_back(*f.number);
    }
    if (f.overdue) {
        where += " AND overdue = ?";
        p.push_back(static_cast<long long>(*f.overdue ? 1 : 0));
    }
    if (f.dueBefore) {
        where += " AND closed_at IS NULL AND due_at < ?";
        p.push_back(*f.dueBefore);
    }
    if (f.from) {
        where += " AND filed_at >= ?";
        p.push_back(*f.from);
    }
    if (f.to) {
        where += " AND filed_at < ?";
        p.push_back(*f.to);
    }
    if (!f.q.empty()) {
        // Both sides lower-cased by Unicode rules (search_text is stored so), so case folds in any alphabet.
        where += " AND (search_text LIKE ?";
        if (f.searchApplicants)
            where += " OR applicant_id IN (SELECT user_id FROM users WHERE tenant_id = ? AND (fields_json LIKE ? OR email LIKE ? OR "
                     "login LIKE ?))";
        where += ")";
        std::string clean;
        for (char ch : f.q)
            if (ch != '%' && ch != '_' && ch != '\\') clean += ch;
        const std::string folded = lower(clean);
        p.push_back("%" + folded + "%");
        if (f.searchApplicants) {
            p.push_back(t_);
            p.push_back("%" + clean + "%");
            p.push_back("%" + folded + "%");
            p.push_back("%" + folded + "%");
        }
    }
    auto count = FetchedRows::fetch(s_, "SELECT COUNT(*)" + where, p);
    total = count.size() ? count.integer(0, 0) : 0;
    p.push_back(static_cast<long long>(f.limit));
    p.push_back(static_cast<long long>(f.offset));
    auto r = FetchedRows::fetch(s_, std::string("SELECT ") + kColumns + where + " ORDER BY filed_at DESC, number DESC LIMIT ? OFFSET ?", p,
                                SqlPlan::PerCall);
    std::vector<CaseRow> out;
    for (std::size_t i = 0; i < r.size(); ++i) out.push_back(rowAt(r, i));
    return out;
}

bool CaseStore::moveState(const std::string& id, const std::string& from, const std::string& to, long long now, bool closing,
                          std::optional<bool> answeredOnTime) {
    long long closed = now;
    soci::indicator closedInd = closing ? soci::i_ok : soci::i_null;
    int onTime = answeredOnTime.value_or(false) ? 1 : 0;
    soci::indicator onTimeInd = answeredOnTime ? soci::i_ok : soci::i_null;
    soci::statement st = (s_.prepare << "UPDATE cases SET state = :to, state_since = :now, updated_at = :now2, closed_at = :closed, "
                                        "answered_on_time = COALESCE(answered_on_time, :ontime) "
                                        "WHERE tenant_id = :t AND case_id = :id AND state = :from",
                          soci::use(to), soci::use(now), soci::use(now), soci::use(closed, closedInd), soci::use(onTime, onTimeInd),
                          soci::use(t_), soci::use(id), soci::use(from));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

void CaseStore::setFields(const CaseRow& c, long long now) {
    const std::string search = searchTextOf(c.numberText, c.summary, c.fieldsJson);
    s_ << "UPDATE cases SET fields = :f, search_text = :s, updated_at = :n WHERE tenant_id = :t AND case_id = :id", soci::use(c.fieldsJson),
        soci::use(search), soci::use(now), soci::use(t_), soci::use(c.id);
}

void CaseStore::closeOnFiling(const std::string& id, long long at, bool onTime) {
    int kept = onTime ? 1 : 0;
    s_ << "UPDATE cases SET closed_at = :a, answered_on_time = :o WHERE tenant_id = :t AND case_id = :id", soci::use(at), soci::use(kept),
        soci::use(t_), soci::use(id);
}

void CaseStore::setAssignee(const std::string& id, const std::string& assigneeId, long long now) {
    soci::indicator ind = nullIfEmpty(assigneeId);
    s_ << "UPDATE cases SET assignee_id = :a, updated_at = :n WHERE tenant_id = :t AND case_id = :id", soci::use(assigneeId, ind),
        soci::use(now), soci::use(t_), soci::use(id);
}

void CaseStore::setOffer(const std::string& id, const std::string& kind) {
    soci::indicator ind = nullIfEmpty(kind);
    s_ << "UPDATE cases SET offer_kind = :k WHERE tenant_id = :t AND case_id = :id", soci::use(kind, ind), soci::use(t_), soci::use(id);
}

void CaseStore::setDue(const std::string& id, std::optional<long long> dueAt, bool overdue) {
    long long due = dueAt.value_or(0);
    soci::indicator ind = dueAt ? soci::i_ok : soci::i_null;
    int o = overdue ? 1 : 0;
    s_ << "UPDATE cases SET due_at = :d, overdue = :o WHERE tenant_id = :t AND case_id = :id", soci::use(due, ind), soci::use(o),
        soci::use(t_), soci::use(id);
}

void CaseStore::touch(const std::string& id, long long now) {
    s_ << "UPDATE cases SET updated_at = :n WHERE tenant_id = :t AND case_id = :id", soci::use(now), soci::use(t_), soci::use(id);
}

void CaseStore::putDeadline(const std::string& id, const DeadlineRow& d) {
    s_ << "DELETE FROM case_deadlines WHERE tenant_id = :t AND case_id = :id AND deadline_id = :d", soci::use(t_), soci::use(id),
        soci::use(d.id);
    s_ << "INSERT INTO case_deadlines (tenant_id, case_id, deadline_id, due_at, overdue) VALUES (:t, :id, :d, :due, 0)", soci::use(t_),
        soci::use(id), soci::use(d.id), soci::use(d.dueAt);
}

std::vector<DeadlineRow> CaseStore::deadlines(const std::string& id) const {
    auto r = FetchedRows::fetch(s_, "SELECT deadline_id, due_at, overdue FROM case_deadlines WHERE tenant_id = ? AND case_id = ? "
                                    "ORDER BY due_at, deadline_id",
                                {t_, id});
    std::vector<DeadlineRow> out;
    for (std::size_t i = 0; i < r.size(); ++i) out.push_back({str(r, i, 0), r.integer(i, 1), r.integer(i, 2) != 0});
    return out;
}

bool CaseStore::markOverdue(const std::string& id, const std::string& deadlineId) {
    soci::statement st = (s_.prepare << "UPDATE case_deadlines SET overdue = 1 WHERE tenant_id = :t AND case_id = :id AND "
                                        "deadline_id = :d AND overdue = 0",
                          soci::use(t_), soci::use(id), soci::use(deadlineId));
    st.execute(true);
    return st.get_affected_rows() == 1;
}

int CaseStore::append(const std::string& id, HistoryRow h) {
    auto r = FetchedRows::fetch(s_, "SELECT COALESCE(MAX(seq), 0) FROM case_history WHERE tenant_id = ? AND case_id = ?", {t_, id});
    h.seq = static_cast<int>(r.integer(0, 0)) + 1;
    soci::indicator actorInd = nullIfEmpty(h.actorId), fromInd = nullIfEmpty(h.fromState);
    s_ << "INSERT INTO case_history (tenant_id, case_id, seq, at, actor_id, actor_role, action, from_state, to_state, comment, fields) "
          "VALUES (:t, :id, :seq, :at, :ac, :ar, :a, :fs, :ts, :c, :f)",
        soci::use(t_), soci::use(id), soci::use(h.seq), soci::use(h.at), soci::use(h.actorId, actorInd), soci::use(h.actorRole),
        soci::use(h.action), soci::use(h.fromState, fromInd), soci::use(h.toState), soci::use(h.comment), soci::use(h.fieldsJson);
    return h.seq;
}

std::vector<HistoryRow> CaseStore::history(const std::string& id) const {
    auto r = FetchedRows::fetch(s_, "SELECT seq, at, actor_id, actor_role, action, from_state, to_state, comment, fields FROM case_history "
                                    "WHERE tenant_id = ? AND case_id = ? ORDER BY seq",
                                {t_, id});
    std::vector<HistoryRow> out;
    for (std::size_t i = 0; i < r.size(); ++i)
        out.push_back({static_cast<int>(r.integer(i, 0)), r.integer(i, 1), str(r, i, 2), str(r, i, 3), str(r, i, 4), str(r, i, 5),
                       str(r, i, 6), str(r, i, 7), str(r, i, 8)});
    return out;
}

void CaseStore::addMessage(const std::string& id, const MessageRow& m) {
    s_ << "INSERT INTO case_messages (tenant_id, case_id, message_id, at, author_id, author_role, text) VALUES (:t, :id, :m, :at, :a, "
          ":r, :x)",
        soci::use(t_), soci::use(id), soci::use(m.id), soci::use(m.at), soci::use(m.authorId), soci::use(m.authorRole), soci::use(m.text);
}

std::vector<MessageRow> CaseStore::messages(const std::string& id) const {
    auto r = FetchedRows::fetch(s_, "SELECT message_id, author_id, author_role, text, at FROM case_messages WHERE tenant_id = ? AND "
                                    "case_id = ? ORDER BY at, message_id",
                                {t_, id});
    std::vector<MessageRow> out;
    for (std::size_t i = 0; i < r.size(); ++i) out.push_back({str(r, i, 0), str(r, i, 1), str(r, i, 2), str(r, i, 3), r.integer(i, 4)});
    return out;
}

std::vector<std::string> CaseStore::inStateSince(const std::string& kind, const std::string& state, long long since, int limit) const {
    auto r = FetchedRows::fetch(s_, "SELECT case_id FROM cases WHERE tenant_id = ? AND kind = ? AND state = ? AND state_since <= ? "
                                    "ORDER BY state_since LIMIT ?",
                                {t_, kind, state, since, static_cast<long long>(limit)});
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r.size(); ++i) out.push_back(str(r, i, 0));
    return out;
}

std::vector<std::pair<std::string, std::string>> CaseStore::pastDue(long long now, int limit) const {
    auto r = FetchedRows::fetch(s_, "SELECT d.case_id, d.deadline_id FROM case_deadlines d JOIN cases c ON c.tenant_id = d.tenant_id AND "
                                    "c.case_id = d.case_id WHERE d.tenant_id = ? AND d.overdue = 0 AND d.due_at < ? AND c.closed_at IS NULL "
                                    "ORDER BY d.due_at LIMIT ?",
                                {t_, now, static_cast<long long>(limit)});
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < r.size(); ++i) out.emplace_back(str(r, i, 0), str(r, i, 1));
    return out;
}

bool CaseStore::offerOpen(const std::string& id, const std::string& applicantId, const std::string& kind) const {
    auto r = FetchedRows::fetch(s_, "SELECT COUNT(*) FROM cases WHERE tenant_id = ? AND case_id = ? AND applicant_id = ? AND offer_kind = ?",
                                {t_, id, applicantId, kind});
    if (r.integer(0, 0) == 0) return false;
    auto filed = FetchedRows::fetch(s_, "SELECT COUNT(*) FROM cases WHERE tenant_id = ? AND parent_case_id = ? AND kind = ?", {t_, id, kind});
    return filed.integer(0, 0) == 0;
}

std::optional<PersonRow> person(soci::session& s, const std::string& tenant, const std::string& userId) {
    auto r = FetchedRows::fetch(s, "SELECT user_id, role, kind, email, fields_json FROM users WHERE tenant_id = ? AND user_id = ?", {tenant, userId});
    if (r.size() == 0) return std::nullopt;
    return PersonRow{str(r, 0, 0), str(r, 0, 1), str(r, 0, 2), str(r, 0, 3), str(r, 0, 4)};
}

} // namespace kabinet::cases
