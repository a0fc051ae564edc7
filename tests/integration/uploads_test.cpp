// The edge's upload and download path on the backend of this run, through test-only routes on an HttpServer
// in this process: a route's own body limit (from Content-Length before reading, and while reading a chunked
// body) with --max-body still holding for other routes; multipart/form-data into the document store; a
// malformed form as a 400 JSON error; a stored file streamed back with its download headers.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TestContext.h"
#include "config/Config.h"
#include "documents/DocumentStore.h"
#include "http/FileAnswer.h"
#include "http/HttpServer.h"
#include "http/Multipart.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "tenants/TenantRegistry.h"
#include "util/Crypto.h"
#include "util/Error.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <random>
#include <sstream>

using namespace kabinet;

namespace {

const std::string kBoundary = "kabinet-test-boundary-7f3a";

std::string randomBytes(const std::string& head, std::size_t size) {
    std::string out = head;
    out.reserve(size);
    std::mt19937_64 rng(5);
    while (out.size() + 8 <= size) {
        const auto v = rng();
        out.append(reinterpret_cast<const char*>(&v), 8);
    }
    out.resize(size, 'x');
    return out;
}

std::string form(const std::string& owner, const std::string& fileName, const std::string& content) {
    return "--" + kBoundary + "\r\nContent-Disposition: form-data; name=\"owner\"\r\n\r\n" + owner + "\r\n--" + kBoundary +
           "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName +
           "\"\r\nContent-Type: application/pdf\r\n\r\n" + content + "\r\n--" + kBoundary + "--\r\n";
}

Poco::JSON::Object::Ptr json(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>(); }

/// An HttpServer on a free port with the test routes: uploads up to 30 MB (PDF or PNG) into the store,
/// a small-limit upload, a JSON route under --max-body (1 MB), and downloads.
struct Server {
    test::FreshDatabase fresh;
    Database db{fresh.url(), 4};
    Config config;
    TenantRegistry tenants{test::tempDir("uploads-tenants"), test::sourceDir() + "/scripts", LuaLimits{}};
    Metrics metrics;
    std::unique_ptr<HttpServer> http;

    Server() {
        Migrator(db).migrate();
        config.listenPort = 0;
        config.threads = 4;
        config.maxBodyBytes = 1 << 20;
        Router r;
        auto upload = [this](Request& req) {
            const auto f = MultipartForm::parse(req);
            const auto files = f.filesOf("file");
            if (files.empty()) throw Unprocessable({{"file", "Приложите файл"}});
            DocumentInfo info;
            db.transaction([&](soci::session& s) {
                auto in = files[0]->open();
                info = DocumentStore::put(s, "t1", {"test", f.field("owner"), ""}, "scan", files[0]->fileName, *in,
                                          {30LL << 20, {"pdf", "png"}, "file"}, "", 1'780'000'000);
            });
            Poco::JSON::Object o;
            o.set("id", info.id);
            o.set("size", info.size);
            o.set("sha256", info.sha256);
            o.set("name", info.name);
            std::ostringstream out;
            o.stringify(out);
            return Response::json(201, out.str());
        };
        const Shape parts = shape::object({{"owner", shape::string()}, {"file", shape::string("binary")}});
        r.add("POST", "/test/upload", false, RouteSpec("Test upload").multipart(parts).maxBody(30LL << 20), upload);
        r.add("POST", "/test/small-upload", false, RouteSpec("Test upload, 2 MB").multipart(parts).maxBody(2LL << 20), upload);
        r.add("POST", "/test/echo", false, RouteSpec("Test body under --max-body").body(shape::any()),
              [](Request& req) { return Response::json(200, "{\"bytes\":" + std::to_string(req.body.size()) + "}"); });
        r.add("GET", "/test/documents/{id}", false, RouteSpec("Test download").file(200, {"application/pdf", "image/png"}),
              [this](Request& req) {
                  std::optional<DocumentInfo> info;
                  db.read([&](soci::session& s) { info = DocumentStore::info(s, "t1", req.params.at("id")); });
                  if (!info) throw NotFound("document_not_found", "Документ не найден");
                  const std::string id = info->id;
                  return fileAnswer(info->contentType, info->name, info->size,
                                    [this, id](std::ostream& os) { DocumentStore::copyTo(db, "t1", id, os); });
              });
        HttpContext ctx{config, tenants, metrics, [](Tenant&, const std::string&) { return std::shared_ptr<SessionInfo>(); }};
        http = std::make_unique<HttpServer>(std::move(ctx), std::move(r));
        http->start();
    }
    ~Server() { http->stop(1); }

    struct Answer {
        int status = 0;
        std::string body;
        Poco::Net::HTTPResponse head;
    };
    /// A request with a body sent with Content-Length, or chunked.
    Answer send(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& type = "multipart/form-data; boundary=" + kBoundary, bool chunked = false) {
        Poco::Net::HTTPClientSession session("127.0.0.1", http->port());
        session.setTimeout(Poco::Timespan(30, 0));
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        if (!body.empty() || method == "POST") {
            req.setContentType(type);
            if (chunked) req.setChunkedTransferEncoding(true);
            else req.setContentLength64(static_cast<Poco::Int64>(body.size()));
        }
        Answer a;
        try {
            auto& os = session.sendRequest(req);
            os.write(body.data(), static_cast<std::streamsize>(body.size()));
        } catch (const Poco::Exception&) {
            // The server may answer and close before it read everything (413): read its answer below.
        }
        std::istream& in = session.receiveResponse(a.head);
        a.status = a.head.getStatus();
        Poco::StreamCopier::copyToString(in, a.body);
        return a;
    }
    long long documents() {
        long long n = -1;
        db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM document_chunks", soci::into(n); });
        return n;
    }
};

} // namespace

TEST_CASE("a 25 MB multipart upload is stored and streamed back with its download headers", "[uploads]") {
    Server s;
    const std::string content = randomBytes("%PDF-1.7\n", 25u << 20);
    const auto up = s.send("POST", "/test/upload", form("c1", "Акт сверки.pdf", content));
    INFO(up.body);
    REQUIRE(up.status == 201);
    const auto o = json(up.body);
    CHECK(o->getValue<long long>("size") == static_cast<long long>(content.size()));
    CHECK(o->getValue<std::string>("sha256") == crypto::sha256Hex(content));
    CHECK(o->getValue<std::string>("name") == "Акт сверки.pdf");

    const auto down = s.send("GET", "/test/documents/" + o->getValue<std::string>("id"));
    REQUIRE(down.status == 200);
    CHECK(down.head.getContentLength64() == static_cast<Poco::Int64>(content.size()));
    CHECK(down.head.getContentType() == "application/pdf");
    CHECK(down.head.get("Content-Disposition") ==
          "attachment; filename=\"file.pdf\"; filename*=UTF-8''%D0%90%D0%BA%D1%82%20%D1%81%D0%B2%D0%B5%D1%80%D0%BA%D0%B8.pdf");
    CHECK(down.head.get("X-Content-Type-Options") == "nosniff");
    CHECK(down.head.get("Cache-Control") == "private, no-store");
    CHECK(down.body.size() == content.size());
    CHECK(crypto::sha256Hex(down.body) == crypto::sha256Hex(content));

    CHECK(s.send("GET", "/test/documents/nosuch").status == 404);
}

TEST_CASE("a route's own body limit holds before and while reading; --max-body still holds elsewhere", "[uploads]") {
    Server s;
    // 3 MB: over the small route's 2 MB, under the upload route's 30 MB, over the server's 1 MB.
    const std::string three = form("c1", "a.pdf", randomBytes("%PDF-1.4\n", 3u << 20));
    const std::string small = "POST /test/small-upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + kBoundary;
    // Refused from the declared length alone: no byte of the body is sent.
    auto declared = test::rawRequest(s.http->port(), small + "\r\nContent-Length: " + std::to_string(three.size()) + "\r\n\r\n");
    CHECK(declared.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(declared.find("\"body_too_large\"") != std::string::npos);
    // A chunked body is counted while it is read: 2.5 MB of chunks.
    std::string chunked = small + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 40; ++i) chunked += "10000\r\n" + std::string(64 * 1024, 'x') + "\r\n";
    auto streamed = test::rawRequest(s.http->port(), chunked);
    CHECK(streamed.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(streamed.find("\"body_too_large\"") != std::string::npos);
    // The upload route takes the same 3 MB, by length and chunked.
    CHECK(s.send("POST", "/test/upload", three).status == 201);
    CHECK(s.send("POST", "/test/upload", three, "multipart/form-data; boundary=" + kBoundary, true).status == 201);
    CHECK(s.send("POST", "/test/small-upload", form("c1", "a.pdf", "%PDF-1.4\nsmall")).status == 201);
    // The JSON route keeps --max-body (1 MB).
    auto echo = test::rawRequest(s.http->port(), "POST /test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                                 "Content-Length: 1100000\r\n\r\n{");
    CHECK(echo.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(s.send("POST", "/test/echo", "{\"x\":1}", "application/json").status == 200);
    CHECK(s.documents() == 12 + 12 + 1); // chunks of two 3 MB files and a small one; nothing of the refused ones
}

TEST_CASE("a malformed form is a 400 JSON error and a lying file a 422; nothing is stored", "[uploads]") {
    Server s;
    std::string cut = form("c1", "a.pdf", "%PDF-1.4\nabc");
    cut.resize(cut.size() - 20); // the closing boundary is gone
    auto bad = s.send("POST", "/test/upload", cut);
    CHECK(bad.status == 400);
    CHECK(bad.head.getContentType().rfind("application/json", 0) == 0);
    CHECK(json(bad.body)->getValue<std::string>("error") == "malformed_multipart");
    CHECK(s.send("POST", "/test/upload", "{}", "application/json").status == 415);

    const auto exe = s.send("POST", "/test/upload", form("c1", "invoice.pdf", std::string("MZ\x90\0\x03\0\0\0", 8) + std::string(5000, 'x')));
    CHECK(exe.status == 422);
    const auto fields = json(exe.body)->getObject("fields");
    REQUIRE(fields);
    CHECK(fields->getValue<std::string>("file") == "Файл «invoice.pdf» — программа; такие файлы не принимаются");
    CHECK(s.documents() == 0);
}
