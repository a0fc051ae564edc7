// What a file really is (domain/documents/DocumentTypes): magic bytes, the ZIP-based office files told apart
// by their entries, old Office files, UTF-8 text; an executable is never accepted, whatever it is called.
#include <catch2/catch.hpp>

#include "documents/DocumentTypes.h"

#include <string>

using namespace kabinet::documents;

namespace {
/// A ZIP local file header for `name` with `data` stored uncompressed.
std::string zipEntry(const std::string& name, const std::string& data = "") {
    std::string h("PK\x03\x04", 4);
    h += std::string("\x14\0\0\0\0\0\0\0\0\0\0\0\0\0", 14); // version, flags, method, time, date, crc
    auto le32 = [&](std::size_t v) { for (int i = 0; i < 4; ++i) h += static_cast<char>((v >> (8 * i)) & 0xFF); };
    le32(data.size());
    le32(data.size());
    h += static_cast<char>(name.size() & 0xFF);
    h += static_cast<char>(name.size() >> 8);
    h += std::string("\0\0", 2);
    return h + name + data;
}
std::string id(const std::string& bytes, bool complete = true) { return sniff(bytes, complete).id; }
} // namespace

TEST_CASE("files are told by their first bytes", "[documents]") {
    CHECK(id("%PDF-1.7\n%\xE2\xE3\xCF\xD3") == "pdf");
    CHECK(id("\xFF\xD8\xFF\xE0\0\x10JFIF") == "jpeg");
    CHECK(id(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16)) == "png");
    CHECK(id("GIF89a\x01\0") == "gif");
    CHECK(id(std::string("MZ\x90\0", 4)) == "exe");
    CHECK(id("\x7F" "ELF\x02\x01") == "exe");
    CHECK(id("Просто текст\r\n\tс табуляцией") == "txt");
    CHECK(id(std::string("text\0with NUL", 13)) == "");
    CHECK(id("\xC3\x28 broken UTF-8") == "");
    CHECK(id("") == "");
    // A text head cut in the middle of a character is still text when the file goes on.
    const std::string cut = std::string("Привет").substr(0, 11);
    CHECK(id(cut, false) == "txt");
    CHECK(id(cut, true) == "");
    // A whole file longer than the sniffer reads, cut by it in the middle of a character.
    std::string cyrillic = "xy";
    while (cyrillic.size() < 100000) cyrillic += "Съешь же ещё этих мягких французских булок. ";
    CHECK(id(cyrillic, true) == "txt");
    CHECK(id("\r\n\r\n%PDF-1.3\n") == "pdf"); // junk before the header, as readers allow
    CHECK(id(std::string("MZ%PDF-1.3", 10)) == "exe");
    CHECK(sniff("%PDF-1.4", true).contentType == "application/pdf");
    CHECK(sniff("\x01\x02", true).contentType == "application/octet-stream");
}

TEST_CASE("ZIP-based office files are told apart by their entries", "[documents]") {
    CHECK(id(zipEntry("[Content_Types].xml", "<Types/>") + zipEntry("_rels/.rels") + zipEntry("word/document.xml")) == "docx");
    CHECK(id(zipEntry("[Content_Types].xml", "<Types/>") + zipEntry("xl/workbook.xml")) == "xlsx");
    CHECK(id(zipEntry("mimetype", "application/vnd.oasis.opendocument.text") + zipEntry("content.xml")) == "odt");
    CHECK(id(zipEntry("mimetype", "application/vnd.oasis.opendocument.spreadsheet")) == "ods");
    CHECK(id(zipEntry("photos/1.jpg", "\xFF\xD8\xFF")) == "zip");
    CHECK(id(std::string("PK\x05\x06", 4) + std::string(18, '\0')) == "zip"); // an empty archive
    CHECK(sniff(zipEntry("word/document.xml"), true).contentType ==
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
}

TEST_CASE("old Office files are told by their stream names", "[documents]") {
    const std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
    auto utf16 = [](const std::string& s) { std::string o; for (char c : s) { o += c; o += '\0'; } return o; };
    CHECK(id(ole + std::string(500, '\0') + utf16("WordDocument")) == "doc");
    CHECK(id(ole + std::string(500, '\0') + utf16("Workbook")) == "xls");
    CHECK(id(ole + std::string(500, '\0')) == "ole2");
}

TEST_CASE("what a document type accepts", "[documents]") {
    CHECK(accepts({"pdf", "jpg"}, "jpeg"));
    CHECK(accepts({"pdf"}, "pdf"));
    CHECK_FALSE(accepts({"pdf"}, "png"));
    CHECK(accepts({"doc"}, "ole2"));
    CHECK_FALSE(accepts({"doc"}, "xls"));
    CHECK(accepts({}, "zip"));
    CHECK_FALSE(accepts({}, "exe"));
    CHECK_FALSE(accepts({"exe"}, "exe"));
    CHECK_FALSE(accepts({}, ""));
    CHECK(allowedList({"pdf", "jpeg", "jpg", "png"}) == "PDF, JPEG или PNG");
    CHECK(allowedList({"docx"}) == "Word (DOCX)");
    CHECK(typeLabel("txt") == "текст");
}
