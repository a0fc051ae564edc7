//
// GatewayClient.h
//
// The HTTP(S) client of the sms-http channel: one request, bounded attempts, retries with backoff.
//


#ifndef KABINET_SMSHTTP_GATEWAYCLIENT_H
#define KABINET_SMSHTTP_GATEWAYCLIENT_H


#include "Config.h"
#include "Redactor.h"
#include "RequestBuilder.h"

#include "kabinet/sdk.hpp"

#include "Poco/Net/Context.h"

#include <optional>
#include <string>


namespace kabinet::smshttp {


class GatewayClient
	/// Delivers a GatewayRequest to the configured gateway. Thread-safe: every send uses its own
	/// connections; the object itself is immutable after construction.
	///
	/// Each attempt opens a new connection and is bounded by timeout_ms as a whole (connect, TLS
	/// handshake, request, answer; a watchdog shuts the socket down at the deadline), except for
	/// the DNS lookup, which the system resolver bounds. Answers are read up to 64 KiB.
	///
	/// Outcomes of an attempt:
	///  - status in success_statuses         -> accepted; the id at id_path becomes the provider id;
	///  - connection error, timeout, 5xx, 429 -> retried up to `retries` times, pausing backoff_ms,
	///    doubling, capped at backoff_max_ms (a Retry-After of the gateway replaces the pause, capped
	///    the same way); when none is left: KB_ERR_TIMEOUT after a timeout, otherwise KB_ERR_TRANSPORT;
	///  - any other status                    -> KB_ERR_REJECTED at once, with the status and a
	///    sanitised excerpt of the answer (see Redactor).
{
public:
	explicit GatewayClient(const Config& config);
		/// Creates a client; config must outlive it. For https, sets up the TLS context: system CAs
		/// plus ca_file, strict peer certificate and host name verification (also for loopback
		/// hosts), TLS 1.2 or newer. Throws ConfigError when ca_file cannot be loaded.

	~GatewayClient();
		/// Releases the TLS context.

	GatewayClient(const GatewayClient&) = delete;
	GatewayClient& operator=(const GatewayClient&) = delete;

	void send(const GatewayRequest& request, const Redactor& redactor, sdk::SendResult& result) const;
		/// Sends request, retrying as described above. On success fills result.providerId; always
		/// sets result.attempts. Throws sdk::Error (TimeoutError, TransportError, RejectedError) on
		/// failure; its text holds no personal data or secrets.

private:
	struct Outcome
	{
		enum class Kind { Accepted, Retryable, Fatal };
		Kind kind = Kind::Fatal;
		kb_status status = KB_ERR_INTERNAL;
		std::string summary;             // short, for logs: "HTTP 503", "timeout", "connection refused"
		std::string detail;              // for the error text: summary plus a sanitised excerpt
		std::optional<long> retryAfterMs;
		std::string providerId;
	};

	Outcome attempt(const GatewayRequest& request, const Redactor& redactor) const;
	Outcome classify(int httpStatus, const std::string& retryAfter, const std::string& body, const Redactor& redactor) const;
	std::string extractProviderId(const std::string& body) const;

	const Config& _config;
	Poco::Net::Context::Ptr _tls;
	bool _sslInitialized = false;
};


} // namespace kabinet::smshttp


#endif // KABINET_SMSHTTP_GATEWAYCLIENT_H
