#include <catch2/catch.hpp>

#include "config/Config.h"
#include "util/Error.h"

using namespace kabinet;

TEST_CASE("listen option is parsed as HOST:PORT", "[config]") {
    Config c;
    c.set("listen", "0.0.0.0:9090", "test");
    CHECK(c.listenHost == "0.0.0.0");
    CHECK(c.listenPort == 9090);
    CHECK_THROWS_AS(c.set("listen", "nocolon", "test"), ConfigError);
    CHECK_THROWS_AS(c.set("listen", "host:99999", "test"), ConfigError);
    CHECK_THROWS_AS(c.set("threads", "-1", "test"), ConfigError);
    CHECK_THROWS_AS(c.set("bogus", "1", "test"), ConfigError);
}
