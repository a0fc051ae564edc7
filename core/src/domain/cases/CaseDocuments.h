#pragma once
/// The documents of cases, kept in the document store (owner type "case", owner id the case id; `ref`
/// "history:<seq>" or "message:<id>" when they came with a history entry or a message). The one place the
/// case engine touches DocumentStore.
#include "cases/CaseKinds.h"
#include "cases/CaseService.h"

#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {
class Database;
}

namespace kabinet::cases {

/// A stored document of a case.
struct CaseDoc {
    std::string id, type, name, contentType, ref, createdBy;
    long long size = 0, at = 0;
};

/// Stores the uploads of the parts "doc.<type>" (or, with `fileType`, the part "file" as that type) in the
/// caller's transaction; each is checked against its type's limits (size, real content type) and refused with
/// 413/422 naming its part in Russian, and against the tenant's document quota (429 limit_exceeded). Returns the
/// stored documents.
std::vector<CaseDoc> storeUploads(soci::session& s, const Tenant& t, const std::string& caseId, const std::string& ref, const Kind& kind,
                 const std::vector<CaseUpload>& uploads, const std::string& createdBy, long long now, const std::string& fileType = {});
/// The documents of a case, oldest first.
std::vector<CaseDoc> caseDocuments(soci::session& s, const std::string& tenant, const std::string& caseId);
/// Writes a document's bytes to `out`.
void copyCaseDocument(Database& db, const std::string& tenant, const std::string& documentId, std::ostream& out);

} // namespace kabinet::cases
