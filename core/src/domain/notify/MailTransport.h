#pragma once
/// How the core delivers e-mail. A MailTransport sends one MailMessage: over SMTP (plain, STARTTLS or
/// implicit TLS, optional AUTH PLAIN/LOGIN) or, when no server is configured, into a drop directory as
/// .eml files. It knows nothing about the database; the outbox decides from MailError::retryable whether
/// to try again later. (Inside notify/: MimeMessage renders the text, SmtpSettings parses the URL,
/// SmtpTransport holds the dialogue and TLS, DropDirTransport the files.)
#include <memory>
#include <stdexcept>
#include <string>

namespace kabinet {

/// One e-mail. All text is UTF-8; headers are encoded per RFC 2047, bodies as quoted-printable (ASCII
/// text) or base64 (anything else) with charset=utf-8.
struct MailMessage {
    std::string from;      /// "Кабинет ВОЭК <no-reply@voek.example>" or a bare address; the name may be Cyrillic
    std::string to;        /// one address, bare or "Name <address>"
    std::string subject;   /// one line; line breaks and other control characters become spaces
    std::string text;      /// the plain-text body; any line ends (LF, CRLF) are sent as CRLF
    std::string html;      /// optional HTML alternative: when set the message is multipart/alternative
    std::string messageId; /// stable id (letters, digits and . _ - + =): Message-ID <messageId@kabinet> and the
                           /// drop-dir file name; a random one is made when empty (then nothing is idempotent)
};

/// A delivery that failed. what() names the server (host:port), the SMTP step and reply code, never the
/// password, the addresses, the server's free text or the body.
struct MailError : std::runtime_error {
    MailError(const std::string& what, bool retryable, int replyCode = 0);
    bool retryable; /// true: the same message may go through later (4xx, connection, TLS, time-out, disk);
                    /// false: it never will as it is (5xx, e.g. 535 bad credentials; an invalid address)
    int replyCode;  /// the SMTP reply code that failed the delivery; 0 when there was none
};

/// Delivers e-mail. Implementations are thread-safe; SMTP opens one connection per send().
class MailTransport {
public:
    virtual ~MailTransport() = default;
    /// Delivers one message or throws MailError. Returns only when the server accepted it (250 after the
    /// data) or the file is in place.
    virtual void send(const MailMessage& message) = 0;
    /// Where mail goes, for logs and operators, e.g. "smtp://mail.example:587 (STARTTLS, AUTH)" or
    /// "files in /var/lib/kabinet/mail"; never the password.
    virtual std::string describe() const = 0;
};

/// Makes the transport the configuration asks for.
///   smtpUrl "" → files in dropDir: <dropDir>/<UTC yyyymmddThhmmss>-<messageId>.eml, the message exactly as
///       SMTP would send it; the directory is created on demand, each file written under a temporary name
///       and renamed; a messageId sent again replaces its earlier file.
///   "smtp://[user:password@]host[:port][?starttls=1]" → SMTP (port 25 by default); starttls=1 requires
///       STARTTLS and never falls back to plain text.
///   "smtps://[user:password@]host[:port]" → SMTP over implicit TLS (port 465 by default).
/// User and password are percent-decoded. TLS verifies the server's certificate chain against the system
/// CAs and its name against the host; query parameters: ca_file=/path (trust this PEM file instead of the
/// system CAs), tls_verify=0 (no verification — tests only), helo=name (the EHLO name; default this host's
/// name). timeoutSeconds bounds the connect and every read and write (over TLS POCO may wait up to twice
/// that for one read, three times for the handshake); name resolution is not bounded.
/// Throws ConfigError (util/Error.h) naming what is wrong; the text never contains the password.
std::unique_ptr<MailTransport> makeMailTransport(const std::string& smtpUrl, const std::string& dropDir,
                                                 int timeoutSeconds = 15);

} // namespace kabinet
