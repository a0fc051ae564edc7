//
// GatewayClient.cpp
//


#include "GatewayClient.h"

#include "Poco/DateTime.h"
#include "Poco/DateTimeFormat.h"
#include "Poco/DateTimeParser.h"
#include "Poco/Exception.h"
#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/SSLException.h"
#include "Poco/Net/NetSSL.h"
#include "Poco/Net/SecureStreamSocket.h"
#include "Poco/Net/SocketAddress.h"
#include "Poco/Net/StreamSocket.h"
#include "Poco/Timespan.h"
#include "Poco/Timestamp.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <cerrno>
#include <csignal>
#include <ctime>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>


namespace kabinet::smshttp {


namespace {


using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

constexpr std::size_t kMaxAnswerBytes = 64 * 1024;
constexpr const char* kUserAgent = "kabinet-sms-http/1.0";


class Watchdog
	/// Shuts a socket down when a deadline passes, so that a blocked read or write returns.
	/// Works on a duplicate of the descriptor: safe even after Poco closed its own one.
{
public:
	Watchdog(int fd, Clock::time_point deadline):
		_fd(fd >= 0 ? ::dup(fd) : -1),
		_thread([this, deadline] { run(deadline); })
	{
	}

	~Watchdog()
	{
		cancel();
		if (_fd >= 0) ::close(_fd);
	}

	Watchdog(const Watchdog&) = delete;
	Watchdog& operator=(const Watchdog&) = delete;

	void cancel()
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			_cancelled = true;
		}
		_wake.notify_all();
		if (_thread.joinable()) _thread.join();
	}

	bool fired() const
	{
		return _fired.load();
	}

private:
	void run(Clock::time_point deadline)
	{
		std::unique_lock<std::mutex> lock(_mutex);
		if (!_wake.wait_until(lock, deadline, [this] { return _cancelled; }))
		{
			_fired = true;
			if (_fd >= 0) ::shutdown(_fd, SHUT_RDWR);
		}
	}

	int _fd;
	std::mutex _mutex;
	std::condition_variable _wake;
	bool _cancelled = false;
	std::atomic<bool> _fired{false};
	std::thread _thread; // last: started after the other members exist
};


class SigpipeGuard
	/// Blocks SIGPIPE in the calling thread for its lifetime and swallows one raised meanwhile, so a
	/// gateway closing the connection while we write cannot kill the host process.
{
public:
	SigpipeGuard()
	{
		sigset_t pipeOnly;
		sigemptyset(&pipeOnly);
		sigaddset(&pipeOnly, SIGPIPE);
		sigset_t pending;
		sigpending(&pending);
		_wasPending = sigismember(&pending, SIGPIPE) == 1;
		_blocked = pthread_sigmask(SIG_BLOCK, &pipeOnly, &_previous) == 0;
	}

	~SigpipeGuard()
	{
		if (!_blocked) return;
		sigset_t pending;
		sigpending(&pending);
		if (!_wasPending && sigismember(&pending, SIGPIPE) == 1)
		{
			sigset_t pipeOnly;
			sigemptyset(&pipeOnly);
			sigaddset(&pipeOnly, SIGPIPE);
			const timespec zero{0, 0};
			while (sigtimedwait(&pipeOnly, nullptr, &zero) == -1 && errno == EINTR)
			{
			}
		}
		pthread_sigmask(SIG_SETMASK, &_previous, nullptr);
	}

	SigpipeGuard(const SigpipeGuard&) = delete;
	SigpipeGuard& operator=(const SigpipeGuard&) = delete;

private:
	sigset_t _previous;
	bool _wasPending = false;
	bool _blocked = false;
};


Poco::Timespan remainingUntil(Clock::time_point deadline)
{
	const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count();
	return Poco::Timespan(std::max<long long>(left, 1000));
}


std::string readLimited(std::istream& in, std::size_t limit)
{
	std::string body;
	char buffer[4096];
	while (body.size() < limit)
	{
		in.read(buffer, static_cast<std::streamsize>(std::min(sizeof(buffer), limit - body.size())));
		const std::streamsize n = in.gcount();
		if (n <= 0) break;
		body.append(buffer, static_cast<std::size_t>(n));
		if (!in) break;
	}
	return body;
}


std::optional<long> parseRetryAfter(const std::string& value)
	/// Retry-After as delay-seconds or an HTTP date, in milliseconds; nullopt if absent or malformed.
{
	std::string v = value;
	v.erase(0, v.find_first_not_of(" \t"));
	v.erase(v.find_last_not_of(" \t") + 1);
	if (v.empty()) return std::nullopt;
	if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
	{
		if (v.size() > 7) return 9999999L * 1000; // absurdly large: the cap applies
		return std::stol(v) * 1000;
	}
	Poco::DateTime when;
	int tzd = 0;
	if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::HTTP_FORMAT, v, when, tzd)) return std::nullopt;
	const Poco::Timestamp::TimeDiff diff = when.timestamp() - Poco::Timestamp();
	return std::max<long>(0, static_cast<long>(diff / 1000));
}


std::string sanitiseId(const std::string& raw)
	/// Keeps printable ASCII without spaces (message ids are tokens).
{
	std::string id;
	for (char c: raw)
		if (c > 0x20 && c < 0x7F) id += c;
	return id;
}


std::string endpointName(const Config& config)
	/// "host:port" of the gateway, for error texts (never the path or query: they may hold secrets).
{
	return config.url.getHost() + ":" + std::to_string(config.url.getPort());
}


} // namespace


GatewayClient::GatewayClient(const Config& config):
	_config(config)
{
	if (!_config.isHttps()) return;
	Poco::Net::initializeSSL();
	_sslInitialized = true;
	try
	{
		_tls = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, _config.caFile,
			Poco::Net::Context::VERIFY_STRICT, 9, true, "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES");
		_tls->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
	}
	catch (const Poco::Exception& exc)
	{
		_tls = nullptr;
		Poco::Net::uninitializeSSL();
		_sslInitialized = false;
		if (!_config.caFile.empty()) throw sdk::ConfigError("ca_file: cannot be loaded (" + exc.displayText() + ")");
		throw sdk::InternalError("cannot set up TLS: " + exc.displayText());
	}
}


GatewayClient::~GatewayClient()
{
	_tls = nullptr;
	if (_sslInitialized) Poco::Net::uninitializeSSL();
}


void GatewayClient::send(const GatewayRequest& request, const Redactor& redactor, sdk::SendResult& result) const
{
	const int maxAttempts = _config.retries + 1;
	long backoff = _config.backoffMs;
	const long cap = _config.backoffMaxMs;
	for (int n = 1;; ++n)
	{
		result.attempts = static_cast<std::uint32_t>(n);
		Outcome outcome = attempt(request, redactor);
		if (outcome.kind == Outcome::Kind::Accepted)
		{
			result.providerId = std::move(outcome.providerId);
			if (n > 1) sdk::log(KB_LOG_INFO, "message accepted by the gateway after " + std::to_string(n) + " attempts");
			return;
		}
		const std::string attempts = std::to_string(n) + (n == 1 ? " attempt" : " attempts");
		if (outcome.kind == Outcome::Kind::Fatal)
		{
			sdk::log(KB_LOG_WARN, "gateway refused the message: " + outcome.summary);
			throw sdk::Error(outcome.status, outcome.detail);
		}
		if (n >= maxAttempts)
		{
			sdk::log(KB_LOG_WARN, "giving up after " + attempts + ": " + outcome.summary);
			throw sdk::Error(outcome.status, outcome.detail + " (" + attempts + ")");
		}
		const long pause = std::min(outcome.retryAfterMs.value_or(backoff), cap);
		backoff = std::min(backoff * 2, cap);
		sdk::log(KB_LOG_WARN, "attempt " + std::to_string(n) + " of " + std::to_string(maxAttempts) + " failed: " +
			outcome.summary + "; retrying in " + std::to_string(pause) + " ms");
		if (pause > 0) std::this_thread::sleep_for(Milliseconds(pause));
	}
}


GatewayClient::Outcome GatewayClient::attempt(const GatewayRequest& request, const Redactor& redactor) const
{
	const Clock::time_point deadline = Clock::now() + Milliseconds(_config.timeoutMs);
	const std::string host = _config.url.getHost();
	const Poco::UInt16 port = _config.url.getPort();
	const Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(_config.timeoutMs) * 1000);

	auto failure = [](kb_status status, const std::string& summary, const std::string& detail)
	{
		Outcome outcome;
		outcome.kind = Outcome::Kind::Retryable;
		outcome.status = status;
		outcome.summary = summary;
		outcome.detail = detail;
		return outcome;
	};
	auto timedOut = [&]
	{
		return failure(KB_ERR_TIMEOUT, "timeout",
			"gateway " + endpointName(_config) + " did not answer within " + std::to_string(_config.timeoutMs) + " ms");
	};

	SigpipeGuard sigpipeGuard;
	// Destruction order matters: the watchdog stops before the session closes the socket.
	Poco::Net::StreamSocket socket;
	std::unique_ptr<Poco::Net::HTTPClientSession> session;
	std::optional<Watchdog> watchdog;
	try
	{
		const Poco::Net::SocketAddress address(host, port);
		socket.connect(address, remainingUntil(deadline));
		watchdog.emplace(socket.impl()->sockfd(), deadline);
		socket.setNoDelay(true);
		socket.setSendTimeout(timeout);
		socket.setReceiveTimeout(timeout);
		// A plain HTTPClientSession over the TLS socket: Poco 1.11's HTTPSClientSession(SecureStreamSocket)
		// throws IllegalStateException (it sets the port of an already connected session).
		if (_tls)
			session = std::make_unique<Poco::Net::HTTPClientSession>(Poco::Net::SecureStreamSocket::attach(socket, host, _tls));
		else
			session = std::make_unique<Poco::Net::HTTPClientSession>(socket);
		session->setTimeout(timeout);

		Poco::Net::HTTPRequest httpRequest(Poco::Net::HTTPRequest::HTTP_POST, request.target, Poco::Net::HTTPMessage::HTTP_1_1);
		httpRequest.setHost(host, port);
		httpRequest.setContentType(request.contentType);
		httpRequest.setContentLength(static_cast<std::streamsize>(request.body.size()));
		httpRequest.setKeepAlive(false);
		httpRequest.set("User-Agent", kUserAgent);
		httpRequest.set("Accept", "application/json");
		for (const auto& [name, value]: request.headers) httpRequest.set(name, value);

		std::ostream& out = session->sendRequest(httpRequest);
		out.exceptions(std::ios::badbit);
		out << request.body;
		out.flush();

		Poco::Net::HTTPResponse response;
		std::istream& in = session->receiveResponse(response);
		in.exceptions(std::ios::badbit);
		const std::string body = readLimited(in, kMaxAnswerBytes);
		watchdog->cancel();
		if (watchdog->fired()) return timedOut();
		return classify(static_cast<int>(response.getStatus()), response.get("Retry-After", ""), body, redactor);
	}
	catch (const Poco::TimeoutException&)
	{
		return timedOut();
	}
	catch (const Poco::Exception& exc)
	{
		if (watchdog && watchdog->fired()) return timedOut();
		const std::string where = "gateway " + endpointName(_config);
		if (dynamic_cast<const Poco::Net::ConnectionRefusedException*>(&exc))
			return failure(KB_ERR_TRANSPORT, "connection refused", where + ": connection refused");
		if (dynamic_cast<const Poco::Net::HostNotFoundException*>(&exc) || dynamic_cast<const Poco::Net::NoAddressFoundException*>(&exc) ||
			dynamic_cast<const Poco::Net::DNSException*>(&exc))
			return failure(KB_ERR_TRANSPORT, "host not found", where + ": host name cannot be resolved");
		if (dynamic_cast<const Poco::Net::SSLException*>(&exc))
			return failure(KB_ERR_TRANSPORT, "TLS failure", where + ": TLS failure: " + exc.displayText());
		if (dynamic_cast<const Poco::Net::ConnectionResetException*>(&exc))
			return failure(KB_ERR_TRANSPORT, "connection reset", where + ": connection reset by peer");
		if (dynamic_cast<const Poco::Net::NoMessageException*>(&exc) || dynamic_cast<const Poco::Net::MessageException*>(&exc))
			return failure(KB_ERR_TRANSPORT, "no valid HTTP answer", where + ": no valid HTTP answer");
		const std::string what = std::string("connection failed (") + exc.name() + ")";
		return failure(KB_ERR_TRANSPORT, what, where + ": " + what);
	}
	catch (const std::ios_base::failure&)
	{
		if (watchdog && watchdog->fired()) return timedOut();
		return failure(KB_ERR_TRANSPORT, "connection failed", "gateway " + endpointName(_config) + ": connection failed");
	}
}


GatewayClient::Outcome GatewayClient::classify(int httpStatus, const std::string& retryAfter, const std::string& body, const Redactor& redactor) const
{
	Outcome outcome;
	const std::string status = "HTTP " + std::to_string(httpStatus);
	outcome.summary = status;
	if (_config.isSuccess(httpStatus))
	{
		outcome.kind = Outcome::Kind::Accepted;
		outcome.status = KB_OK;
		outcome.providerId = extractProviderId(body);
		return outcome;
	}
	const std::string excerpt = redactor.excerpt(body);
	if (httpStatus == 429 || (httpStatus >= 500 && httpStatus <= 599))
	{
		outcome.kind = Outcome::Kind::Retryable;
		outcome.status = KB_ERR_TRANSPORT;
		outcome.detail = "gateway answered " + status + (excerpt.empty() ? "" : ": " + excerpt);
		outcome.retryAfterMs = parseRetryAfter(retryAfter);
		return outcome;
	}
	outcome.kind = Outcome::Kind::Fatal;
	outcome.status = KB_ERR_REJECTED;
	outcome.detail = "gateway rejected the message with " + status + (excerpt.empty() ? "" : ": " + excerpt);
	return outcome;
}


std::string GatewayClient::extractProviderId(const std::string& body) const
{
	if (_config.idPath.empty()) return {};
	Poco::Dynamic::Var node;
	try
	{
		Poco::JSON::Parser parser;
		parser.setDepth(32);
		node = parser.parse(body);
		for (const std::string& segment: _config.idPath)
		{
			if (node.type() == typeid(Poco::JSON::Object::Ptr))
			{
				const Poco::JSON::Object::Ptr object = node.extract<Poco::JSON::Object::Ptr>();
				if (object.isNull() || !object->has(segment)) throw Poco::NotFoundException();
				node = object->get(segment);
			}
			else if (node.type() == typeid(Poco::JSON::Array::Ptr) && segment.size() <= 6 &&
				std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; }))
			{
				const Poco::JSON::Array::Ptr array = node.extract<Poco::JSON::Array::Ptr>();
				const unsigned index = static_cast<unsigned>(std::stoul(segment));
				if (array.isNull() || index >= array->size()) throw Poco::NotFoundException();
				node = array->get(index);
			}
			else
			{
				throw Poco::NotFoundException();
			}
		}
		if (!node.isString() && !(node.isInteger() && !node.isBoolean())) throw Poco::NotFoundException();
	}
	catch (const Poco::Exception&)
	{
		sdk::log(KB_LOG_WARN, "gateway accepted the message but its answer has no message id at id_path");
		return {};
	}
	const std::string raw = node.convert<std::string>();
	std::string id = sanitiseId(raw);
	if (id.size() != raw.size()) sdk::log(KB_LOG_WARN, "gateway message id contained unexpected characters; they were dropped");
	if (id.size() >= sizeof(kb_send_result::provider_id))
	{
		sdk::log(KB_LOG_WARN, "gateway message id is longer than 127 bytes and was truncated");
		id.resize(sizeof(kb_send_result::provider_id) - 1);
	}
	return id;
}


} // namespace kabinet::smshttp
