// The host side of the plugin ABI end to end: PluginHost loads the built plugins, and a Channel made from
// the sms-http plugin delivers a message to the gateway simulator.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "Simulators.h"
#include "TestContext.h"
#include "plugins/PluginHost.h"
#include "util/Error.h"


using namespace kabinet;


TEST_CASE("the host loads sms-http and its channel delivers through the gateway", "[plugins]") {
    PluginHost host(test::binaryDir() + "/plugins-out");
    CHECK(host.failures().empty());
    auto p = host.find("sms-http");
    REQUIRE(p);
    CHECK(p->manifest.kind == "channel");
    CHECK(p->manifest.abi == "1.2");
    CHECK_FALSE(p->manifest.configSchema.empty());

    test::SmsGateway gw("s3cret");
    auto channel = host.createChannel("sms-http", R"({"url":"http://127.0.0.1:)" + std::to_string(gw.port()) +
                                                      R"(/send","token":"s3cret","timeout_ms":2000,"retries":1,"backoff_ms":10})");
    unsigned attempts = 0;
    const std::string id = channel->send("+79161234567", "Код подтверждения: 123456", "msg-1", &attempts);
    CHECK(id.rfind("sim-", 0) == 0);
    CHECK(attempts == 1);
    CHECK(gw.waitFor("+79161234567") == "Код подтверждения: 123456");

    // A refusal by the gateway is an error value with the plugin's status, free of the phone and text.
    auto wrong = host.createChannel("sms-http", R"({"url":"http://127.0.0.1:)" + std::to_string(gw.port()) +
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
