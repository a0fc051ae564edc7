// The document store (domain/documents) on the backend of this run: files stream into 256 KiB chunks inside
// the caller's transaction and come back byte for byte, in order; the real type is sniffed from the content
// (an executable renamed .pdf is refused), the size limit holds, and nothing of a refused file stays; two
// Database objects on one database (two instances) see the same document.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "documents/DocumentStore.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "util/Crypto.h"
#include "util/Error.h"

#include <random>
#include <sstream>

using namespace kabinet;

namespace {

/// `size` pseudo-random bytes (every byte value, NULs included) after `head`.
std::string bytesAfter(const std::string& head, std::size_t size, unsigned seed = 7) {
    std::string out = head;
    out.reserve(size);
    std::mt19937_64 rng(seed);
    while (out.size() + 8 <= size) {
        const auto v = rng();
        out.append(reinterpret_cast<const char*>(&v), 8);
    }
    while (out.size() < size) out += static_cast<char>(rng());
    return out;
}

long long count(Database& db, const std::string& table) {
    long long n = -1;
    db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM " + table, soci::into(n); });
    return n;
}

DocumentInfo store(Database& db, const std::string& name, const std::string& content, const DocumentLimits& limits,
                   const DocumentOwner& owner = {"case", "c1", ""}, long long now = 1'780'000'000) {
    DocumentInfo info;
    db.transaction([&](soci::session& s) {
        std::istringstream in(content);
        info = DocumentStore::put(s, "t1", owner, "scan", name, in, limits, "u1", now);
    });
    return info;
}

std::string fetch(Database& db, const std::string& id, const std::string& tenant = "t1") {
    std::ostringstream out;
    DocumentStore::copyTo(db, tenant, id, out);
    return out.str();
}

const DocumentLimits kPdfOrImage{10LL << 20, {"pdf", "jpeg", "png"}, "doc.scan"};

} // namespace

TEST_CASE("a 25 MB file round-trips byte for byte in 256 KiB chunks", "[documents]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 2);
    Migrator(db).migrate();
    const std::string content = bytesAfter("%PDF-1.7\n", 25u << 20);
    const auto info = store(db, "Акт.pdf", content, {30LL << 20, {"pdf"}, "file"});
    CHECK(info.size == static_cast<long long>(content.size()));
    CHECK(info.sha256 == crypto::sha256Hex(content));
    CHECK(info.fileType == "pdf");
    CHECK(info.contentType == "application/pdf");
    CHECK(info.name == "Акт.pdf");
    CHECK(count(db, "document_chunks") == 100);
    const std::string back = fetch(db, info.id);
    CHECK(back.size() == content.size());
    CHECK(crypto::sha256Hex(back) == info.sha256);
    CHECK(back == content);
}

TEST_CASE("chunks are stored numbered and read back in order", "[documents]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 2);
    Migrator(db).migrate();
    // Three full chunks and a tail, each filled with its own byte, behind a PNG signature.
    std::string content("\x89PNG\r\n\x1A\n", 8);
    for (char fill : {'\0', 'B', '\xFF', 'D'})
        content += std::string(fill == 'D' ? 1000 : DocumentStore::kChunkBytes - (fill == '\0' ? 8 : 0), fill);
    const auto info = store(db, "../../etc/фото.png", content, kPdfOrImage);
    CHECK(info.name == "фото.png");
    CHECK(info.fileType == "png");
    std::vector<int> seqs;
    db.read([&](soci::session& s) {
        soci::rowset<int> rows = (s.prepare << "SELECT seq FROM document_chunks WHERE document_id = :id ORDER BY seq", soci::use(info.id));
        for (int v : rows) seqs.push_back(v);
    });
    CHECK(seqs == std::vector<int>{0, 1, 2, 3});
    const std::string back = fetch(db, info.id);
    REQUIRE(back.size() == content.size());
    CHECK(back[DocumentStore::kChunkBytes] == 'B');
    CHECK(back[2 * DocumentStore::kChunkBytes] == '\xFF');
    CHECK(back.back() == 'D');
    CHECK(back == content);
}

TEST_CASE("an executable renamed .pdf is refused whatever its name and nothing is stored", "[documents]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 2);
    Migrator(db).migrate();
    const std::string exe = bytesAfter(std::string("MZ\x90\0\x03\0\0\0", 8), 300000);
    try {
        store(db, "договор.pdf", exe, kPdfOrImage);
        FAIL("the executable was stored");
    } catch (const Error& e) {
        CHECK(e.status() == 422);
        CHECK(e.code() == "file_type_not_allowed");
        REQUIRE(e.fields().count("doc.scan"));
        CHECK(e.fields().at("doc.scan") == "Файл «договор.pdf» — программа; такие файлы не принимаются");
    }
    // Allowing every type still refuses it.
    CHECK_THROWS_AS(store(db, "setup.txt", exe, {10LL << 20, {}, "file"}), Error);
    // A type that is not allowed names the allowed ones.
    try {
        store(db, "письмо.pdf", "Обычный текст, не PDF\n", kPdfOrImage);
        FAIL("the text was stored");
    } catch (const Error& e) {
        CHECK(e.status() == 422);
        CHECK(e.fields().at("doc.scan") == "Файл «письмо.pdf» — не PDF, JPEG или PNG");
    }
    try {
        store(db, "empty.pdf", "", kPdfOrImage);
        FAIL("the empty file was stored");
    } catch (const Error& e) {
        CHECK(e.status() == 422);
        CHECK(e.fields().at("doc.scan") == "Файл «empty.pdf» пуст");
    }
    CHECK(count(db, "documents") == 0);
    CHECK(count(db, "document_chunks") == 0);
}

TEST_CASE("a file over its type's limit is refused and nothing of it stays", "[documents]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 2);
    Migrator(db).migrate();
    const DocumentLimits oneMb{1LL << 20, {"pdf"}, "file"};
    // Several chunks are written before the limit is passed: the transaction takes them back.
    try {
        store(db, "big.pdf", bytesAfter("%PDF-1.4\n", (1u << 20) + 1), oneMb);
        FAIL("the oversize file was stored");
    } catch (const Error& e) {
        CHECK(e.status() == 413);
        CHECK(e.code() == "file_too_large");
        CHECK(std::string(e.what()) == "Файл больше 1 МБ");
        CHECK(e.fields().at("file") == "Файл «big.pdf» больше 1 МБ");
    }
    CHECK(count(db, "documents") == 0);
    CHECK(count(db, "document_chunks") == 0);
    // Exactly the limit is accepted.
    const auto info = store(db, "ok.pdf", bytesAfter("%PDF-1.4\n", 1u << 20), oneMb);
    CHECK(info.size == (1LL << 20));
    CHECK(DocumentStore::sizeText(10LL << 20) == "10 МБ");
    CHECK(DocumentStore::sizeText(1536LL << 10) == "1,5 МБ");
    CHECK(DocumentStore::sizeText(512 << 10) == "512 КБ");
}

TEST_CASE("two instances on one database see the same documents", "[documents]") {
    test::FreshDatabase fresh;
    Database one(fresh.url(), 2);
    Migrator(one).migrate();
    Database two(fresh.url(), 2);
    const std::string content = bytesAfter("\xFF\xD8\xFF\xE0", 600000, 11);
    const auto a = store(one, "scan.jpg", content, kPdfOrImage, {"case", "c7", "history:2"}, 1'780'000'000);
    const auto b = store(one, "notes.txt", "Пояснения к заявке\n", {1LL << 20, {"txt"}, "file"}, {"case", "c7", ""}, 1'780'000'100);
    store(one, "other.pdf", "%PDF-1.4\nx", kPdfOrImage, {"case", "c8", ""});
    two.read([&](soci::session& s) {
        const auto list = DocumentStore::list(s, "t1", "case", "c7");
        REQUIRE(list.size() == 2);
        CHECK(list[0].id == a.id);
        CHECK(list[0].owner.ref == "history:2");
        CHECK(list[0].fileType == "jpeg");
        CHECK(list[0].contentType == "image/jpeg");
        CHECK(list[0].size == 600000);
        CHECK(list[0].createdBy == "u1");
        CHECK(list[0].createdAt == 1'780'000'000);
        CHECK(list[1].id == b.id);
        CHECK(list[1].contentType == "text/plain; charset=utf-8");
        CHECK(DocumentStore::info(s, "t1", b.id)->name == "notes.txt");
        CHECK_FALSE(DocumentStore::info(s, "t2", b.id)); // another tenant sees nothing
    });
    CHECK(fetch(two, a.id) == content);
    CHECK_THROWS_AS(fetch(two, a.id, "t2"), NotFound);
    bool removed = false;
    two.transaction([&](soci::session& s) { removed = DocumentStore::remove(s, "t1", a.id); });
    CHECK(removed);
    CHECK_THROWS_AS(fetch(one, a.id), NotFound);
    CHECK(count(one, "document_chunks") == 2);
}
