#pragma once
/// The peers the tests cannot reach otherwise, as child processes on loopback: a real SMTP server
/// (Debian's aiosmtpd) and the SMS gateway simulator. Each stops when its object goes out of scope.
#include <memory>
#include <string>
#include <vector>

namespace Poco {
class ProcessHandle;
class Pipe;
} // namespace Poco

namespace kabinet::test {

/// A Python simulator started with --port 0; reads its "PORT n" line.
class Simulator {
public:
    Simulator(const std::string& script, std::vector<std::string> args);
    ~Simulator();
    unsigned short port() const noexcept { return port_; }
private:
    std::unique_ptr<Poco::Pipe> in_, out_;
    std::unique_ptr<Poco::ProcessHandle> handle_;
    unsigned short port_ = 0;
};

/// A mail as the SMTP server stored it, decoded.
struct ReceivedMail {
    std::string to, subject, text, raw;
};

/// tests/simulators/smtp_server.py storing messages in a directory.
class SmtpServer {
public:
    SmtpServer();
    unsigned short port() const noexcept { return sim_.port(); }
    const std::string& dir() const noexcept { return dir_; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }
    /// Every mail received so far, oldest first.
    std::vector<ReceivedMail> mails() const;
    /// Waits (at most `seconds`) for the n-th mail to `to` (1 = first) and returns it; throws on timeout.
    ReceivedMail waitFor(const std::string& to, int n = 1, int seconds = 15) const;
private:
    std::string dir_;
    Simulator sim_;
};

/// tests/simulators/sms_gateway.py.
class SmsGateway {
public:
    explicit SmsGateway(const std::string& token = "sms-token");
    unsigned short port() const noexcept { return sim_.port(); }
    /// The sms-http plugin config that points at this gateway.
    std::string pluginConfig() const;
    /// Waits for the n-th message to a number and returns its text.
    std::string waitFor(const std::string& to, int n = 1, int seconds = 15) const;
    /// The 6-digit code in the n-th message to a number.
    std::string codeFor(const std::string& to, int n = 1) const;
private:
    std::string token_;
    Simulator sim_;
};

/// Extracts the first URL in a text that contains `fragment`; empty when none.
std::string findLink(const std::string& text, const std::string& fragment);
/// The value of a query parameter in a URL (percent-decoded).
std::string queryParam(const std::string& url, const std::string& name);

} // namespace kabinet::test
