#include "notify/MailTransport.h"

#include "util/Error.h"
#include "util/Log.h"

#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/DialogSocket.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailStream.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <mutex>
#include <sstream>
#include <unistd.h>
#include <vector>

// Notes on POCO 1.11 (Debian's 1.11.0), which decide how this file talks SMTP:
//  * SMTPClientSession reads replies with DialogSocket::receiveStatusMessage(), which spins for ever (and
//    grows memory) when the server closes the connection after a continuation line ("250-…"); open(),
//    sendCommand() and sendMessage() all use it. The conversation below therefore reads replies itself
//    from a DialogSocket (bounded lines, EOF detected) and uses MailOutputStream for dot-stuffing.
//  * SMTPClientSession(host, port) connects without a time-out; SMTPClientSession(socket) leaves the host
//    empty, so SecureSMTPClientSession::startTLS() then sends no SNI and checks the certificate against the
//    peer's IP address. The upgrade below attaches TLS with the configured host name itself.
//  * Its AUTH LOGIN only answers prompts that decode to "Username:"/"Password:" and silently does nothing
//    for others (aiosmtpd and Exchange send "User Name\0"); its exceptions carry the server's reply text,
//    which may hold the recipient's address. AUTH is spoken here, and errors keep only codes.
//  * SecureSocketImpl::connectSSL() does not retry a handshake interrupted by a read time-out and then
//    skips the host check (no peer certificate yet); completeHandshake() is called and the certificate's
//    name checked with OpenSSL's X509_check_host / X509_check_ip_asc after every TLS upgrade.
//  * MailMessage::encodeWord() splits encoded words in the middle of UTF-8 characters and leaves '"' and
//    other specials raw inside display names (RFC 2047 §5 forbids both); headers are encoded here.
//  * MailMessage writes neither MIME-Version nor a charset for single-part messages, and its Date says
//    "GMT" (obsolete zone); those headers are set here.

namespace kabinet {

MailError::MailError(const std::string& what, bool retryable_, int replyCode_)
    : std::runtime_error(what), retryable(retryable_), replyCode(replyCode_) {}

namespace {

constexpr std::size_t kWordBytes = 39;   // UTF-8 bytes per encoded word: 52 base64 chars, 64-char word
constexpr int kReplyLinesMax = 200;

bool isAscii(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string toLower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string toUpper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool isDigits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Text from an exception for an error message: one line, printable, bounded.
std::string clean(const std::string& s) {
    std::string r;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        r += (u < 0x20 || u == 0x7f) ? ' ' : c;
        if (r.size() >= 300) break;
    }
    return r;
}

std::string base64(const std::string& bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

// ---------------------------------------------------------------------------------------------------
// Message rendering

/// Control characters (line breaks included) become spaces, so no value can start a header of its own.
std::string oneLine(const std::string& s) {
    std::string r(s);
    for (char& c : r) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) c = ' ';
    }
    return r;
}

/// RFC 2047 "B" encoded words of at most 64 characters, each holding whole UTF-8 characters, folded.
std::string encodedWords(const std::string& text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t end = std::min(text.size(), i + kWordBytes);
        if (end < text.size()) {
            std::size_t cut = end; // do not split a character: back up to the start of the crossing one
            while (cut > i && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
            if (cut > i) end = cut;
        }
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(text.substr(i, end - i)) + "?=";
        i = end;
    }
    return out;
}

/// An unstructured header value (Subject): ASCII as it is, anything else as encoded words.
std::string unstructured(const std::string& raw) {
    const std::string s = oneLine(raw);
    if (isAscii(s) && s.find("=?") == std::string::npos && s.size() <= 900) return s;
    return encodedWords(s);
}

bool isAtext(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

/// A display name: atoms as they are, other ASCII as a quoted string, anything else as encoded words.
std::string phrase(const std::string& raw) {
    const std::string s = trim(oneLine(raw));
    if (!isAscii(s) || s.find("=?") != std::string::npos) return encodedWords(s);
    if (std::all_of(s.begin(), s.end(), [](char c) { return isAtext(c) || c == ' '; })) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + "\"";
}

struct Mailbox {
    std::string name;
    std::string address;
};

/// "Name <address>", "\"Name\" <address>" or "address".
bool parseMailbox(const std::string& raw, Mailbox& m) {
    const std::string t = trim(raw);
    const auto lt = t.rfind('<');
    if (lt == std::string::npos) {
        m.address = t;
        return true;
    }
    if (t.back() != '>') return false;
    m.address = trim(t.substr(lt + 1, t.size() - lt - 2));
    std::string name = trim(t.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
        std::string unquoted;
        for (std::size_t i = 1; i + 1 < name.size(); ++i) {
            if (name[i] == '\\' && i + 2 < name.size()) ++i;
            unquoted += name[i];
        }
        name = unquoted;
    }
    m.name = name;
    return true;
}

/// A plain ASCII addr-spec: dot-atom local part, a host name or an address literal.
bool validAddress(const std::string& a) {
    if (a.empty() || a.size() > 254) return false;
    const auto at = a.rfind('@');
    if (at == std::string::npos || at == 0 || at > 64 || at + 1 >= a.size()) return false;
    const std::string local = a.substr(0, at), domain = a.substr(at + 1);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) return false;
    if (!std::all_of(local.begin(), local.end(), [](char c) { return isAtext(c) || c == '.'; })) return false;
    if (domain.front() == '[') {
        if (domain.back() != ']' || domain.size() < 3) return false;
        return std::all_of(domain.begin() + 1, domain.end() - 1,
                           [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':'; });
    }
    std::size_t start = 0;
    while (true) {
        const auto dot = domain.find('.', start);
        const std::string label = domain.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        if (!std::all_of(label.begin(), label.end(),
                         [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }))
            return false;
        if (dot == std::string::npos) return true;
        start = dot + 1;
    }
}

std::string lastLine(const std::string& s) {
    const auto nl = s.rfind('\n');
    return nl == std::string::npos ? s : s.substr(nl + 1);
}

/// A mailbox header value; the address goes on its own continuation line when the line would pass 76.
std::string formatMailbox(const Mailbox& m, std::size_t headerNameLength) {
    if (m.name.empty()) return m.address;
    const std::string name = phrase(m.name);
    const std::size_t lineSoFar = name.find('\n') == std::string::npos ? headerNameLength + 2 + name.size()
                                                                       : lastLine(name).size();
    const std::string sep = lineSoFar + 3 + m.address.size() > 76 ? "\r\n " : " ";
    return name + sep + "<" + m.address + ">";
}

bool validMessageId(const std::string& id) {
    if (id.empty() || id.size() > 128 || id.front() == '.' || id.back() == '.' || id.find("..") != std::string::npos)
        return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("._-+=", c) != nullptr;
    });
}

/// Any line ends (LF, CR, CRLF) as CRLF, the canonical form of text before transfer encoding.
std::string crlf(const std::string& s) {
    std::string r;
    r.reserve(s.size() + s.size() / 40 + 2);
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            r += "\r\n";
            if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
        } else if (s[i] == '\n') {
            r += "\r\n";
        } else {
            r += s[i];
        }
    }
    return r;
}

Poco::Net::MailMessage::ContentTransferEncoding encodingFor(const std::string& body) {
    return isAscii(body) ? Poco::Net::MailMessage::ENCODING_QUOTED_PRINTABLE : Poco::Net::MailMessage::ENCODING_BASE64;
}

/// A message ready to go: its id, envelope addresses and the full RFC 5322 text (CRLF line ends).
struct Prepared {
    std::string id;
    std::string from;
    std::string to;
    std::string data;
};

Prepared prepare(const MailMessage& m, const Poco::Timestamp& now) {
    Prepared p;
    p.id = m.messageId.empty() ? Poco::UUIDGenerator::defaultGenerator().createRandom().toString() : m.messageId;
    if (!validMessageId(p.id))
        throw MailError("mail: the message id is not valid (1-128 letters, digits and . _ - + =)", false);
    Mailbox from, to;
    if (!parseMailbox(m.from, from) || !parseMailbox(m.to, to))
        throw MailError("mail " + p.id + ": a sender or recipient is not of the form \"Name <address>\"", false);
    for (const auto* box : {&from, &to}) {
        const char* who = box == &from ? "sender" : "recipient";
        if (!isAscii(box->address))
            throw MailError("mail " + p.id + ": the " + who + " address is not ASCII (SMTPUTF8 is not supported)", false);
        if (!validAddress(box->address))
            throw MailError("mail " + p.id + ": the " + who + " address is not valid", false);
    }
    p.from = from.address;
    p.to = to.address;

    Poco::Net::MailMessage mm;
    mm.clear(); // drop the constructor's Date and Content-Type: headers go in the order below
    mm.set("From", formatMailbox(from, 4));
    mm.set("To", formatMailbox(to, 2));
    mm.set("Subject", unstructured(m.subject));
    mm.set("Date", Poco::DateTimeFormatter::format(now, "%w, %d %b %Y %H:%M:%S +0000"));
    mm.set("Message-ID", "<" + p.id + "@kabinet>");
    mm.set("MIME-Version", "1.0");
    mm.set("Auto-Submitted", "auto-generated");
    const std::string text = crlf(m.text);
    if (m.html.empty()) {
        mm.setContentType("text/plain; charset=utf-8");
        mm.setContent(text, encodingFor(text));
    } else {
        const std::string html = crlf(m.html);
        mm.setContentType("multipart/alternative");
        mm.addPart("", new Poco::Net::StringPartSource(text, "text/plain; charset=utf-8"),
                   Poco::Net::MailMessage::CONTENT_INLINE, encodingFor(text));
        mm.addPart("", new Poco::Net::StringPartSource(html, "text/html; charset=utf-8"),
                   Poco::Net::MailMessage::CONTENT_INLINE, encodingFor(html));
    }
    std::ostringstream out;
    mm.write(out);
    p.data = out.str();
    if (p.data.size() < 2 || p.data.compare(p.data.size() - 2, 2, "\r\n") != 0) p.data += "\r\n";
    return p;
}

// ---------------------------------------------------------------------------------------------------
// SMTP

struct SmtpSettings {
    bool implicitTls = false;
    bool startTls = false;
    bool verify = true;
    std::string host;
    unsigned short port = 0;
    std::string user;
    std::string password;
    std::string caFile;
    std::string helo;
    int timeoutSeconds = 15;

    bool hostIsIp() const {
        Poco::Net::IPAddress ip;
        return Poco::Net::IPAddress::tryParse(host, ip);
    }
    std::string server() const {
        return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
    }
};

bool isLoopback(const std::string& host) {
    Poco::Net::IPAddress ip;
    if (Poco::Net::IPAddress::tryParse(host, ip)) return ip.isLoopback();
    return toLower(host) == "localhost";
}

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

/// Parses the SMTP URL. Error texts never repeat the URL or any part of it that may hold the password.
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

/// An SMTP reply: its code and the text of each line (after "NNN-" / "NNN ").
struct Reply {
    int code = 0;
    std::vector<std::string> lines;
};

/// The enhanced status code (RFC 3463) at the start of a reply, e.g. "5.7.8", or "".
std::string enhancedCode(const Reply& r) {
    if (r.lines.empty()) return {};
    const std::string& t = r.lines.front();
    std::size_t n = 0;
    while (n < t.size() && n < 12 && (std::isdigit(static_cast<unsigned char>(t[n])) || t[n] == '.')) ++n;
    const std::string code = t.substr(0, n);
    if (std::count(code.begin(), code.end(), '.') != 2 || code.front() == '.' || code.back() == '.' ||
        code.find("..") != std::string::npos || (n < t.size() && t[n] != ' '))
        return {};
    return code;
}

/// One SMTP conversation over a DialogSocket (plain or TLS). Every method may throw Poco exceptions
/// (network, time-out, TLS) or MailError; step() names what it was doing for error messages.
class SmtpConversation {
public:
    SmtpConversation(const SmtpSettings& settings, Poco::Net::Context::Ptr tls) : s_(settings), tls_(std::move(tls)) {}
    ~SmtpConversation() { abort(); }
    SmtpConversation(const SmtpConversation&) = delete;
    SmtpConversation& operator=(const SmtpConversation&) = delete;

    const std::string& step() const { return step_; }
    std::string prefix() const { return "SMTP " + s_.server(); }

    void connect() {
        step_ = "connect";
        Poco::Net::StreamSocket plain;
        const Poco::Timespan timeout(s_.timeoutSeconds, 0);
        plain.connect(Poco::Net::SocketAddress(s_.host, s_.port), timeout);
        plain.setReceiveTimeout(timeout); // SO_RCVTIMEO / SO_SNDTIMEO stay with the descriptor under TLS
        plain.setSendTimeout(timeout);
        plain.setNoDelay(true);
        socket_ = plain;
        open_ = true;
        if (s_.implicitTls) upgradeToTls();
    }

    /// Reads the server's greeting.
    Reply greeting() {
        step_ = "greeting";
        return read();
    }

    /// Reads one (possibly multi-line) reply.
    Reply read() {
        Reply r;
        for (int n = 0;; ++n) {
            if (n >= kReplyLinesMax) throw MailError(prefix() + ": the reply to " + step_ + " is too long", true);
            std::string line;
            if (!socket_.receiveMessage(line)) // one line of at most 4096 bytes; false at EOF
                throw MailError(prefix() + ": the server closed the connection (" + step_ + ")", true);
            const bool codeOk = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                                std::isdigit(static_cast<unsigned char>(line[1])) &&
                                std::isdigit(static_cast<unsigned char>(line[2]));
            const char sep = line.size() > 3 ? line[3] : ' ';
            const int code = codeOk ? std::stoi(line.substr(0, 3)) : 0;
            if (!codeOk || (sep != ' ' && sep != '-') || (r.code != 0 && code != r.code))
                throw MailError(prefix() + ": the reply to " + step_ + " is not SMTP", true);
            r.code = code;
            r.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
            if (sep == ' ') return r;
        }
    }

    /// Sends one command line and reads the reply; `what` names the step (never holds secrets).
    Reply command(const std::string& line, const std::string& what) {
        step_ = what;
        socket_.sendMessage(line);
        return read();
    }

    /// Throws MailError unless the reply is of the class wanted (2 or 3).
    void expect(const Reply& r, int wantedClass) const {
        if (r.code / 100 == wantedClass) return;
        std::string text = prefix() + ": " + step_ + " refused with " + std::to_string(r.code);
        const std::string enhanced = enhancedCode(r);
        if (!enhanced.empty()) text += " " + enhanced;
        throw MailError(text, r.code / 100 != 5, r.code);
    }

    /// EHLO (HELO when the server refuses EHLO and nothing needs extensions); returns the keyword lines.
    std::vector<std::string> hello() {
        Reply r = command("EHLO " + s_.helo, "EHLO");
        if (r.code / 100 == 5 && !s_.startTls && s_.user.empty()) {
            r = command("HELO " + s_.helo, "HELO");
            expect(r, 2);
            return {};
        }
        expect(r, 2);
        std::vector<std::string> keywords;
        for (std::size_t i = 1; i < r.lines.size(); ++i) keywords.push_back(toUpper(trim(r.lines[i])));
        return keywords;
    }

    void upgradeToTls() {
        step_ = "TLS handshake";
        const std::string sni = s_.hostIsIp() ? std::string() : s_.host;
        Poco::Net::SecureStreamSocket tls = Poco::Net::SecureStreamSocket::attach(socket_, sni, tls_);
        if (tls.completeHandshake() != 1) throw MailError(prefix() + ": the TLS handshake did not complete", true);
        if (s_.verify) {
            if (!tls.havePeerCertificate())
                throw MailError(prefix() + ": the server presented no TLS certificate", true);
            const Poco::Net::X509Certificate cert = tls.peerCertificate();
            X509* x509 = const_cast<X509*>(cert.certificate());
            const bool matches = s_.hostIsIp()
                ? X509_check_ip_asc(x509, s_.host.c_str(), 0) == 1
                : X509_check_host(x509, s_.host.data(), s_.host.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1;
            if (!matches) throw MailError(prefix() + ": the server's TLS certificate is not valid for " + s_.host, true);
        }
        socket_ = tls; // also drops anything read before the handshake (RFC 3207 §4.2)
    }

    void authenticate(const std::vector<std::string>& keywords) {
        std::vector<std::string> mechanisms;
        for (const auto& k : keywords) {
            if (k.rfind("AUTH", 0) != 0 || k.size() < 5 || (k[4] != ' ' && k[4] != '=')) continue;
            std::istringstream in(k.substr(5));
            for (std::string m; in >> m;) mechanisms.push_back(m);
        }
        const auto offers = [&](const char* m) { return std::find(mechanisms.begin(), mechanisms.end(), m) != mechanisms.end(); };
        if (offers("PLAIN")) {
            const std::string credentials = base64(std::string(1, '\0') + s_.user + std::string(1, '\0') + s_.password);
            Reply r = command("AUTH PLAIN " + credentials, "AUTH PLAIN");
            if (r.code == 334) r = command(credentials, "AUTH PLAIN");
            expect(r, 2);
        } else if (offers("LOGIN")) {
            expect(command("AUTH LOGIN", "AUTH LOGIN"), 3);
            expect(command(base64(s_.user), "AUTH LOGIN"), 3);
            expect(command(base64(s_.password), "AUTH LOGIN"), 2);
        } else {
            throw MailError(prefix() + (mechanisms.empty() ? ": the server offers no AUTH"
                                                           : ": the server offers neither AUTH PLAIN nor AUTH LOGIN"),
                            false);
        }
    }

    /// Sends the message text after 354 (dot-stuffed, ended by CRLF.CRLF) and reads the final reply.
    Reply data(const std::string& message) {
        step_ = "message data";
        std::ostringstream stuffed;
        {
            Poco::Net::MailOutputStream mail(stuffed);
            mail.write(message.data(), static_cast<std::streamsize>(message.size()));
            mail.close();
        }
        const std::string bytes = stuffed.str();
        std::size_t sent = 0;
        while (sent < bytes.size()) {
            const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size() - sent, 64 * 1024));
            const int n = socket_.sendBytes(bytes.data() + sent, chunk);
            if (n <= 0) throw MailError(prefix() + ": the connection broke while sending the message", true);
            sent += static_cast<std::size_t>(n);
        }
        step_ = "end of data";
        return read();
    }

    /// Says QUIT politely; never throws (the message may already be accepted).
    void quit() noexcept {
        if (!open_) return;
        try {
            command("QUIT", "QUIT");
        } catch (...) {
        }
        abort();
    }

    /// Closes the connection at once; never throws.
    void abort() noexcept {
        if (!open_) return;
        open_ = false;
        try {
            socket_.close();
        } catch (...) {
        }
    }

private:
    const SmtpSettings& s_;
    Poco::Net::Context::Ptr tls_;
    Poco::Net::DialogSocket socket_;
    std::string step_;
    bool open_ = false;
};

class SmtpTransport final : public MailTransport {
public:
    explicit SmtpTransport(SmtpSettings settings) : s_(std::move(settings)) {
        if (s_.implicitTls || s_.startTls) {
            Poco::Net::Context::Params params;
            params.verificationMode = s_.verify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE;
            params.loadDefaultCAs = s_.verify && s_.caFile.empty();
            params.caLocation = s_.verify ? s_.caFile : std::string();
            params.cipherList = "DEFAULT";
            try {
                tls_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
                tls_->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
                tls_->enableExtendedCertificateVerification(false); // the host is checked in upgradeToTls()
                tls_->setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(false));
            } catch (const Poco::Exception& e) {
                throw ConfigError("mail: cannot set up TLS for " + s_.server() + ": " + clean(e.displayText()));
            }
        }
        if (!s_.user.empty() && !s_.implicitTls && !s_.startTls && !isLoopback(s_.host))
            log::warn("mail: SMTP credentials will be sent without TLS (use starttls=1 or smtps://)",
                      {{"server", s_.server()}});
    }

    void send(const MailMessage& message) override {
        const Prepared p = prepare(message, Poco::Timestamp());
        try {
            deliver(p);
        } catch (const MailError& e) {
            log::debug("mail not sent", {{"transport", "smtp"}, {"server", s_.server()}, {"message_id", p.id},
                                         {"reply", std::to_string(e.replyCode)},
                                         {"retryable", e.retryable ? "true" : "false"}});
            throw;
        }
        log::debug("mail sent", {{"transport", "smtp"}, {"server", s_.server()}, {"message_id", p.id}});
    }

    std::string describe() const override {
        std::vector<std::string> notes;
        if (s_.startTls) notes.push_back("STARTTLS");
        if (s_.implicitTls) notes.push_back("TLS");
        if ((s_.startTls || s_.implicitTls) && !s_.verify) notes.push_back("certificate not verified");
        if (!s_.caFile.empty()) notes.push_back("CA " + s_.caFile);
        if (!s_.user.empty()) notes.push_back("AUTH");
        std::string d = (s_.implicitTls ? "smtps://" : "smtp://") + s_.server();
        for (std::size_t i = 0; i < notes.size(); ++i) d += (i == 0 ? " (" : ", ") + notes[i];
        return notes.empty() ? d : d + ")";
    }

private:
    /// One connection, one message. Network, TLS and time-out failures become retryable MailErrors.
    void deliver(const Prepared& p) const {
        SmtpConversation c(s_, tls_);
        try {
            c.connect();
            c.expect(c.greeting(), 2);
            std::vector<std::string> keywords = c.hello();
            if (s_.startTls) {
                if (std::find(keywords.begin(), keywords.end(), "STARTTLS") == keywords.end())
                    throw MailError(c.prefix() + ": the server does not offer STARTTLS", true);
                c.expect(c.command("STARTTLS", "STARTTLS"), 2);
                c.upgradeToTls();
                keywords = c.hello();
            }
            if (!s_.user.empty()) c.authenticate(keywords);
            c.expect(c.command("MAIL FROM:<" + p.from + ">", "MAIL FROM"), 2);
            c.expect(c.command("RCPT TO:<" + p.to + ">", "RCPT TO"), 2);
            c.expect(c.command("DATA", "DATA"), 3);
            c.expect(c.data(p.data), 2);
        } catch (const MailError&) {
            throw;
        } catch (const Poco::TimeoutException&) {
            throw MailError(c.prefix() + ": no answer within " + std::to_string(s_.timeoutSeconds) + " s (" + c.step() + ")",
                            true);
        } catch (const Poco::Net::SSLException& e) {
            throw MailError(c.prefix() + ": TLS failed (" + c.step() + "): " + clean(e.displayText()), true);
        } catch (const Poco::Exception& e) {
            throw MailError(c.prefix() + ": " + c.step() + " failed: " + clean(e.displayText()), true);
        } catch (const std::exception& e) {
            throw MailError(c.prefix() + ": " + c.step() + " failed: " + clean(e.what()), true);
        }
        c.quit();
    }

    SmtpSettings s_;
    Poco::Net::Context::Ptr tls_;
};

// ---------------------------------------------------------------------------------------------------
// Drop directory

class DropDirTransport final : public MailTransport {
public:
    explicit DropDirTransport(std::string dir) : dir_(std::move(dir)) {}

    void send(const MailMessage& message) override {
        const Poco::Timestamp now;
        const Prepared p = prepare(message, now);
        namespace fs = std::filesystem;
        std::lock_guard<std::mutex> lock(mutex_);
        std::error_code ec;
        fs::create_directories(dir_, ec);
        if (ec) throw MailError("mail drop directory " + dir_ + ": cannot create it: " + ec.message(), true);
        std::string name = existingFile(p.id);
        if (name.empty()) name = Poco::DateTimeFormatter::format(now, "%Y%m%dT%H%M%S") + "-" + p.id + ".eml";
        const fs::path target = fs::path(dir_) / name;
        const fs::path temp = fs::path(dir_) / (".tmp-" + p.id + "-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(counter_++) + ".part");
        writeSynced(temp, p.data, p.id);
        fs::rename(temp, target, ec);
        if (ec) {
            fs::remove(temp, ec);
            throw MailError("mail drop directory " + dir_ + ": cannot store message " + p.id, true);
        }
        syncDirectory();
        log::debug("mail stored", {{"transport", "dir"}, {"message_id", p.id}});
    }

    std::string describe() const override { return "files in " + dir_; }

private:
    /// The file an earlier send() of this id wrote ("<15 chars of time>-<id>.eml"), or "".
    std::string existingFile(const std::string& id) const {
        namespace fs = std::filesystem;
        const std::string suffix = "-" + id + ".eml";
        std::string found;
        std::error_code ec;
        for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (name.size() != 15 + suffix.size() || name.compare(15, std::string::npos, suffix) != 0 || name[8] != 'T')
                continue;
            if (!isDigits(name.substr(0, 8)) || !isDigits(name.substr(9, 6))) continue;
            if (found.empty() || name < found) found = name;
        }
        return found;
    }

    void writeSynced(const std::filesystem::path& path, const std::string& data, const std::string& id) const {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        bool ok = fd >= 0;
        std::size_t written = 0;
        while (ok && written < data.size()) {
            const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
            if (n < 0 && errno == EINTR) continue;
            ok = n > 0;
            if (ok) written += static_cast<std::size_t>(n);
        }
        const int savedErrno = errno;
        if (ok && ::fsync(fd) != 0) ok = false;
        if (fd >= 0 && ::close(fd) != 0) ok = false;
        if (!ok) {
            std::error_code ec;
            std::filesystem::remove(path, ec);
            throw MailError("mail drop directory " + dir_ + ": cannot write message " + id + ": " +
                                std::strerror(savedErrno ? savedErrno : errno),
                            true);
        }
    }

    void syncDirectory() const {
        const int fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return;
        (void)::fsync(fd);
        ::close(fd);
    }

    std::string dir_;
    std::mutex mutex_;
    std::atomic<unsigned> counter_{0};
};

} // namespace

std::unique_ptr<MailTransport> makeMailTransport(const std::string& smtpUrl, const std::string& dropDir,
                                                 int timeoutSeconds) {
    if (timeoutSeconds < 1 || timeoutSeconds > 3600)
        throw ConfigError("mail: the SMTP timeout must be from 1 to 3600 seconds");
    if (trim(smtpUrl).empty()) {
        if (trim(dropDir).empty())
            throw ConfigError("mail: neither an SMTP server URL nor a drop directory is configured");
        return std::make_unique<DropDirTransport>(dropDir);
    }
    SmtpSettings settings = parseSmtpUrl(trim(smtpUrl));
    settings.timeoutSeconds = timeoutSeconds;
    return std::make_unique<SmtpTransport>(std::move(settings));
}

} // namespace kabinet
