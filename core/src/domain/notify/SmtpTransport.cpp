#include "notify/SmtpTransport.h"

#include "notify/MailText.h"
#include "notify/MimeMessage.h"
#include "util/Error.h"
#include "util/Log.h"

#include <Poco/Exception.h>
#include <Poco/Net/DialogSocket.h>
#include <Poco/Net/MailStream.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>

#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <sstream>
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

namespace kabinet::mail {

namespace {

constexpr int kReplyLinesMax = 200;

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

} // namespace

SmtpTransport::SmtpTransport(SmtpSettings settings) : s_(std::move(settings)) {
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

void SmtpTransport::send(const MailMessage& message) {
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

std::string SmtpTransport::describe() const {
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

void SmtpTransport::deliver(const Prepared& p) const {
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

} // namespace kabinet::mail
