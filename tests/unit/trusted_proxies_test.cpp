// Which X-Forwarded-For address is believed: only hops appended by trusted proxies, from a trusted peer.
#include <catch2/catch.hpp>

#include "http/TrustedProxies.h"
#include "util/Error.h"

using kabinet::TrustedProxies;

TEST_CASE("trusted proxies: addresses and ranges, IPv4 and IPv6, mapped IPv4 as IPv4", "[edge][proxy]") {
    const auto t = TrustedProxies::parse(" 127.0.0.1, 10.0.0.0/8 ,fd00::/8,::1 ");
    CHECK(t.trusts("127.0.0.1"));
    CHECK_FALSE(t.trusts("127.0.0.2"));
    CHECK(t.trusts("10.255.3.4"));
    CHECK_FALSE(t.trusts("11.0.0.1"));
    CHECK(t.trusts("fd12:3456::1"));
    CHECK(t.trusts("::1"));
    CHECK(t.trusts("::ffff:10.1.1.1"));
    CHECK_FALSE(t.trusts("fe80::1"));
    CHECK_FALSE(t.trusts("garbage"));
    CHECK(TrustedProxies::parse("").empty());
    CHECK_FALSE(TrustedProxies::parse("").trusts("127.0.0.1"));
    CHECK(TrustedProxies::parse("0.0.0.0/0").trusts("8.8.8.8"));
}

TEST_CASE("trusted proxies: a list that is not addresses is refused naming the entry", "[edge][proxy]") {
    CHECK_THROWS_AS(TrustedProxies::parse("127.0.0.1, nginx"), kabinet::ConfigError);
    CHECK_THROWS_WITH(TrustedProxies::parse("10.0.0.0/33"), Catch::Contains("10.0.0.0/33"));
    CHECK_THROWS_AS(TrustedProxies::parse("::1/129"), kabinet::ConfigError);
    CHECK_THROWS_AS(TrustedProxies::parse("10.0.0.0/"), kabinet::ConfigError);
    CHECK_THROWS_AS(TrustedProxies::parse("10.0.0.0/-1"), kabinet::ConfigError);
}

TEST_CASE("trusted proxies: the client is the rightmost forwarded address that is not a proxy", "[edge][proxy]") {
    const auto t = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8");
    // From a peer that is not trusted, the header is the client's own claim: ignored.
    CHECK(t.client("203.0.113.5", "1.2.3.4") == "203.0.113.5");
    CHECK(t.client("203.0.113.5", "") == "203.0.113.5");
    // From the proxy: what it appended; whatever the client wrote before it is skipped.
    CHECK(t.client("127.0.0.1", "203.0.113.7") == "203.0.113.7");
    CHECK(t.client("127.0.0.1", "6.6.6.6, 203.0.113.7") == "203.0.113.7");
    CHECK(t.client("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.2.3.4") == "203.0.113.7");
    CHECK(t.client("127.0.0.1", " 203.0.113.7 ,10.2.3.4,") == "203.0.113.7");
    CHECK(t.client("::ffff:127.0.0.1", "203.0.113.7") == "203.0.113.7");
    CHECK(t.client("127.0.0.1", "2001:db8::1") == "2001:db8::1");
    CHECK(t.client("127.0.0.1", "[2001:db8::2]") == "2001:db8::2");
    // A client cannot name a trusted proxy to hide behind it: the proxy appended the real address after it.
    CHECK(t.client("127.0.0.1", "10.9.9.9, 198.51.100.1") == "198.51.100.1");
    // Every hop trusted: the leftmost; a broken chain: the last hop believed.
    CHECK(t.client("127.0.0.1", "10.0.0.7, 10.0.0.8") == "10.0.0.7");
    CHECK(t.client("127.0.0.1", "198.51.100.1, unknown, 10.0.0.8") == "10.0.0.8");
    CHECK(t.client("127.0.0.1", "unknown") == "127.0.0.1");
    // No proxies configured: never believed.
    CHECK(TrustedProxies().client("127.0.0.1", "203.0.113.7") == "127.0.0.1");
}

TEST_CASE("trusted proxies: https only as a trusted peer forwards it", "[edge][proxy]") {
    const auto t = TrustedProxies::parse("127.0.0.1");
    CHECK(t.forwardedHttps("127.0.0.1", "https"));
    CHECK(t.forwardedHttps("127.0.0.1", "HTTPS"));
    CHECK(t.forwardedHttps("127.0.0.1", "http, https"));
    CHECK_FALSE(t.forwardedHttps("127.0.0.1", "https, http"));
    CHECK_FALSE(t.forwardedHttps("127.0.0.1", "http"));
    CHECK_FALSE(t.forwardedHttps("127.0.0.1", ""));
    CHECK_FALSE(t.forwardedHttps("203.0.113.5", "https"));
}
