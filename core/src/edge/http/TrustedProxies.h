#pragma once
/// Which peers are reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed
/// (--trusted-proxies: comma-separated addresses and CIDR ranges, IPv4 and IPv6). A request from any other
/// peer has those headers ignored, so a client cannot pass itself off as another address or as TLS.
#include <Poco/Net/IPAddress.h>

#include <string>
#include <vector>

namespace kabinet {

class TrustedProxies {
public:
    /// Trusts nobody.
    TrustedProxies() = default;
    /// Parses "127.0.0.1, 10.0.0.0/8, ::1, fd00::/8"; throws ConfigError naming the entry that is not an
    /// address or a range (an empty list trusts nobody).
    static TrustedProxies parse(const std::string& list);

    /// True when no proxy is trusted.
    bool empty() const noexcept { return ranges_.empty(); }
    /// True when `address` (text, IPv4-mapped IPv6 counts as IPv4) lies in a trusted range.
    bool trusts(const std::string& address) const;
    /// The client a request stands for: `peer` itself unless `peer` is trusted and `forwardedFor` (the
    /// X-Forwarded-For values, comma-joined) names addresses; then the rightmost address that is not itself a
    /// trusted proxy — each trusted hop appended the address it saw, so that one is the first nobody could
    /// forge. When the chain breaks (an entry is not an address) or every entry is trusted, the last hop
    /// believed is answered.
    std::string client(const std::string& peer, const std::string& forwardedFor) const;
    /// True when `peer` is trusted and the last value of `forwardedProto` (X-Forwarded-Proto) is "https".
    bool forwardedHttps(const std::string& peer, const std::string& forwardedProto) const;

private:
    struct Range {
        Poco::Net::IPAddress network;
        unsigned prefix = 0;
    };
    bool contains(const Poco::Net::IPAddress& a) const;
    std::vector<Range> ranges_;
};

} // namespace kabinet
