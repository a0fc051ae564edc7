#include "http/HttpServer.h"

#include "http/Portal.h"
#include "tenants/TenantRegistry.h"
#include "storage/TenantScope.h"
#include "lua/LuaState.h"
#include "storage/Database.h"
#include "identity/PasswordHasher.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"
#include "util/Text.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Random.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <chrono>
#include <optional>
#include <set>
#include <random>
#include <thread>

namespace kabinet {


namespace {

class Handler final : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(HttpServer& s) : s_(s) {}
    void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
        s_.handle(req, resp);
    }
private:
    HttpServer& s_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(HttpServer& s) : s_(s) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(s_);
    }
    /// Tells every open HTTP connection that the server stops (what POCO's HTTPServer::stopAll does).
    void stopped(bool abortCurrent) { serverStopped(this, abortCurrent); }
private:
    HttpServer& s_;
};

std::string newRequestId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

bool saneRequestId(const std::string& id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    return true;
}

/// Reads at most limit+1 bytes of the body; `expected` (the Content-Length, within the limit) is reserved
/// up front, so a large upload is held once, never copied while it grows.
std::string readBody(std::istream& in, std::size_t limit, std::size_t expected, bool& tooLarge) {
    std::string body;
    body.reserve(std::min(expected, limit));
    char buf[65536];
    while (in) {
        in.read(buf, sizeof buf);
        body.append(buf, static_cast<std::size_t>(in.gcount()));
        if (body.size() > limit) {
            tooLarge = true;
            break;
        }
    }
    return body;
}

bool hasHeader(const Response& r, const std::string& name) {
    for (const auto& h : r.headers)
        if (Poco::icompare(h.first, name) == 0) return true;
    return false;
}

/// Every value of a header the request carries (it may come more than once), comma-joined in order.
std::string headerValues(const Poco::Net::HTTPServerRequest& req, const std::string& name) {
    std::string out;
    for (const auto& [k, v] : req) {
        if (Poco::icompare(k, name) != 0) continue;
        if (!out.empty()) out += ",";
        out += v;
    }
    return out;
}

/// Refuses requests whose body length is ambiguous (RFC 9112 §6.1, §6.3): Content-Length together with
/// Transfer-Encoding, a Transfer-Encoding other than a single "chunked", Transfer-Encoding in HTTP/1.0, and
/// a Content-Length that is repeated or not a plain number. Such a request is answered and the connection
/// closed, so no byte of it can be read as the start of another request.
void checkFraming(const Poco::Net::HTTPServerRequest& req, bool& closeConnection) {
    int lengths = 0, codings = 0;
    std::string length, coding;
    for (const auto& [name, value] : req) {
        if (Poco::icompare(name, "Content-Length") == 0) {
            ++lengths;
            length = Poco::trim(value);
        } else if (Poco::icompare(name, "Transfer-Encoding") == 0) {
            ++codings;
            coding = Poco::trim(value);
        }
    }
    if (lengths == 0 && codings == 0) return;
    closeConnection = true;
    if (lengths > 0 && codings > 0)
        throw BadRequest("ambiguous_framing", "Запрос содержит одновременно Content-Length и Transfer-Encoding");
    if (codings > 1 || (codings == 1 && req.getVersion() == Poco::Net::HTTPMessage::HTTP_1_0))
        throw BadRequest("ambiguous_framing", "Некорректный заголовок Transfer-Encoding");
    if (codings == 1 && Poco::icompare(coding, "chunked") != 0)
        throw Error(501, "transfer_encoding_not_supported", "Поддерживается только Transfer-Encoding: chunked");
    if (lengths > 1) throw BadRequest("ambiguous_framing", "Заголовок Content-Length повторяется");
    if (lengths == 1 && (length.empty() || length.size() > 18 ||
                         length.find_first_not_of("0123456789") != std::string::npos))
        throw BadRequest("ambiguous_framing", "Некорректный заголовок Content-Length");
    closeConnection = false;
}

Response errorResponse(const Error& e) {
    Response r = Response::json(e.status(), e.toJson());
    if (e.retryAfterSeconds() > 0) r.headers.push_back({"Retry-After", std::to_string(e.retryAfterSeconds())});
    return r;
}

int roleLevel(const std::string& role) {
    if (role == "platform-admin") return 4;
    if (role == "tenant-admin") return 3;
    if (role == "operator") return 2;
    if (role == "consumer") return 1;
    return 0;
}

int accessLevel(Access a) {
    switch (a) {
    case Access::Public: return 0;
    case Access::User: return 1;
    case Access::Operator: return 2;
    case Access::TenantAdmin: return 3;
    case Access::PlatformAdmin: return 4;
    }
    return 5;
}

} // namespace

HttpServer::HttpServer(HttpContext context, Router router)
    : s_(std::move(context)), proxies_(TrustedProxies::parse(s_.config.trustedProxies)), router_(std::move(router)),
      pool_(2, static_cast<int>(s_.config.threads)) {
    Poco::Net::SocketAddress addr(s_.config.listenHost, s_.config.listenPort);
    Poco::Net::ServerSocket socket;
    socket.bind(addr, true);
    socket.listen(256);
    Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(static_cast<int>(s_.config.threads));
    params->setMaxQueued(512);
    params->setKeepAlive(true);
    params->setKeepAliveTimeout(Poco::Timespan(5, 0));
    params->setTimeout(Poco::Timespan(30, 0));
    params->setServerName("kabinetd");
    ConnectionLimits limits;
    limits.head = std::chrono::seconds(s_.config.headTimeoutSeconds);
    limits.body = std::chrono::seconds(s_.config.bodyTimeoutSeconds);
    limits.keepAlive = std::chrono::seconds(5);
    limits.perAddress = s_.config.connectionsPerAddress;
    limits.workers = s_.config.threads;
    limits.proxies = proxies_;
    guard_ = std::make_unique<ConnectionGuard>(limits);
    handlers_ = new Factory(*this);
    // POCO's HTTPServer, assembled from its parts so that every connection runs under the guard.
    server_ = std::make_unique<Poco::Net::TCPServer>(guard_->factory(params, handlers_), pool_, socket, params);
    server_->setConnectionFilter(guard_->filter());
}

HttpServer::~HttpServer() {
    // Every connection ends before the guard that watches it.
    try {
        server_->stop();
        static_cast<Factory&>(*handlers_).stopped(true);
        pool_.joinAll();
    } catch (...) {
    }
}

void HttpServer::start() { server_->start(); }

unsigned short HttpServer::port() const { return server_->port(); }

void HttpServer::stop(int graceSeconds) {
    server_->stop();
    static_cast<Factory&>(*handlers_).stopped(false);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(graceSeconds);
    while (server_->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (server_->currentConnections() > 0) static_cast<Factory&>(*handlers_).stopped(true);
    pool_.joinAll();
}

void HttpServer::authorize(Poco::Net::HTTPServerRequest& req, Request& r, const Route& route) {
    const Access access = route.access;
    Poco::Net::NameValueCollection cookies;
    req.getCookies(cookies);
    const std::string token = cookies.get("kabinet_session", "");
    if (r.tenant) r.session = s_.resolveSession(*r.tenant, token);
    if (!r.session) throw Error(401, "not_authenticated", "Требуется вход в личный кабинет");
    if (roleLevel(r.session->role) < accessLevel(access)) throw Error(403, "forbidden", "Недостаточно прав для этого действия");
    // Writes made with the cookie must prove they come from our own pages.
    if (r.method != "GET" && r.method != "HEAD" &&
        !crypto::constantTimeEquals(req.get("X-CSRF-Token", ""), r.session->csrf))
        throw Error(403, "csrf_failed", "Не удалось подтвердить источник запроса; обновите страницу");
    // A role the tenant protects with a second factor can do nothing else until one is set up.
    if (r.session->secondFactorRequired) {
        static const std::set<std::string> setup = {"GET /api/v1/me", "DELETE /api/v1/session", "POST /api/v1/me/second-factor",
                                                    "POST /api/v1/me/second-factor/confirm"};
        if (!setup.count(route.method + " " + route.pattern))
            throw Error(403, "second_factor_required", "Для вашей роли нужно включить подтверждение входа в профиле");
    }
}

std::size_t HttpServer::bodyLimit(const Poco::Net::HTTPServerRequest& req, const std::string& fullPath) const {
    const std::size_t global = s_.config.maxBodyBytes;
    std::string path = fullPath;
    bool scoped = false;
    if (fullPath.rfind("/t/", 0) == 0) {
        const auto segs = splitPath(fullPath);
        if (segs.size() < 2 || !s_.tenants.find(segs[1])) return global;
        path = fullPath.substr(3 + segs[1].size());
        if (path.empty()) path = "/";
        scoped = true;
    } else if (req.has("Host") && s_.tenants.findByHost(req.getHost())) {
        scoped = fullPath != "/healthz" && fullPath != "/metrics";
    }
    std::map<std::string, std::string> params;
    bool pathMatched = false;
    const Route* route = router_.match(req.getMethod(), path, scoped, params, pathMatched);
    if (route && route->spec && route->spec->maxBodyBytes > 0) return static_cast<std::size_t>(route->spec->maxBodyBytes);
    return global;
}

void HttpServer::handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
    const auto t0 = std::chrono::steady_clock::now();
    ConnectionGuard::bodyStarts(); // the head is in: from now on the body's deadline runs
    Request r;
    r.raw = &req;
    r.method = req.getMethod();
    r.requestId = req.has("X-Request-Id") && saneRequestId(req.get("X-Request-Id")) ? req.get("X-Request-Id") : newRequestId();
    // The client: the TCP peer, or behind a trusted reverse proxy the address it forwards for (never a
    // client's own claim: X-Forwarded-* from any other peer are ignored).
    const std::string peer = req.clientAddress().host().toString();
    r.clientAddress = proxies_.client(peer, headerValues(req, "X-Forwarded-For"));
    r.contentType = req.getContentType();
    std::string routeName = "unmatched";
    std::string tenantId;
    Response out;
    bool closeConnection = false;
    try {
        checkFraming(req, closeConnection);
        if (!ConnectionGuard::attribute(r.clientAddress)) {
            // Behind a proxy, one client holds as many requests at once as --connections-per-address allows.
            closeConnection = req.hasContentLength() || req.getChunkedTransferEncoding(); // its body is never read
            throw Error(429, "too_many_connections", "Слишком много одновременных запросов с вашего адреса; повторите попытку позже")
                .retryAfter(1);
        }
        Poco::URI uri;
        try {
            uri = Poco::URI(req.getURI());
        } catch (const Poco::Exception&) {
            closeConnection = true; // its body, if any, is never read
            throw BadRequest("malformed_uri", "Некорректный адрес запроса");
        }
        const std::string fullPath = uri.getPath().empty() ? "/" : uri.getPath();
        r.query = uri.getRawQuery();
        // Body, bounded by the route's own limit (uploads) or --max-body.
        const bool hasBody = req.hasContentLength() || req.getChunkedTransferEncoding();
        const std::size_t limit = hasBody ? bodyLimit(req, fullPath) : s_.config.maxBodyBytes;
        if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(limit)) {
            closeConnection = true;
            throw Error(413, "body_too_large", "Тело запроса больше допустимых " + std::to_string(limit) + " байт");
        }
        if (r.method == "POST" || r.method == "PUT" || r.method == "PATCH" || req.hasContentLength() || req.getChunkedTransferEncoding()) {
            bool tooLarge = false;
            r.body = readBody(req.stream(), limit, req.hasContentLength() ? static_cast<std::size_t>(req.getContentLength64()) : 0,
                              tooLarge);
            if (tooLarge) {
                closeConnection = true;
                throw Error(413, "body_too_large", "Тело запроса больше допустимых " + std::to_string(limit) + " байт");
            }
        }
        if (ConnectionGuard::cutOff()) {
            closeConnection = true;
            throw Error(408, "request_timeout", "Запрос не получен целиком за отведённое время");
        }
        ConnectionGuard::handlingStarts();
        // Tenant resolution.
        bool scoped = false;
        std::string path = fullPath;
        if (fullPath.rfind("/t/", 0) == 0) {
            auto segs = splitPath(fullPath);
            tenantId = segs.size() > 1 ? segs[1] : "";
            r.tenant = s_.tenants.find(tenantId);
            if (!r.tenant) {
                routeName = "/t/{tenant}";
                throw NotFound("tenant_not_found", "Организация «" + text::validUtf8(tenantId, 64) + "» не найдена");
            }
            path = fullPath.substr(3 + tenantId.size());
            if (path.empty()) path = "/";
            scoped = true;
        } else if (req.has("Host")) {
            if ((r.tenant = s_.tenants.findByHost(req.getHost()))) {
                tenantId = r.tenant->id();
                scoped = fullPath != "/healthz" && fullPath != "/metrics";
            }
        }
        // store: the tenant's own database, when it has one, serves everything this request does.
        std::optional<TenantScope> tenantScope;
        if (r.tenant) tenantScope.emplace(r.tenant->id());
        if (scoped && path.rfind("/api/", 0) != 0 && path != "/api") {
            routeName = "portal";
            out = servePortal(s_.config.portalDir, *r.tenant, path, fullPath.rfind("/t/", 0) == 0, r.method);
        } else {
            r.path = path;
            bool pathMatched = false;
            const Route* route = router_.match(r.method, path, scoped, r.params, pathMatched);
            if (!route) {
                if (pathMatched) throw Error(405, "method_not_allowed", "Метод " + r.method + " не поддерживается для этого адреса");
                if (!scoped && path == "/") {
                    routeName = "index";
                    out = serveIndex(s_.tenants);
                } else {
                    throw NotFound("route_not_found", "Адрес не найден");
                }
            } else {
                routeName = route->pattern;
                if (scoped) routeName = "/t/{tenant}" + routeName;
                r.basePath = fullPath.rfind("/t/", 0) == 0 ? "/t/" + tenantId + "/" : "/";
                r.secure = s_.config.publicBaseUrl().rfind("https://", 0) == 0 ||
                           proxies_.forwardedHttps(peer, headerValues(req, "X-Forwarded-Proto"));
                if (route->access != Access::Public) authorize(req, r, *route);
                if (scoped && s_.admit) s_.admit(r); // tenant limits (requests per client and per tenant)
                out = route->handler(r);
            }
        }
    } catch (const Error& e) {
        out = errorResponse(e);
    } catch (const PasswordHasher::Busy&) {
        out = errorResponse(Error(503, "busy", "Сервер перегружен, повторите попытку через несколько секунд").retryAfter(5));
    } catch (const LuaError& e) {
        log::error("tenant script failed", {{"request_id", r.requestId}, {"tenant", tenantId}, {"error", e.what()}});
        out = errorResponse(Error(500, "tenant_script_failed", "Ошибка в настройках организации; обратитесь в поддержку"));
    } catch (const std::exception& e) {
        if (auto mapped = Database::mapped(e); mapped && mapped->status() == 503) {
            // A database error that escaped a transaction: the database is unreachable, not the request wrong.
            log::warn("database unavailable", {{"request_id", r.requestId}, {"route", routeName}});
            out = errorResponse(*mapped);
        } else {
            log::error("request failed", {{"request_id", r.requestId}, {"route", routeName}, {"error", e.what()}});
            out = errorResponse(Error(500, "internal_error", "Внутренняя ошибка сервера"));
        }
    } catch (...) {
        log::error("request failed", {{"request_id", r.requestId}, {"route", routeName}});
        out = errorResponse(Error(500, "internal_error", "Внутренняя ошибка сервера"));
    }
    ConnectionGuard::handlingStarts();
    if (out.status == 503 && !hasHeader(out, "Retry-After")) out.headers.push_back({"Retry-After", "5"});
    // Answers carry personal data unless they say otherwise (portal assets do): no cache keeps them.
    if (!hasHeader(out, "Cache-Control")) out.headers.push_back({"Cache-Control", "no-store"});
    try {
        resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
        resp.setContentType(out.contentType);
        resp.set("X-Request-Id", r.requestId);
        resp.set("X-Content-Type-Options", "nosniff");
        resp.set("Referrer-Policy", "no-referrer"); // page addresses may carry tokens (password reset links)
        for (const auto& [k, v] : out.headers) resp.set(k, v);
        if (closeConnection) resp.setKeepAlive(false);
        if (out.writer) {
            // A file answer: the head, then the body straight from its source, never whole in memory.
            resp.setContentLength64(static_cast<Poco::Int64>(out.contentLength));
            std::ostream& os = resp.send();
            if (r.method != "HEAD") {
                try {
                    out.writer(os);
                    os.flush();
                } catch (...) {
                    // The head is out: the only honest answer left is a cut one. Close the connection so the
                    // client cannot take what it got for the whole body.
                    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&req)) impl->socket().shutdown();
                    throw;
                }
            }
        } else {
            resp.setContentLength64(static_cast<Poco::Int64>(out.body.size()));
            if (r.method == "HEAD") resp.send();
            else resp.sendBuffer(out.body.data(), out.body.size());
        }
    } catch (const std::exception& e) {
        log::warn("response not delivered", {{"request_id", r.requestId}, {"error", e.what()}});
    }
    ConnectionGuard::requestDone();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    s_.metrics.observe(r.method, routeName, out.status, secs);
    if (log::enabled(log::Level::Info))
        log::info("request", {{"request_id", r.requestId}, {"method", r.method}, {"route", routeName},
                              {"tenant", tenantId}, {"status", std::to_string(out.status)},
                              {"ms", std::to_string(static_cast<long long>(secs * 1000.0 * 1000.0) / 1000.0)}});
}

} // namespace kabinet
