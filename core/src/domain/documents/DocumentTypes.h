#pragma once
/// What a file really is, told from its first bytes, never from its name: PDF, JPEG, PNG, GIF, the OLE2
/// compound documents of old Word and Excel, the ZIP-based office files (docx, xlsx, odt, ods, told apart by
/// the names of their first entries), other ZIP archives, plain text (valid UTF-8 without NUL bytes) and
/// Windows/DOS executables (MZ) and ELF programs, which no document type ever accepts. A PDF may have up to
/// 1 KiB of junk before its `%PDF-` header, as PDF readers allow.
#include <string>
#include <string_view>
#include <vector>

namespace kabinet::documents {

/// The number of leading bytes `sniff` needs to tell every type apart (more is ignored).
inline constexpr std::size_t kSniffBytes = 64 * 1024;

/// One sniffed type.
struct FileType {
    std::string id;          ///< "pdf", "jpeg", "png", "gif", "doc", "xls", "ole2" (old Office, kind not told), "docx", "xlsx", "odt", "ods", "zip", "txt", "exe", "" (unknown)
    std::string contentType; ///< the MIME type stored and answered with ("application/octet-stream" when unknown)
    std::string label;       ///< as people name it in Russian messages: "PDF", "JPEG", "Word", …
};

/// The type of a file from its leading bytes (up to kSniffBytes; the whole file when shorter).
/// `complete` says the bytes are the whole file (a text file cut mid-character is still text when not).
FileType sniff(std::string_view head, bool complete);

/// The known type ids in the order of the list above ("exe" excluded: never allowed).
const std::vector<std::string>& knownTypes();

/// The Russian label of a type id ("pdf" → "PDF", "docx" → "Word (DOCX)"); the id itself when unknown.
std::string typeLabel(const std::string& id);

/// The allowed types as people read them: "PDF, JPEG или PNG".
std::string allowedList(const std::vector<std::string>& ids);

/// True when `allowed` accepts a sniffed type: its id is listed ("jpg" is "jpeg"); an old Office file whose
/// kind the first bytes do not tell ("ole2") is accepted where "doc" or "xls" is. An "exe" and an unknown type
/// are never accepted; an empty `allowed` accepts every other known type.
bool accepts(const std::vector<std::string>& allowed, const std::string& sniffedId);

} // namespace kabinet::documents
