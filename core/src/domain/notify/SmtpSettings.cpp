#include "notify/SmtpSettings.h"

#include "notify/MailText.h"
#include "util/Error.h"

#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/IPAddress.h>

#include <algorithm>
#include <cctype>

namespace kabinet::mail {

bool SmtpSettings::hostIsIp() const {
    Poco::Net::IPAddress ip;
    return Poco::Net::IPAddress::tryParse(host, ip);
}

std::string SmtpSettings::server() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool isLoopback(const std::string& host) {
    Poco::Net::IPAddress ip;
    if (Poco::Net::IPAddress::tryParse(host, ip)) return ip.isLoopback();
    return toLower(host) == "localhost";
}

namespace {

bool validHostName(const std::string& h) {
    return !h.empty() && h.size() <= 253 && std::all_of(h.begin(), h.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    });
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool percentDecode(const std::string& in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size()) return false;
        const int hi = hexDigit(in[i + 1]), lo = hexDigit(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

bool parseFlag(const std::string& v, bool& out) {
    const std::string l = toLower(v);
    if (l == "1" || l == "true" || l == "yes" || l == "on") out = true;
    else if (l == "0" || l == "false" || l == "no" || l == "off") out = false;
    else return false;
    return true;
}

} // namespace

SmtpSettings parseSmtpUrl(const std::string& url) {
    const auto bad = [](const std::string& why) {
        return ConfigError("mail: the SMTP URL is not valid: " + why +
                           " (expected smtp://[user:password@]host[:port][?starttls=1] or smtps://...)");
    };
    SmtpSettings s;
    const auto sep = url.find("://");
    if (sep == std::string::npos) throw bad("it has no scheme");
    const std::string scheme = toLower(url.substr(0, sep));
    if (scheme == "smtps") s.implicitTls = true;
    else if (scheme != "smtp") throw bad("the scheme must be smtp or smtps");

    const std::string rest = url.substr(sep + 3);
    const auto authorityEnd = rest.find_first_of("/?");
    const std::string authority = rest.substr(0, authorityEnd);
    const std::string tail = authorityEnd == std::string::npos ? std::string() : rest.substr(authorityEnd);
    const auto queryStart = tail.find('?');
    const std::string path = tail.substr(0, queryStart);
    const std::string query = queryStart == std::string::npos ? std::string() : tail.substr(queryStart + 1);
    if (path.find('@') != std::string::npos)
        throw bad("characters such as / ? # @ : in the user name or password must be percent-encoded");
    if (!path.empty() && path != "/") throw bad("a path is not allowed");

    std::string hostPort = authority;
    const auto at = authority.rfind('@');
    if (at != std::string::npos) {
        const std::string userInfo = authority.substr(0, at);
        hostPort = authority.substr(at + 1);
        const auto colon = userInfo.find(':');
        if (colon == std::string::npos) throw bad("a user name needs a password (user:password@host)");
        if (!percentDecode(userInfo.substr(0, colon), s.user) || !percentDecode(userInfo.substr(colon + 1), s.password))
            throw bad("the user name or password has a broken %-escape");
        if (s.user.empty() || s.password.empty()) throw bad("the user name and the password must not be empty");
        if (s.user.find_first_of(std::string("\0\r\n", 3)) != std::string::npos ||
            s.password.find_first_of(std::string("\0\r\n", 3)) != std::string::npos)
            throw bad("the user name or password holds a control character");
    }

    std::string portText;
    bool hasPort = false;
    if (!hostPort.empty() && hostPort.front() == '[') {
        const auto close = hostPort.find(']');
        if (close == std::string::npos) throw bad("an IPv6 address lacks its closing ]");
        s.host = hostPort.substr(1, close - 1);
        const std::string after = hostPort.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') throw bad("unexpected characters after the IPv6 address");
            hasPort = true;
            portText = after.substr(1);
        }
        Poco::Net::IPAddress ip;
        if (!Poco::Net::IPAddress::tryParse(s.host, ip)) throw bad("the address in [ ] is not an IPv6 address");
    } else {
        const auto colon = hostPort.find(':');
        if (colon != std::string::npos && hostPort.find(':', colon + 1) != std::string::npos)
            throw bad("an IPv6 address must be written in [ ]");
        s.host = hostPort.substr(0, colon);
        if (colon != std::string::npos) {
            hasPort = true;
            portText = hostPort.substr(colon + 1);
        }
        if (s.host.empty()) throw bad("the host is missing");
        if (!validHostName(s.host)) throw bad("the host is not a valid host name or address");
    }
    if (hasPort) {
        if (!isDigits(portText) || portText.size() > 5 || std::stoi(portText) < 1 || std::stoi(portText) > 65535)
            throw bad("the port must be a number from 1 to 65535");
        s.port = static_cast<unsigned short>(std::stoi(portText));
    } else {
        s.port = s.implicitTls ? 465 : 25;
    }

    std::size_t pos = 0;
    while (!query.empty() && pos <= query.size()) {
        const auto amp = query.find('&', pos);
        const std::string item = query.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
        pos = amp == std::string::npos ? query.size() + 1 : amp + 1;
        if (item.empty()) continue;
        const auto eq = item.find('=');
        const std::string key = item.substr(0, eq);
        std::string value;
        if (eq == std::string::npos || !percentDecode(item.substr(eq + 1), value))
            throw bad("every parameter needs a value (name=value)");
        if (key == "starttls") {
            if (!parseFlag(value, s.startTls)) throw bad("starttls must be 0 or 1");
        } else if (key == "tls_verify") {
            if (!parseFlag(value, s.verify)) throw bad("tls_verify must be 0 or 1");
        } else if (key == "ca_file") {
            if (value.empty()) throw bad("ca_file must name a file");
            s.caFile = value;
        } else if (key == "helo") {
            if (!validHostName(value)) throw bad("helo must be a host name");
            s.helo = value;
        } else {
            const bool printable = std::all_of(key.begin(), key.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
            });
            throw bad(printable && key.size() <= 40 ? "unknown parameter '" + key + "' (known: starttls, tls_verify, ca_file, helo)"
                                                    : "unknown parameter (known: starttls, tls_verify, ca_file, helo)");
        }
    }
    if (s.startTls && s.implicitTls) throw bad("starttls=1 does not go with smtps:// (which is TLS from the start)");
    if ((!s.verify || !s.caFile.empty()) && !s.startTls && !s.implicitTls)
        throw bad("tls_verify and ca_file need starttls=1 or smtps://");
    if (!s.verify && !s.caFile.empty()) throw bad("tls_verify=0 and ca_file exclude each other");
    if (!s.caFile.empty()) {
        Poco::File f(s.caFile);
        if (!f.exists() || !f.isFile() || !f.canRead())
            throw ConfigError("mail: the SMTP ca_file " + s.caFile + " is not a readable file");
    }
    if (s.helo.empty()) {
        std::string node;
        try {
            node = Poco::Environment::nodeName();
        } catch (const Poco::Exception&) {
        }
        s.helo = validHostName(node) ? node : "localhost";
    }
    return s;
}

} // namespace kabinet::mail
