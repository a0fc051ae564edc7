#pragma once
/// How the core delivers text messages: through a channel plugin (sms-http) when a gateway is configured,
/// otherwise into files under <data-dir>/sms/ (development and demo).
#include <memory>
#include <stdexcept>
#include <string>

namespace kabinet {

class PluginHost;
struct Config;

/// A failed text message; `retryable` for transport errors and timeouts.
struct SmsError : std::runtime_error {
    SmsError(const std::string& m, bool r) : std::runtime_error(m), retryable(r) {}
    bool retryable;
};

class SmsSender {
public:
    virtual ~SmsSender() = default;
    /// Sends one message; `reference` is the outbox id (idempotency at the gateway). Throws SmsError.
    virtual void send(const std::string& recipient, const std::string& text, const std::string& reference) = 0;
    /// What this sender is, for logs (no secrets).
    virtual std::string describe() const = 0;
};

/// The sender the configuration asks for. Throws ConfigError when the plugin is missing or refuses the config.
std::unique_ptr<SmsSender> makeSmsSender(const Config& config, const PluginHost& plugins);

} // namespace kabinet
