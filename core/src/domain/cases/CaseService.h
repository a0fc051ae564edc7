#pragma once
/// Cases as people use them (issue 12, SPEC §2.4–2.5): a consumer files an appeal, a service application, a
/// complaint, feedback or a survey answer of a kind the tenant declares in Lua (CaseKinds); staff may file one
/// on a consumer's behalf. Each filing takes the next number of its register (CaseNumbering) and moves through
/// the kind's workflow by actions of the applicant, of operators and of timers, each checked against who may
/// take it from which state, the kind's Lua guard, and its inputs; every move appends to the case's history,
/// runs the kind's hooks (fields set, notices, offers) and recomputes its deadlines with the tenant's
/// production calendar. Every change is one transaction, and tells the other side through the notification
/// centre inside it. A consumer sees only their own cases (404 otherwise).
#include "identity/SessionInfo.h"

#include <Poco/JSON/Object.h>

#include <istream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kabinet {

class Database;
class Tenant;
class TenantRegistry;
namespace print {
struct PrintSheet;
}

/// A file that came with a request: the form part it came in ("doc.<type>" or "file"), its name and content.
struct CaseUpload {
    std::string part;
    std::string fileName;
    std::istream* in = nullptr;
};

/// What a document answer needs to stream a file.
struct CaseFile {
    std::string documentId, name, contentType;
    long long size = 0;
};

class CaseService {
public:
    using Query = std::map<std::string, std::string>;
    using Obj = Poco::JSON::Object::Ptr;

    explicit CaseService(Database& db) : db_(db) {}

    /// GET case-kinds: the tenant's groups and the kinds this person may file (?offer=<case id> adds the kind
    /// an open offer of that case invites to), each form with the applicant's profile values prefilled.
    Obj kinds(Tenant& t, const SessionInfo& s, const Query& q);
    /// POST cases: validates the form (the kind's Lua, 422 naming each field in Russian), the documents (a
    /// required one missing: 422 `doc.<type>`), takes the register's next number and stores the case, its
    /// first history entry and its documents in one transaction; tells operators (`case_filed`).
    Obj file(Tenant& t, const SessionInfo& s, const Obj& body, const std::vector<CaseUpload>& uploads, long long now);
    /// GET cases / GET operator/cases: a consumer's own cases, or (operatorList) the tenant's, newest first.
    Obj list(Tenant& t, const SessionInfo& s, const Query& q, bool operatorList);
    /// GET cases/{id}: the case as this person sees it, with the actions they may take now. 404 when unknown
    /// or (consumer) not theirs.
    Obj view(Tenant& t, const SessionInfo& s, const std::string& id, long long now);
    /// POST cases/{id}/actions/{action}: takes a person's action (403 when their role may not, 409 when not
    /// from the case's state or refused by the kind's guard, 422 for inputs). Returns the view.
    Obj act(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& action, const Obj& body,
            const std::vector<CaseUpload>& uploads, long long now);
    /// POST cases/{id}/documents: adds a document of `type` (applicant: while the state allows uploads and the
    /// type is theirs; staff: the tenant's types for operators, while the case is open). Returns {document}.
    Obj addDocument(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& type, const CaseUpload& file, long long now);
    /// GET cases/{id}/documents/{doc}: the file's description (404 when the case or document is not visible).
    CaseFile document(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& documentId);
    /// Writes the document's bytes, chunk by chunk.
    void copyDocument(Tenant& t, const std::string& documentId, std::ostream& out);
    /// POST cases/{id}/messages: a message of the applicant or of staff, with an optional file; tells the
    /// other side (`case_message`). Returns {message}.
    Obj addMessage(Tenant& t, const SessionInfo& s, const std::string& id, const Obj& body, const std::vector<CaseUpload>& uploads,
                   long long now);
    /// POST operator/cases/{id}/assign: sets the staff member in charge (null: nobody); a change is in the case's
    /// history and in the audit log (kind `operator`, action `case_assign`, the case's number; the assignee as
    /// target; `client` the caller's address). Returns the view.
    Obj assign(Tenant& t, const SessionInfo& s, const std::string& id, const Obj& body, long long now, const std::string& client = "");

    /// POST case-kinds/{kind}/print: the sheet of a form not yet filed (print/CasePrint.h), the form checked
    /// exactly as filing checks it (the same 422 field errors; documents are not asked for); nothing is stored.
    /// 404 when the kind is unknown or declares no `print`.
    print::PrintSheet printForm(Tenant& t, const SessionInfo& s, const std::string& kind, const Obj& body);
    /// GET cases/{id}/print: the sheet of a filed case with its number and filing date. 404 when the case is
    /// not visible to this person (a consumer: not theirs) or its kind declares no `print`.
    print::PrintSheet printCase(Tenant& t, const SessionInfo& s, const std::string& id);

    /// The timer pass over every tenant (CaseTimers): fires the timer actions that are due, each once even
    /// with several instances (the move is conditional on the state it fires from), and flags overdue cases,
    /// raising `case_overdue` once per deadline. Returns how many things it did.
    int runTimers(TenantRegistry& tenants, long long now);
    /// The same for one tenant.
    int runTimers(Tenant& t, long long now);

private:
    Database& db_;
};

} // namespace kabinet
