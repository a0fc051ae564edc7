#pragma once
/// The SMTP server a transport talks to, as the configuration's URL gives it (see makeMailTransport).
#include <string>

namespace kabinet::mail {

/// A parsed SMTP URL; the password is held only here and in the AUTH exchange.
struct SmtpSettings {
    bool implicitTls = false; ///< smtps://: TLS from the first byte
    bool startTls = false;    ///< starttls=1: STARTTLS required, never plain text
    bool verify = true;       ///< the certificate chain and name are checked (tls_verify=0 turns it off)
    std::string host;         ///< name or address (IPv6 without brackets)
    unsigned short port = 0;  ///< 25 / 465 unless given
    std::string user;         ///< percent-decoded; "" = no AUTH
    std::string password;     ///< percent-decoded; never logged nor put in an error
    std::string caFile; ///< PEM file trusted instead of the system CAs ("" = system CAs)
    std::string helo;   ///< the EHLO name
    int timeoutSeconds = 15;

    /// True when the host is an IP address (no SNI; the certificate is checked against the address).
    bool hostIsIp() const;
    /// "host:port" ("[v6]:port"), for messages and logs; never the credentials.
    std::string server() const;
};

/// Parses "smtp://[user:password@]host[:port][?starttls=1&tls_verify=0&ca_file=…&helo=…]" or smtps://…; the helo
/// name defaults to this host's name. Throws ConfigError naming what is wrong, never repeating the URL or any
/// part of it that may hold the password.
SmtpSettings parseSmtpUrl(const std::string& url);

/// True for a loopback address or "localhost": a link where credentials without TLS do not leave the machine.
bool isLoopback(const std::string& host);

} // namespace kabinet::mail
