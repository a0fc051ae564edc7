#include "plugins/PluginHttp.h"

#include "util/Log.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <istream>
#include <mutex>
#include <thread>

namespace kabinet {

namespace {

/// One TLS context for every plugin exchange: peer verified against the system's CA store, host name checked.
Poco::Net::Context::Ptr tlsContext() {
    static std::once_flag once;
    static Poco::Net::Context::Ptr context;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Params params;
        params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
        params.loadDefaultCAs = true;
        params.cipherList = "DEFAULT";
        context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context->setInvalidCertificateHandler(new Poco::Net::RejectCertificateHandler(false));
    });
    return context;
}

/// The answer memory handed to the plugin: per thread, replaced by the thread's next call.
struct ThreadAnswer {
    std::string headers, body;
};
thread_local ThreadAnswer answer;

struct Attempt {
    enum class Kind { Answer, Timeout, Transport } kind = Kind::Transport;
    bool sent = false; ///< the request left this host (a POST must not be repeated)
    int status = 0;
    std::string headers, body, retryAfter, error;
};

void setError(kb_error_buf* error, const std::string& text) {
    if (!error || error->struct_size < offsetof(kb_error_buf, capacity) + sizeof(size_t) || !error->text || !error->capacity) return;
    const std::size_t n = std::min(text.size(), error->capacity - 1);
    std::memcpy(error->text, text.data(), n);
    error->text[n] = '\0';
}

Attempt attemptOnce(const Poco::URI& uri, const std::string& method, const std::map<std::string, std::string>& headers,
                    const std::string& body, unsigned timeoutMs) {
    Attempt a;
    const std::string where = uri.getHost() + ":" + std::to_string(uri.getPort());
    try {
        std::unique_ptr<Poco::Net::HTTPClientSession> session;
        if (uri.getScheme() == "https")
            session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), tlsContext());
        else
            session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
        const Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(timeoutMs) * 1000);
        session->setTimeout(timeout, timeout, timeout);
        // Plain HTTP connects first: a failure here means nothing was sent, so even a POST may be repeated (over
        // TLS the session connects in sendRequest; a refused or unresolvable connection is recognised below).
        if (uri.getScheme() == "http") session->socket().connect(Poco::Net::SocketAddress(uri.getHost(), uri.getPort()), timeout);
        std::string target = uri.getPathEtc();
        if (target.empty()) target = "/";
        Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setHost(uri.getHost(), uri.getPort());
        request.setKeepAlive(false);
        request.set("User-Agent", "kabinetd");
        for (const auto& [name, value] : headers) request.set(name, value);
        if (!body.empty() || method == "POST" || method == "PUT") request.setContentLength(static_cast<std::streamsize>(body.size()));
        a.sent = true;
        std::ostream& out = session->sendRequest(request);
        out << body;
        out.flush();
        Poco::Net::HTTPResponse response;
        std::istream& in = session->receiveResponse(response);
        std::string received;
        char buf[65536];
        while (in.read(buf, sizeof buf) || in.gcount() > 0) {
            received.append(buf, static_cast<std::size_t>(in.gcount()));
            if (received.size() > PluginHttpLimits::kMaxBodyBytes) {
                a.kind = Attempt::Kind::Transport;
                a.error = where + ": answer larger than 64 MiB";
                return a;
            }
        }
        a.kind = Attempt::Kind::Answer;
        a.status = static_cast<int>(response.getStatus());
        for (const auto& [name, value] : response) {
            std::string lower = Poco::toLower(name);
            a.headers += lower + ": " + value + "\r\n";
            if (lower == "retry-after") a.retryAfter = value;
        }
        a.body = std::move(received);
    } catch (const Poco::TimeoutException&) {
        a.kind = Attempt::Kind::Timeout;
        a.error = where + ": no answer within " + std::to_string(timeoutMs) + " ms";
    } catch (const Poco::Net::ConnectionRefusedException&) {
        a.kind = Attempt::Kind::Transport;
        a.sent = false;
        a.error = where + ": connection refused";
    } catch (const Poco::Net::HostNotFoundException&) {
        a.sent = false;
        a.error = where + ": host name cannot be resolved";
    } catch (const Poco::Net::NoAddressFoundException&) {
        a.sent = false;
        a.error = where + ": host name cannot be resolved";
    } catch (const Poco::Net::SSLException& e) {
        a.error = where + ": TLS failed (" + e.displayText() + ")";
    } catch (const Poco::Exception& e) {
        a.error = where + ": " + e.displayText();
    } catch (const std::exception& e) {
        a.error = where + ": " + e.what();
    }
    return a;
}

bool retryableStatus(int status) { return status == 429 || status >= 500; }

} // namespace

std::map<std::string, std::string> parseHeaderLines(const std::string& text) {
    std::map<std::string, std::string> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find("\r\n", pos);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(pos, end - pos);
        pos = end + 2;
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos || colon == 0) continue;
        out[Poco::toLower(Poco::trim(line.substr(0, colon)))] = Poco::trim(line.substr(colon + 1));
    }
    return out;
}

kb_status pluginHttp(void* hostCtx, const kb_http_request* request, kb_http_response* response, kb_error_buf* error) {
    try {
        const char* plugin = hostCtx ? static_cast<const char*>(hostCtx) : "?";
        if (!request || request->struct_size < offsetof(kb_http_request, retries) + sizeof(uint32_t) || !response ||
            response->struct_size < offsetof(kb_http_response, attempts) + sizeof(uint32_t)) {
            setError(error, "http: request or response struct too small");
            return KB_ERR_CONFIG;
        }
        response->status = 0;
        response->headers = "";
        response->body = nullptr;
        response->body_length = 0;
        response->attempts = 0;
        const std::string method = request->method ? request->method : "GET";
        if (method != "GET" && method != "POST" && method != "PUT" && method != "DELETE") {
            setError(error, "http: method must be GET, POST, PUT or DELETE");
            return KB_ERR_CONFIG;
        }
        Poco::URI uri;
        try {
            uri = Poco::URI(request->url ? request->url : "");
        } catch (const Poco::Exception&) {
            setError(error, "http: the URL is not valid");
            return KB_ERR_CONFIG;
        }
        if ((uri.getScheme() != "http" && uri.getScheme() != "https") || uri.getHost().empty()) {
            setError(error, "http: the URL must be absolute http:// or https://");
            return KB_ERR_CONFIG;
        }
        const auto headers = parseHeaderLines(request->headers ? request->headers : "");
        const std::string body = request->body && request->body_length
                                     ? std::string(reinterpret_cast<const char*>(request->body), request->body_length)
                                     : std::string();
        const unsigned timeoutMs = request->timeout_ms ? request->timeout_ms : PluginHttpLimits::kDefaultTimeoutMs;
        const unsigned retries = std::min<unsigned>(request->retries, PluginHttpLimits::kMaxRetries);
        const bool idempotent = method != "POST";
        unsigned backoffMs = PluginHttpLimits::kFirstBackoffMs;
        Attempt a;
        unsigned attempts = 0;
        for (;;) {
            a = attemptOnce(uri, method, headers, body, timeoutMs);
            ++attempts;
            bool retry = false;
            if (a.kind == Attempt::Kind::Answer) retry = idempotent && retryableStatus(a.status);
            else retry = idempotent || !a.sent;
            if (!retry || attempts > retries) break;
            unsigned waitMs = backoffMs;
            if (a.kind == Attempt::Kind::Answer && !a.retryAfter.empty()) {
                unsigned seconds = 0;
                if (Poco::NumberParser::tryParseUnsigned(Poco::trim(a.retryAfter), seconds))
                    waitMs = std::min(seconds, PluginHttpLimits::kMaxRetryAfterS) * 1000;
            }
            backoffMs *= 2;
            log::debug("plugin http retry", {{"plugin", plugin}, {"attempt", std::to_string(attempts)},
                                             {"status", std::to_string(a.status)}, {"wait_ms", std::to_string(waitMs)}});
            if (waitMs) std::this_thread::sleep_for(std::chrono::milliseconds(waitMs));
        }
        response->attempts = attempts;
        if (a.kind != Attempt::Kind::Answer) {
            setError(error, a.error + " (" + std::to_string(attempts) + (attempts == 1 ? " attempt)" : " attempts)"));
            return a.kind == Attempt::Kind::Timeout ? KB_ERR_TIMEOUT : KB_ERR_TRANSPORT;
        }
        answer.headers = std::move(a.headers);
        answer.body = std::move(a.body);
        response->status = a.status;
        response->headers = answer.headers.c_str();
        response->body = reinterpret_cast<const uint8_t*>(answer.body.data());
        response->body_length = answer.body.size();
        return KB_OK;
    } catch (const std::exception& e) {
        setError(error, std::string("http: ") + e.what());
        return KB_ERR_TRANSPORT;
    } catch (...) {
        setError(error, "http: unexpected failure");
        return KB_ERR_TRANSPORT;
    }
}

} // namespace kabinet
