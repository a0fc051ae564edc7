#include "documents/DocumentTypes.h"

#include "util/Text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace kabinet::documents {

namespace {

bool startsWith(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && std::memcmp(s.data(), prefix.data(), prefix.size()) == 0;
}

unsigned le16(std::string_view s, std::size_t at) {
    return static_cast<unsigned char>(s[at]) | (static_cast<unsigned>(static_cast<unsigned char>(s[at + 1])) << 8);
}

FileType make(const std::string& id) { return {id, "", typeLabel(id)}; }

/// A ZIP archive's kind from the names (and the ODF `mimetype` entry) of the local file headers in `head`.
/// Every header signature found is read, so entries written with data descriptors (sizes unknown up front)
/// are found too.
std::string zipKind(std::string_view head) {
    static const std::string_view sig("PK\x03\x04", 4);
    bool word = false, excel = false, contentTypes = false;
    for (std::size_t at = head.find(sig); at != std::string_view::npos && at + 30 <= head.size(); at = head.find(sig, at + 4)) {
        const unsigned nameLen = le16(head, at + 26), extraLen = le16(head, at + 28);
        if (at + 30 + nameLen > head.size()) break;
        const std::string_view name = head.substr(at + 30, nameLen);
        if (name == "mimetype") {
            const std::size_t data = at + 30 + nameLen + extraLen;
            if (data < head.size()) {
                const std::string_view mime = head.substr(data, 80);
                if (startsWith(mime, "application/vnd.oasis.opendocument.text")) return "odt";
                if (startsWith(mime, "application/vnd.oasis.opendocument.spreadsheet")) return "ods";
            }
        }
        word |= startsWith(name, "word/");
        excel |= startsWith(name, "xl/");
        contentTypes |= name == "[Content_Types].xml";
    }
    if (word && !excel) return "docx";
    if (excel && !word) return "xlsx";
    return "zip";
}

/// An OLE2 compound file's kind from the UTF-16 names of its streams, when the directory is within `head`.
std::string oleKind(std::string_view head) {
    auto utf16 = [](const char* ascii) {
        std::string out;
        for (const char* p = ascii; *p; ++p) {
            out += *p;
            out += '\0';
        }
        return out;
    };
    static const std::string word = utf16("WordDocument"), book = utf16("Workbook"), oldBook = utf16("Book");
    const bool isWord = head.find(word) != std::string_view::npos;
    const bool isExcel = head.find(book) != std::string_view::npos || head.find(oldBook) != std::string_view::npos;
    if (isWord && !isExcel) return "doc";
    if (isExcel && !isWord) return "xls";
    return "ole2";
}

/// Plain text: well-formed UTF-8 without NUL or other control characters (tab, line feeds kept). When the
/// head is not the whole file, a character cut at its end is not held against it.
bool isText(std::string_view head, bool complete) {
    if (head.empty()) return false;
    if (!complete) {
        // Drop an incomplete trailing sequence (at most 3 bytes of a 4-byte character).
        std::size_t cut = head.size();
        for (std::size_t back = 1; back <= 3 && back <= head.size(); ++back) {
            const unsigned char c = static_cast<unsigned char>(head[head.size() - back]);
            if ((c & 0xC0) == 0x80) continue;
            if (c >= 0xC0) {
                const std::size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                if (need > back) cut = head.size() - back;
            }
            break;
        }
        head = head.substr(0, cut);
    }
    return text::check(head) == text::Problem::None;
}

} // namespace

FileType sniff(std::string_view head, bool complete) {
    if (head.size() > kSniffBytes) {
        head = head.substr(0, kSniffBytes);
        complete = false; // the rest is not looked at: a character cut at the end is not held against it
    }
    std::string id;
    if (startsWith(head, "MZ")) id = "exe";
    else if (startsWith(head, "%PDF-") || head.substr(0, 1024).find("%PDF-") != std::string_view::npos) id = "pdf";
    else if (startsWith(head, "\xFF\xD8\xFF")) id = "jpeg";
    else if (startsWith(head, std::string_view("\x89PNG\r\n\x1A\n", 8))) id = "png";
    else if (startsWith(head, "GIF87a") || startsWith(head, "GIF89a")) id = "gif";
    else if (startsWith(head, std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))) id = oleKind(head);
    else if (startsWith(head, std::string_view("PK\x03\x04", 4)) || startsWith(head, std::string_view("PK\x05\x06", 4))) id = zipKind(head);
    else if (startsWith(head, std::string_view("\x7F" "ELF", 4))) id = "exe";
    else if (isText(head, complete)) id = "txt";
    FileType t = make(id);
    static const std::pair<const char*, const char*> types[] = {
        {"pdf", "application/pdf"}, {"jpeg", "image/jpeg"}, {"png", "image/png"}, {"gif", "image/gif"},
        {"doc", "application/msword"}, {"xls", "application/vnd.ms-excel"}, {"ole2", "application/x-ole-storage"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"odt", "application/vnd.oasis.opendocument.text"}, {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
        {"zip", "application/zip"}, {"txt", "text/plain; charset=utf-8"}};
    t.contentType = "application/octet-stream";
    for (const auto& [key, mime] : types)
        if (id == key) t.contentType = mime;
    return t;
}

const std::vector<std::string>& knownTypes() {
    static const std::vector<std::string> ids = {"pdf", "jpeg", "png", "gif", "doc", "xls", "docx", "xlsx", "odt", "ods", "zip", "txt"};
    return ids;
}

std::string typeLabel(const std::string& id) {
    static const std::pair<const char*, const char*> labels[] = {
        {"pdf", "PDF"}, {"jpeg", "JPEG"}, {"jpg", "JPEG"}, {"png", "PNG"}, {"gif", "GIF"}, {"doc", "Word (DOC)"},
        {"xls", "Excel (XLS)"}, {"ole2", "Microsoft Office"}, {"docx", "Word (DOCX)"}, {"xlsx", "Excel (XLSX)"},
        {"odt", "ODT"}, {"ods", "ODS"}, {"zip", "ZIP"}, {"txt", "текст"}, {"exe", "программа"}};
    for (const auto& [key, label] : labels)
        if (id == key) return label;
    return id;
}

std::string allowedList(const std::vector<std::string>& ids) {
    std::vector<std::string> labels;
    for (const auto& id : ids) {
        const std::string label = typeLabel(id);
        if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
    }
    std::string out;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) out += i + 1 == labels.size() ? " или " : ", ";
        out += labels[i];
    }
    return out;
}

bool accepts(const std::vector<std::string>& allowed, const std::string& sniffedId) {
    if (sniffedId.empty() || sniffedId == "exe") return false;
    if (allowed.empty()) return true;
    for (const auto& a : allowed) {
        const std::string id = a == "jpg" ? "jpeg" : a;
        if (id == sniffedId) return true;
        if (sniffedId == "ole2" && (id == "doc" || id == "xls")) return true;
    }
    return false;
}

} // namespace kabinet::documents
