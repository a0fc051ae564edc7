// multipart/form-data bodies (edge/http/Multipart) and the download header (edge/http/FileAnswer): fields as
// strings, files as streams over the body itself, RFC 5987 names both ways, and 400/415/422 for what is wrong.
#include <catch2/catch.hpp>

#include "api/OpenApi.h"
#include "http/FileAnswer.h"
#include "http/Multipart.h"
#include "util/Error.h"

#include <iterator>

using namespace kabinet;

namespace {
const std::string kType = "multipart/form-data; boundary=----b0undary";

std::string part(const std::string& disposition, const std::string& data, const std::string& type = "") {
    return "------b0undary\r\nContent-Disposition: form-data; " + disposition + "\r\n" +
           (type.empty() ? "" : "Content-Type: " + type + "\r\n") + "\r\n" + data + "\r\n";
}
const std::string kEnd = "------b0undary--\r\n";

int statusOf(const std::string& type, const std::string& body) {
    try {
        MultipartForm::parse(type, body);
    } catch (const Error& e) {
        return e.status();
    }
    return 200;
}
} // namespace

TEST_CASE("a multipart form gives its fields as strings and its files as streams over the body", "[multipart]") {
    const std::string pdf = std::string("%PDF-1.4\r\n\0binary\r\n--not-a-boundary", 33);
    const std::string body = "preamble\r\n" + part("name=\"kind\"", "info") + part("name=\"fields\"", "{\"text\":\"Строка 1\\nСтрока 2\"}") +
                             part("name=\"doc.scan\"; filename=\"C:\\\\scans\\\\scan 1.pdf\"", pdf, "application/pdf") +
                             part("name=\"doc.scan\"; filename=\"x.pdf\"; filename*=UTF-8''%D0%90%D0%BA%D1%82.pdf", "second") +
                             part("name=\"empty\"; filename=\"\"", "", "application/octet-stream") + kEnd + "epilogue";
    const auto form = MultipartForm::parse(kType, body);
    CHECK(form.field("kind") == "info");
    CHECK(form.field("fields") == "{\"text\":\"Строка 1\\nСтрока 2\"}");
    CHECK(form.field("nothing", "-") == "-");
    CHECK_FALSE(form.has("empty"));
    REQUIRE(form.files().size() == 2);
    const auto scans = form.filesOf("doc.scan");
    REQUIRE(scans.size() == 2);
    CHECK(scans[0]->fileName == "scan 1.pdf");
    CHECK(scans[0]->contentType == "application/pdf");
    CHECK(scans[0]->size() == static_cast<long long>(pdf.size()));
    // The file is a view into the body, not a copy.
    CHECK(scans[0]->bytes.data() >= body.data());
    CHECK(scans[0]->bytes.data() < body.data() + body.size());
    auto in = scans[0]->open();
    const std::string read((std::istreambuf_iterator<char>(*in)), std::istreambuf_iterator<char>());
    CHECK(read == pdf);
    CHECK(scans[1]->fileName == "Акт.pdf"); // filename* wins
    CHECK(form.filesOf("empty").empty());
}

TEST_CASE("a malformed multipart body is a 400, another content type a 415", "[multipart]") {
    const std::string good = part("name=\"a\"", "1") + kEnd;
    CHECK(statusOf(kType, good) == 200);
    CHECK(statusOf("application/json", good) == 415);
    CHECK(statusOf("multipart/form-data", good) == 400);                      // no boundary
    CHECK(statusOf(kType, part("name=\"a\"", "1")) == 400);                   // no closing boundary
    CHECK(statusOf(kType, "------b0undary\r\nContent-Disposition: form-data; name=\"a\"\r\n1\r\n" + kEnd) == 400); // no head end
    CHECK(statusOf(kType, part("filename=\"x\"", "1") + kEnd) == 400);        // no name
    CHECK(statusOf(kType, "garbage") == 400);
    CHECK(statusOf(kType, part("name=\"a\"", std::string("\xC3\x28", 2)) + kEnd) == 422); // a field not UTF-8
    std::string many;
    for (int i = 0; i < 65; ++i) many += part("name=\"f" + std::to_string(i) + "\"", "x");
    CHECK(statusOf(kType, many + kEnd) == 400);
    try {
        MultipartForm::parse(kType, part("name=\"a\"", "1"));
    } catch (const Error& e) {
        CHECK(e.code() == "malformed_multipart");
        CHECK(std::string(e.what()).find("закрывающей границы") != std::string::npos);
    }
}

TEST_CASE("a download names its file in UTF-8 with an ASCII fallback", "[multipart]") {
    CHECK(attachmentDisposition("Акт сверки.pdf") == "attachment; filename=\"file.pdf\"; filename*=UTF-8''%D0%90%D0%BA%D1%82%20%D1%81%D0%B2%D0%B5%D1%80%D0%BA%D0%B8.pdf");
    CHECK(attachmentDisposition("report-2026 (1).xlsx") == "attachment; filename=\"report-2026 (1).xlsx\"; filename*=UTF-8''report-2026%20%281%29.xlsx");
    CHECK(attachmentDisposition("a\"b\\c\r\nd.txt") == "attachment; filename=\"a_b_c__d.txt\"; filename*=UTF-8''a%22b%5Cc%0D%0Ad.txt");
    CHECK(attachmentDisposition("") == "attachment; filename=\"file\"; filename*=UTF-8''file");
    CHECK(attachmentDisposition("Скан_v2.pdf") == "attachment; filename=\"_____v2.pdf\"; filename*=UTF-8''%D0%A1%D0%BA%D0%B0%D0%BD_v2.pdf");
    const auto r = fileAnswer("application/pdf", "x.pdf", 3, [](std::ostream& os) { os << "abc"; });
    CHECK(r.contentLength == 3);
    CHECK(r.contentType == "application/pdf");
    CHECK(static_cast<bool>(r.writer));
}

TEST_CASE("a route that reads a form says so in the API description, with its own body limit", "[multipart][openapi]") {
    Router r;
    r.add("POST", "/upload", true, Access::User,
          RouteSpec("Upload").multipart(shape::object({{"type", shape::string()}, {"file", shape::string("binary")}})).maxBody(30LL << 20),
          [](Request&) { return Response::json(201, "{}"); });
    r.add("POST", "/either", true, Access::User,
          RouteSpec("JSON or a form").body(shape::object({{"text", shape::string()}})).multipart(shape::object({{"text", shape::string()}})),
          [](Request&) { return Response::json(200, "{}"); });
    const auto doc = openApiDocument(r);
    const auto paths = doc->getObject("paths");
    auto body = [&](const std::string& path) {
        return paths->getObject("/t/{tenant}" + path)->getObject("post")->getObject("requestBody");
    };
    const auto upload = body("/upload");
    REQUIRE(upload);
    CHECK(upload->getValue<long long>("x-kabinet-max-bytes") == (30LL << 20));
    const auto file = upload->getObject("content")->getObject("multipart/form-data")->getObject("schema")->getObject("properties")->getObject("file");
    CHECK(file->getValue<std::string>("format") == "binary");
    CHECK_FALSE(upload->getObject("content")->has("application/json"));
    const auto either = body("/either")->getObject("content");
    CHECK(either->has("application/json"));
    CHECK(either->has("multipart/form-data"));
    CHECK_FALSE(body("/either")->has("x-kabinet-max-bytes"));
}
