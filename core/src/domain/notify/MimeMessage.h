#pragma once
/// The text of a mail as it goes out (RFC 5322 + MIME): headers encoded per RFC 2047, bodies as quoted-printable
/// (ASCII) or base64 (anything else) with charset=utf-8; the same text for SMTP and for the drop directory.
#include "notify/MailTransport.h"

#include <Poco/Timestamp.h>

#include <string>

namespace kabinet::mail {

/// A message ready to go: its id, envelope addresses and the full RFC 5322 text (CRLF line ends).
struct Prepared {
    std::string id;   ///< the message's id (given or random), also in Message-ID <id@kabinet>
    std::string from; ///< the sender's bare address (envelope)
    std::string to;   ///< the recipient's bare address (envelope)
    std::string data; ///< the whole message, ending with CRLF
};

/// Renders `m` dated `now`. Throws MailError (not retryable) for an invalid message id, an address that is
/// not ASCII or not valid, or a sender/recipient not of the form "Name <address>"; the error never quotes them.
/// No header value can start another header (control characters become spaces).
Prepared prepare(const MailMessage& m, const Poco::Timestamp& now);

} // namespace kabinet::mail
