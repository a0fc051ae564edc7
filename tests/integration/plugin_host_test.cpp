// The host side of the plugin ABI end to end: PluginHost loads the built plugins, and a Channel made from
// the sms-http plugin delivers a message to the gateway simulator.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TestContext.h"
#include "plugins/PluginHost.h"
#include "util/Error.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

using namespace kabinet;

namespace {
/// The SMS gateway simulator as a child process, stopped when this goes out of scope.
struct Gateway {
    Poco::Pipe out, in;
    std::unique_ptr<Poco::ProcessHandle> handle;
    unsigned short port = 0;
    explicit Gateway(const std::string& token) {
        handle = std::make_unique<Poco::ProcessHandle>(Poco::Process::launch(
            "/usr/bin/python3",
            {test::sourceDir() + "/tests/simulators/sms_gateway.py", "--port", "0", "--token", token, "--exit-on-stdin-eof"},
            &in, &out, nullptr));
        Poco::PipeInputStream s(out);
        std::string word;
        s >> word >> port;
        if (word != "PORT" || !port) throw std::runtime_error("gateway simulator did not start");
    }
    ~Gateway() {
        try {
            Poco::Process::kill(*handle);
            handle->wait();
        } catch (...) {
        }
    }
};
} // namespace

TEST_CASE("the host loads sms-http and its channel delivers through the gateway", "[plugins]") {
    PluginHost host(test::binaryDir() + "/plugins-out");
    CHECK(host.failures().empty());
    auto p = host.find("sms-http");
    REQUIRE(p);
    CHECK(p->manifest.kind == "channel");
    CHECK(p->manifest.abi == "1.0");
    CHECK_FALSE(p->manifest.configSchema.empty());

    Gateway gw("s3cret");
    auto channel = host.createChannel("sms-http", R"({"url":"http://127.0.0.1:)" + std::to_string(gw.port) +
                                                      R"(/send","token":"s3cret","timeout_ms":2000,"retries":1,"backoff_ms":10})");
    unsigned attempts = 0;
    const std::string id = channel->send("+79161234567", "Код подтверждения: 123456", "msg-1", &attempts);
    CHECK(id.rfind("sim-", 0) == 0);
    CHECK(attempts == 1);
    auto seen = test::http(gw.port, "GET", "/_messages");
    CHECK(seen.body.find("+79161234567") != std::string::npos);

    // A refusal by the gateway is an error value with the plugin's status, free of the phone and text.
    auto wrong = host.createChannel("sms-http", R"({"url":"http://127.0.0.1:)" + std::to_string(gw.port) +
                                                    R"(/send","token":"wrong","timeout_ms":2000,"retries":2,"backoff_ms":10})");
    try {
        wrong->send("+79161234567", "Код подтверждения: 123456", "msg-2");
        FAIL("a wrong token was accepted");
    } catch (const ChannelError& e) {
        CHECK(e.status == KB_ERR_REJECTED);
        CHECK(std::string(e.what()).find("79161234567") == std::string::npos);
        CHECK(std::string(e.what()).find("123456") == std::string::npos);
    }
    // A bad configuration is refused when the instance is made, naming the key.
    CHECK_THROWS_WITH(host.createChannel("sms-http", R"({"url":"ftp://x"})"), Catch::Contains("url"));
    CHECK_THROWS_AS(host.createChannel("nosuch", "{}"), ConfigError);
}
