#pragma once
/// The document store: files people attach (case documents, answers' scans) kept in the database in
/// 256 KiB chunks (tables documents and document_chunks, sql/0009_documents), so every kabinetd instance on
/// one PostgreSQL sees them and no step holds a whole file in memory. A file is written inside the caller's
/// transaction: refused (wrong real type, too large) or failed, nothing of it stays.
#include "storage/Database.h"

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {

/// Whom a document belongs to: {type: "case", id: case id, ref: "history:<seq>" | "message:<id>" | ""}.
struct DocumentOwner {
    std::string type;
    std::string id;
    std::string ref;
};

/// What one document type accepts.
struct DocumentLimits {
    long long maxBytes = 10LL << 20;  ///< largest file, bytes
    std::vector<std::string> types;   ///< allowed sniffed type ids (documents::knownTypes); empty: any known type but "exe"
    std::string field = "file";       ///< the form field named in errors ("file", "doc.<type id>")
    long long quotaBytes = 0;         ///< the tenant's document quota (settings.limits); 0: none
};

/// One stored document, without its bytes.
struct DocumentInfo {
    std::string id;
    DocumentOwner owner;
    std::string type;        ///< the document type of the owner's rules (e.g. "scan", "answer")
    std::string name;        ///< the file name as sent, cleaned (no path, no control characters)
    std::string contentType; ///< from the sniffed content, never from the client
    std::string fileType;    ///< the sniffed type id ("pdf", "jpeg", …)
    long long size = 0;
    std::string sha256;      ///< hex of the content's SHA-256
    std::string createdBy;   ///< user id ("" for the system)
    long long createdAt = 0; ///< Unix seconds
};

class DocumentStore {
public:
    /// Bytes per stored chunk.
    static constexpr std::size_t kChunkBytes = 256 * 1024;

    /// Streams `in` into a new document of `owner` inside the caller's transaction on `s`, chunk by chunk.
    /// Throws Error 422 naming `limits.field` in Russian when the content is not of an allowed type whatever
    /// its name says («Файл «x.pdf» — не PDF, JPEG или PNG»; an executable always) or is empty, and 413
    /// `file_too_large` naming the field when it is larger than `limits.maxBytes` («Файл больше 10 МБ»);
    /// the caller's transaction then rolls back, so nothing of it stays. With `limits.quotaBytes`, a file that would
    /// take the tenant's documents past it is refused with 429 limit_exceeded (document_storage_bytes).
    static DocumentInfo put(soci::session& s, const std::string& tenant, const DocumentOwner& owner,
                            const std::string& type, const std::string& fileName, std::istream& in,
                            const DocumentLimits& limits, const std::string& createdBy, long long now);

    /// The documents of an owner (every ref), oldest first.
    static std::vector<DocumentInfo> list(soci::session& s, const std::string& tenant, const std::string& ownerType,
                                          const std::string& ownerId);
    /// One document, or nothing when the tenant has none of that id.
    static std::optional<DocumentInfo> info(soci::session& s, const std::string& tenant, const std::string& id);
    /// Writes the document's bytes to `out` chunk by chunk, in order, each chunk read by its own query (one
    /// chunk in memory at a time). Throws NotFound when there is no such document.
    static void copyTo(Database& db, const std::string& tenant, const std::string& id, std::ostream& out);
    /// Removes a document and its chunks (inside the caller's transaction); false when there was none.
    static bool remove(soci::session& s, const std::string& tenant, const std::string& id);

    /// "10 МБ", "512 КБ", "300 байт": a size as people read it in messages.
    static std::string sizeText(long long bytes);
};

} // namespace kabinet
