#include "notify/MimeMessage.h"

#include "notify/MailText.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>

// Notes on POCO 1.11 (Debian's 1.11.0), which decide how this file renders mail:
//  * MailMessage::encodeWord() splits encoded words in the middle of UTF-8 characters and leaves '"' and
//    other specials raw inside display names (RFC 2047 §5 forbids both); headers are encoded here.
//  * MailMessage writes neither MIME-Version nor a charset for single-part messages, and its Date says
//    "GMT" (obsolete zone); those headers are set here.

namespace kabinet::mail {

namespace {

constexpr std::size_t kWordBytes = 39;   // UTF-8 bytes per encoded word: 52 base64 chars, 64-char word

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

} // namespace

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

} // namespace kabinet::mail
