#include "http/TrustedProxies.h"

#include "util/Error.h"

#include <Poco/String.h>

#include <optional>

namespace kabinet {

namespace {

/// An address as text → IPAddress, IPv4-mapped IPv6 (::ffff:a.b.c.d) as plain IPv4; nothing when not one.
std::optional<Poco::Net::IPAddress> address(std::string text) {
    Poco::trimInPlace(text);
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    Poco::Net::IPAddress a;
    if (text.empty() || !Poco::Net::IPAddress::tryParse(text, a)) return std::nullopt;
    if (a.family() == Poco::Net::IPAddress::IPv6 && a.isIPv4Mapped()) {
        const auto* b = static_cast<const unsigned char*>(a.addr());
        return Poco::Net::IPAddress(b + 12, 4);
    }
    return a;
}

/// The comma-separated entries of a header value, trimmed, empty ones dropped.
std::vector<std::string> entries(const std::string& list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        std::string e = Poco::trim(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (!e.empty()) out.push_back(std::move(e));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

} // namespace

TrustedProxies TrustedProxies::parse(const std::string& list) {
    TrustedProxies t;
    for (const auto& e : entries(list)) {
        const auto slash = e.find('/');
        const auto a = address(e.substr(0, slash));
        if (!a) throw ConfigError("trusted-proxies: '" + e + "' is not an address or a range such as 10.0.0.0/8");
        const unsigned bits = a->family() == Poco::Net::IPAddress::IPv4 ? 32 : 128;
        unsigned prefix = bits;
        if (slash != std::string::npos) {
            const std::string p = e.substr(slash + 1);
            if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos || std::stoul(p) > bits)
                throw ConfigError("trusted-proxies: '" + e + "' has a prefix length other than 0 to " + std::to_string(bits));
            prefix = static_cast<unsigned>(std::stoul(p));
        }
        const Poco::Net::IPAddress mask(prefix, a->family());
        t.ranges_.push_back({*a & mask, prefix});
    }
    return t;
}

bool TrustedProxies::contains(const Poco::Net::IPAddress& a) const {
    for (const auto& r : ranges_) {
        if (r.network.family() != a.family()) continue;
        if ((a & Poco::Net::IPAddress(r.prefix, a.family())) == r.network) return true;
    }
    return false;
}

bool TrustedProxies::trusts(const std::string& text) const {
    if (ranges_.empty()) return false;
    const auto a = address(text);
    return a && contains(*a);
}

std::string TrustedProxies::client(const std::string& peer, const std::string& forwardedFor) const {
    if (forwardedFor.empty() || !trusts(peer)) return peer;
    std::string believed = peer;
    const auto hops = entries(forwardedFor);
    for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
        const auto a = address(*it);
        if (!a) return believed;   // the chain is broken here: nothing left of it can be believed
        believed = a->toString();
        if (!contains(*a)) return believed;
    }
    return believed;
}

bool TrustedProxies::forwardedHttps(const std::string& peer, const std::string& forwardedProto) const {
    if (forwardedProto.empty() || !trusts(peer)) return false;
    const auto values = entries(forwardedProto);
    return !values.empty() && Poco::icompare(values.back(), "https") == 0;
}

} // namespace kabinet
