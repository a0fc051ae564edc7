// The host's HTTP client of plugins (kb_host_api.http) against a small local server: retries after 503 and 429
// (honouring Retry-After), a POST never repeated once sent but repeated when the connection was refused, the
// timeout per attempt, lower-case answer headers, and requests that are not well formed.
#include "plugins/PluginHttp.h"

#include "TestContext.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

using namespace kabinet;

namespace {

struct Hits {
    std::mutex m;
    std::map<std::string, int> byPath;
    int hit(const std::string& path) {
        std::lock_guard<std::mutex> lock(m);
        return ++byPath[path];
    }
    int count(const std::string& path) {
        std::lock_guard<std::mutex> lock(m);
        return byPath[path];
    }
};

class Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(Hits& hits) : hits_(hits) {}
    void handleRequest(Poco::Net::HTTPServerRequest& rq, Poco::Net::HTTPServerResponse& rs) override {
        std::string body((std::istreambuf_iterator<char>(rq.stream())), std::istreambuf_iterator<char>());
        const std::string path = rq.getURI();
        const int n = hits_.hit(path);
        auto answer = [&](Poco::Net::HTTPResponse::HTTPStatus status, const std::string& text) {
            rs.setStatus(status);
            rs.setContentLength(static_cast<std::streamsize>(text.size()));
            rs.send() << text;
        };
        if (path == "/flaky") {
            if (n <= 2) {
                rs.set("Retry-After", "0");
                return answer(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "later");
            }
            return answer(Poco::Net::HTTPResponse::HTTP_OK, "ok after " + std::to_string(n));
        }
        if (path == "/busy") {
            rs.set("Retry-After", "0");
            return answer(Poco::Net::HTTPResponse::HTTP_TOO_MANY_REQUESTS, "slow down");
        }
        if (path == "/post503") return answer(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "down");
        if (path == "/slow") {
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
            return answer(Poco::Net::HTTPResponse::HTTP_OK, "late");
        }
        rs.set("X-Echo-Header", rq.get("X-Test", ""));
        answer(Poco::Net::HTTPResponse::HTTP_OK, rq.getMethod() + " " + body);
    }

private:
    Hits& hits_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(Hits& hits) : hits_(hits) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(hits_); }

private:
    Hits& hits_;
};

struct Answer {
    kb_status status;
    int http = 0;
    unsigned attempts = 0;
    std::string body, headers, error;
};

Answer exchange(const std::string& method, const std::string& url, unsigned retries, unsigned timeoutMs = 0,
                const std::string& body = "", const char* headers = nullptr) {
    kb_http_request rq{sizeof(kb_http_request), method.c_str(), url.c_str(), headers,
                       reinterpret_cast<const uint8_t*>(body.data()), body.size(), timeoutMs, retries};
    kb_http_response rs{};
    rs.struct_size = sizeof rs;
    char text[512] = {0};
    kb_error_buf err{sizeof err, text, sizeof text};
    Answer a;
    a.status = pluginHttp(const_cast<char*>("test"), &rq, &rs, &err);
    a.http = rs.status;
    a.attempts = rs.attempts;
    if (rs.body) a.body.assign(reinterpret_cast<const char*>(rs.body), rs.body_length);
    if (rs.headers) a.headers = rs.headers;
    a.error = text;
    return a;
}

} // namespace

TEST_CASE("plugin HTTP client: retries, no repeated POST, timeouts", "[connectors][http]") {
    Hits hits;
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    Poco::Net::HTTPServer server(new Factory(hits), socket, params);
    server.start();
    const std::string base = "http://127.0.0.1:" + std::to_string(socket.address().port());

    SECTION("a 503 is retried (Retry-After 0) until the answer is good") {
        auto a = exchange("GET", base + "/flaky", 2);
        CHECK(a.status == KB_OK);
        CHECK(a.http == 200);
        CHECK(a.attempts == 3);
        CHECK(a.body == "ok after 3");
    }
    SECTION("a 429 after the last retry is returned as it is") {
        auto a = exchange("GET", base + "/busy", 1);
        CHECK(a.status == KB_OK);
        CHECK(a.http == 429);
        CHECK(a.attempts == 2);
        CHECK(hits.count("/busy") == 2);
    }
    SECTION("a POST that was sent is never repeated") {
        auto a = exchange("POST", base + "/post503", 3, 0, "{\"x\":1}");
        CHECK(a.status == KB_OK);
        CHECK(a.http == 503);
        CHECK(a.attempts == 1);
        CHECK(hits.count("/post503") == 1);
    }
    SECTION("no answer within the timeout is KB_ERR_TIMEOUT") {
        auto a = exchange("GET", base + "/slow", 0, 300);
        CHECK(a.status == KB_ERR_TIMEOUT);
        CHECK(a.http == 0);
        CHECK(a.attempts == 1);
        CHECK_THAT(a.error, Catch::Contains("no answer within 300 ms"));
    }
    SECTION("headers and bodies go both ways; answer header names are lower-case") {
        auto a = exchange("PUT", base + "/echo", 0, 0, "payload", "X-Test: yes\r\n");
        CHECK(a.status == KB_OK);
        CHECK(a.body == "PUT payload");
        CHECK(parseHeaderLines(a.headers)["x-echo-header"] == "yes");
    }
    SECTION("a refused connection is retried, even for a POST (nothing was sent)") {
        Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
        const auto port = closed.address().port();
        closed.close();
        auto a = exchange("POST", "http://127.0.0.1:" + std::to_string(port) + "/x", 1, 500);
        CHECK(a.status == KB_ERR_TRANSPORT);
        CHECK(a.attempts == 2);
        CHECK_THAT(a.error, Catch::Contains("connection refused"));
    }
    SECTION("requests that are not well formed are KB_ERR_CONFIG") {
        CHECK(exchange("GET", "ftp://127.0.0.1/x", 0).status == KB_ERR_CONFIG);
        CHECK(exchange("PATCH", base + "/echo", 0).status == KB_ERR_CONFIG);
        CHECK(exchange("GET", "no url", 0).status == KB_ERR_CONFIG);
    }
    server.stop();
}
