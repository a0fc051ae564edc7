#include "documents/DocumentStore.h"

#include "limits/LimitUsage.h"
#include "limits/RateLimiter.h"
#include "documents/DocumentTypes.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Text.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <cstdio>

namespace kabinet {

namespace {

bool postgres(soci::session& s) { return s.get_backend_name() == "postgresql"; }

std::string toHex(const std::string& bytes) { return crypto::hex(bytes); }

std::string fromHex(const std::string& hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) throw std::runtime_error("document chunk: malformed hex");
        out += static_cast<char>((hi << 4) | lo);
    }
    return out;
}

/// The name as sent without any folder part, control characters or ill-formed UTF-8, at most 200 characters.
std::string cleanName(const std::string& raw) {
    std::string name = raw;
    if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name = name.substr(slash + 1);
    name = text::validUtf8(name, 200);
    std::string out;
    for (unsigned char c : name)
        if (c >= 0x20 && c != 0x7F) out += static_cast<char>(c);
    // C1 controls (U+0080…U+009F, UTF-8 C2 80…C2 9F) are dropped too.
    std::string clean;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (static_cast<unsigned char>(out[i]) == 0xC2 && i + 1 < out.size() && static_cast<unsigned char>(out[i + 1]) < 0xA0) {
            ++i;
            continue;
        }
        clean += out[i];
    }
    while (!clean.empty() && (clean.back() == ' ' || clean.back() == '.')) clean.pop_back();
    while (!clean.empty() && clean.front() == ' ') clean.erase(0, 1);
    return clean.empty() ? "file" : clean;
}

/// Reads up to `n` bytes (fewer only at the end of the stream).
std::size_t readUpTo(std::istream& in, std::string& buf, std::size_t n) {
    buf.resize(n);
    std::size_t got = 0;
    while (got < n && in) {
        in.read(buf.data() + got, static_cast<std::streamsize>(n - got));
        got += static_cast<std::size_t>(in.gcount());
    }
    buf.resize(got);
    return got;
}

void insertChunk(soci::session& s, const std::string& tenant, const std::string& id, int seq, const std::string& bytes) {
    if (postgres(s)) {
        const std::string hex = toHex(bytes);
        s << "INSERT INTO document_chunks (tenant_id, document_id, seq, bytes) VALUES (:t, :d, :s, decode(:b, 'hex'))",
            soci::use(tenant), soci::use(id), soci::use(seq), soci::use(hex);
    } else {
        s << "INSERT INTO document_chunks (tenant_id, document_id, seq, bytes) VALUES (:t, :d, :s, CAST(:b AS BLOB))",
            soci::use(tenant), soci::use(id), soci::use(seq), soci::use(bytes);
    }
}

std::string readChunk(soci::session& s, const std::string& tenant, const std::string& id, int seq) {
    std::string bytes;
    soci::indicator ind = soci::i_ok;
    if (postgres(s)) {
        std::string hex;
        s << "SELECT encode(bytes, 'hex') FROM document_chunks WHERE tenant_id = :t AND document_id = :d AND seq = :s",
            soci::into(hex, ind), soci::use(tenant), soci::use(id), soci::use(seq);
        if (!s.got_data()) throw std::runtime_error("document chunk missing");
        bytes = fromHex(hex);
    } else {
        s << "SELECT bytes FROM document_chunks WHERE tenant_id = :t AND document_id = :d AND seq = :s",
            soci::into(bytes, ind), soci::use(tenant), soci::use(id), soci::use(seq);
        if (!s.got_data()) throw std::runtime_error("document chunk missing");
    }
    return bytes;
}

const char* kColumns = "document_id, owner_type, owner_id, ref, type, name, content_type, file_type, size, sha256, created_by, created_at";

DocumentInfo fromRow(const soci::row& r) {
    DocumentInfo d;
    d.id = r.get<std::string>(0);
    d.owner = {r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)};
    d.type = r.get<std::string>(4);
    d.name = r.get<std::string>(5);
    d.contentType = r.get<std::string>(6);
    d.fileType = r.get<std::string>(7);
    d.size = r.get<long long>(8);
    d.sha256 = r.get<std::string>(9);
    d.createdBy = r.get<std::string>(10);
    d.createdAt = r.get<long long>(11);
    return d;
}

} // namespace

std::string DocumentStore::sizeText(long long bytes) {
    auto amount = [](long long value, long long unit, const char* name) {
        char buf[32];
        if (value % unit == 0) std::snprintf(buf, sizeof buf, "%lld %s", value / unit, name);
        else {
            std::snprintf(buf, sizeof buf, "%.1f %s", static_cast<double>(value) / static_cast<double>(unit), name);
            for (char* p = buf; *p; ++p)
                if (*p == '.') *p = ',';
        }
        return std::string(buf);
    };
    if (bytes >= (1LL << 20)) return amount(bytes, 1LL << 20, "МБ");
    if (bytes >= 1024) return amount(bytes, 1024, "КБ");
    return std::to_string(bytes) + " байт";
}

DocumentInfo DocumentStore::put(soci::session& s, const std::string& tenant, const DocumentOwner& owner,
                                const std::string& type, const std::string& fileName, std::istream& in,
                                const DocumentLimits& limits, const std::string& createdBy, long long now) {
    DocumentInfo d;
    d.id = crypto::randomToken(16);
    d.owner = owner;
    d.type = type;
    d.name = cleanName(fileName);
    d.createdBy = createdBy;
    d.createdAt = now;
    const std::string quoted = "Файл «" + d.name + "»";
    auto tooLarge = [&]() {
        const std::string limit = sizeText(limits.maxBytes);
        return Error(413, "file_too_large", "Файл больше " + limit, {{limits.field, quoted + " больше " + limit}});
    };

    // The first chunk decides the type before anything is written.
    std::string chunk;
    readUpTo(in, chunk, kChunkBytes);
    const bool complete = chunk.size() < kChunkBytes || in.peek() == std::char_traits<char>::eof();
    if (chunk.empty()) throw Error(422, "file_empty", quoted + " пуст", {{limits.field, quoted + " пуст"}});
    const documents::FileType sniffed = documents::sniff(chunk, complete);
    if (sniffed.id == "exe")
        throw Error(422, "file_type_not_allowed", quoted + " — программа; такие файлы не принимаются",
                    {{limits.field, quoted + " — программа; такие файлы не принимаются"}});
    if (!documents::accepts(limits.types, sniffed.id)) {
        const std::string allowed = limits.types.empty() ? documents::allowedList(documents::knownTypes())
                                                         : documents::allowedList(limits.types);
        throw Error(422, "file_type_not_allowed", quoted + " — не " + allowed, {{limits.field, quoted + " — не " + allowed}});
    }
    if (static_cast<long long>(chunk.size()) > limits.maxBytes) throw tooLarge();
    // The tenant's document quota (settings.limits.document_storage_bytes): what it keeps already, this file
    // counted as it arrives; over it the upload stops and the caller's transaction rolls back.
    const long long kept = limits.quotaBytes > 0 ? limits::documentBytes(s, tenant) : 0;
    auto overQuota = [&]() {
        limits::Rejections::count(tenant, limits::kDocumentBytes);
        return limits::exceeded(limits::kDocumentBytes,
                                "Хранилище документов организации заполнено (лимит " + limits::bytesText(limits.quotaBytes) +
                                    ", занято " + limits::bytesText(kept) + "): " + quoted + " не сохранён. Обратитесь в организацию",
                                3600);
    };
    if (limits.quotaBytes > 0 && kept + static_cast<long long>(chunk.size()) > limits.quotaBytes) throw overQuota();
    d.fileType = sniffed.id;
    d.contentType = sniffed.contentType;

    s << "INSERT INTO documents (tenant_id, document_id, owner_type, owner_id, ref, type, name, content_type, file_type, "
         "size, sha256, chunks, created_by, created_at) VALUES (:t, :id, :ot, :oi, :r, :ty, :n, :ct, :ft, 0, '', 0, :cb, :ca)",
        soci::use(tenant), soci::use(d.id), soci::use(owner.type), soci::use(owner.id), soci::use(owner.ref),
        soci::use(type), soci::use(d.name), soci::use(d.contentType), soci::use(d.fileType), soci::use(createdBy),
        soci::use(now);
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    int seq = 0;
    long long size = 0;
    while (!chunk.empty()) {
        size += static_cast<long long>(chunk.size());
        if (size > limits.maxBytes) throw tooLarge();
        if (limits.quotaBytes > 0 && kept + size > limits.quotaBytes) throw overQuota();
        sha.update(chunk.data(), chunk.size());
        insertChunk(s, tenant, d.id, seq++, chunk);
        readUpTo(in, chunk, kChunkBytes);
    }
    if (in.bad()) throw std::runtime_error("document upload: the input stream failed");
    d.size = size;
    d.sha256 = Poco::DigestEngine::digestToHex(sha.digest());
    s << "UPDATE documents SET size = :s, sha256 = :h, chunks = :c WHERE tenant_id = :t AND document_id = :id",
        soci::use(d.size), soci::use(d.sha256), soci::use(seq), soci::use(tenant), soci::use(d.id);
    return d;
}

std::vector<DocumentInfo> DocumentStore::list(soci::session& s, const std::string& tenant, const std::string& ownerType,
                                              const std::string& ownerId) {
    std::vector<DocumentInfo> out;
    soci::rowset<soci::row> rows = (s.prepare << "SELECT " << kColumns
                                              << " FROM documents WHERE tenant_id = :t AND owner_type = :ot AND owner_id = :oi"
                                                 " ORDER BY created_at, document_id",
                                    soci::use(tenant), soci::use(ownerType), soci::use(ownerId));
    for (const auto& r : rows) out.push_back(fromRow(r));
    return out;
}

std::optional<DocumentInfo> DocumentStore::info(soci::session& s, const std::string& tenant, const std::string& id) {
    soci::rowset<soci::row> rows = (s.prepare << "SELECT " << kColumns << " FROM documents WHERE tenant_id = :t AND document_id = :id",
                                    soci::use(tenant), soci::use(id));
    for (const auto& r : rows) return fromRow(r);
    return std::nullopt;
}

void DocumentStore::copyTo(Database& db, const std::string& tenant, const std::string& id, std::ostream& out) {
    int chunks = -1;
    db.read([&](soci::session& s) {
        soci::indicator ind = soci::i_ok;
        int n = 0;
        s << "SELECT chunks FROM documents WHERE tenant_id = :t AND document_id = :id", soci::into(n, ind), soci::use(tenant),
            soci::use(id);
        if (s.got_data()) chunks = n;
    });
    if (chunks < 0) throw NotFound("document_not_found", "Документ не найден");
    for (int seq = 0; seq < chunks; ++seq) {
        std::string bytes;
        db.read([&](soci::session& s) { bytes = readChunk(s, tenant, id, seq); });
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw std::runtime_error("document download: the output stream failed");
    }
}

bool DocumentStore::remove(soci::session& s, const std::string& tenant, const std::string& id) {
    s << "DELETE FROM document_chunks WHERE tenant_id = :t AND document_id = :id", soci::use(tenant), soci::use(id);
    soci::statement st = (s.prepare << "DELETE FROM documents WHERE tenant_id = :t AND document_id = :id", soci::use(tenant),
                          soci::use(id));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

} // namespace kabinet
