#include "cases/CaseDocuments.h"

#include "documents/DocumentStore.h"
#include "limits/LimitSettings.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

namespace kabinet::cases {

std::vector<CaseDoc> storeUploads(soci::session& s, const Tenant& t, const std::string& caseId, const std::string& ref, const Kind& kind,
                 const std::vector<CaseUpload>& uploads, const std::string& createdBy, long long now, const std::string& fileType) {
    const std::string& tenant = t.id();
    const long long quota = limits::LimitSettings::of(t).documentBytes;
    std::vector<CaseDoc> stored;
    for (const auto& u : uploads) {
        std::string type;
        if (u.part.rfind("doc.", 0) == 0) type = u.part.substr(4);
        else if (u.part == "file" && !fileType.empty()) type = fileType;
        const DocType* d = kind.document(type);
        if (!d) throw Unprocessable({{u.part, "Такой документ к этой заявке не прикладывается"}});
        if (!u.in) throw Unprocessable({{u.part, "Приложите файл"}});
        DocumentLimits limits;
        limits.maxBytes = d->maxBytes;
        limits.types = d->types;
        limits.field = u.part;
        limits.quotaBytes = quota;
        const DocumentInfo i = DocumentStore::put(s, tenant, DocumentOwner{"case", caseId, ref}, d->id, u.fileName, *u.in, limits, createdBy, now);
        stored.push_back(CaseDoc{i.id, i.type, i.name, i.contentType, i.owner.ref, i.createdBy, i.size, i.createdAt});
    }
    return stored;
}

std::vector<CaseDoc> caseDocuments(soci::session& s, const std::string& tenant, const std::string& caseId) {
    std::vector<CaseDoc> out;
    for (const auto& d : DocumentStore::list(s, tenant, "case", caseId))
        out.push_back(CaseDoc{d.id, d.type, d.name, d.contentType, d.owner.ref, d.createdBy, d.size, d.createdAt});
    return out;
}

void copyCaseDocument(Database& db, const std::string& tenant, const std::string& documentId, std::ostream& out) {
    DocumentStore::copyTo(db, tenant, documentId, out);
}

} // namespace kabinet::cases
