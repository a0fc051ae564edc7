#pragma once
/// Mail over SMTP: one connection per message — greeting, EHLO, STARTTLS when asked (never falling back to
/// plain text), AUTH PLAIN or LOGIN, MAIL FROM, RCPT TO, DATA — with every step bounded by the time-out.
#include "notify/MailTransport.h"
#include "notify/SmtpSettings.h"

#include <Poco/Net/Context.h>

namespace kabinet::mail {

struct Prepared;

/// Sends each message over a new SMTP connection. Thread-safe. Failures are MailErrors naming the server,
/// the step and the reply codes only: network, TLS and time-out failures and 4xx replies are retryable, 5xx
/// replies are not.
class SmtpTransport final : public MailTransport {
public:
    /// Sets up TLS (verification per the settings) when the settings ask for it; throws ConfigError when it
    /// cannot. Warns in the log when credentials would cross a non-loopback link without TLS.
    explicit SmtpTransport(SmtpSettings settings);
    /// Delivers one message (see MailTransport::send); logs at debug level, without addresses.
    void send(const MailMessage& message) override;
    /// E.g. "smtp://mail.example:587 (STARTTLS, AUTH)"; never the password.
    std::string describe() const override;

private:
    /// One connection, one message. Network, TLS and time-out failures become retryable MailErrors.
    void deliver(const Prepared& p) const;

    SmtpSettings s_;
    Poco::Net::Context::Ptr tls_;
};

} // namespace kabinet::mail
