#pragma once
/// Request/response types and the router that maps (method, path pattern) to handlers. Patterns are
/// literal segments and {name} parameters, e.g. "/api/v1/dictionaries/{name}". Tenant-scoped routes are
/// reached as /t/{tenant}<pattern> or as <pattern> on a host that a tenant lists.
#include "http/RouteSpec.h"
#include "identity/SessionInfo.h"

#include <Poco/Dynamic/Var.h>

#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace kabinet {

class Tenant;

/// Who may call a route. Every route declares one; the HTTP layer enforces it before the handler runs.
enum class Access {
    Public,       ///< anybody, no session needed
    User,         ///< any logged-in user of the tenant
    Operator,     ///< operator, tenant-admin or platform-admin of the tenant
    TenantAdmin,  ///< tenant-admin or platform-admin
    PlatformAdmin ///< platform-admin only
};

/// One request as a handler sees it.
struct Request {
    std::string method;
    std::string path;        ///< path after the tenant prefix, without the query
    std::string query;       ///< raw query string
    std::string body;
    std::string contentType;
    std::string requestId;
    std::string clientAddress;
    std::map<std::string, std::string> params; ///< route parameters
    std::shared_ptr<Tenant> tenant;            ///< set for tenant-scoped routes
    std::string basePath = "/";                ///< "/t/{tenant}/" or "/" (tenant from the Host header)
    bool secure = false;                       ///< the client reached us over TLS (directly or via a proxy)
    std::shared_ptr<SessionInfo> session;      ///< set when the route needs a user and the cookie is valid
    const Poco::Net::HTTPServerRequest* raw = nullptr;
    /// The body parsed as a JSON object. Throws 415 unless the content type is application/json and 400
    /// (malformed_json / expected_object) when it is not a JSON object; 422 naming the field when a string
    /// (or key) anywhere in it is not well-formed UTF-8 or holds a control character other than \t \n \r.
    Poco::Dynamic::Var jsonObject() const;
};

/// What a handler answers.
struct Response {
    int status = 200;
    std::string body;
    std::string contentType = "application/json; charset=utf-8";
    std::vector<std::pair<std::string, std::string>> headers;
    /// When set, the answer's body is streamed by this callback after the head is sent (`body` is ignored):
    /// a file answer (http/FileAnswer.h). It writes exactly `contentLength` bytes; should it throw, the
    /// connection is closed, so the client sees a cut answer, never a wrong one.
    std::function<void(std::ostream&)> writer;
    long long contentLength = -1; ///< the streamed body's length (required with `writer`)
    /// A JSON response with this status and body text.
    static Response json(int status, std::string body) {
        Response r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }
};

using Handler = std::function<Response(Request&)>;

/// "public", "user", "operator", "tenant-admin" or "platform-admin".
const char* accessName(Access a);

/// A registered route.
struct Route {
    std::string method;
    std::string pattern;
    bool tenantScoped;
    Access access;
    Handler handler;
    std::vector<std::string> segments;
    std::shared_ptr<const RouteSpec> spec; ///< what the route declares (null: undescribed, which a test refuses)
};

class Router {
public:
    /// Adds a route without a description; `pattern` starts with '/'. Later routes never shadow earlier ones
    /// with the same shape. An undescribed route compiles with a warning, is marked x-kabinet-undescribed in
    /// the API description, and fails the [openapi] tests: give every route its RouteSpec.
    [[deprecated("describe the route: pass its RouteSpec")]] void add(const std::string& method, const std::string& pattern,
                                                                      bool tenantScoped, Handler handler) {
        addUndescribed(method, pattern, tenantScoped, Access::Public, std::move(handler));
    }
    /// Adds a route that needs the given access, without a description (see above).
    [[deprecated("describe the route: pass its RouteSpec")]] void add(const std::string& method, const std::string& pattern,
                                                                      bool tenantScoped, Access access, Handler handler) {
        addUndescribed(method, pattern, tenantScoped, access, std::move(handler));
    }
    /// Adds a route that needs the given access, without a description; for tests of the check that refuses one.
    void addUndescribed(const std::string& method, const std::string& pattern, bool tenantScoped, Access access, Handler handler);
    /// Adds a public route with its description.
    void add(const std::string& method, const std::string& pattern, bool tenantScoped, RouteSpec spec, Handler handler) {
        add(method, pattern, tenantScoped, Access::Public, std::move(spec), std::move(handler));
    }
    /// Adds a route that needs the given access, with its description.
    void add(const std::string& method, const std::string& pattern, bool tenantScoped, Access access, RouteSpec spec,
             Handler handler);
    /// Finds the route for a path. Returns nullptr when none matches; sets `pathMatched` when some route
    /// matched the path but not the method (→ 405).
    const Route* match(const std::string& method, const std::string& path, bool tenantScoped,
                       std::map<std::string, std::string>& params, bool& pathMatched) const;

    /// Every route, in registration order.
    const std::vector<Route>& routes() const noexcept { return routes_; }

private:
    std::vector<Route> routes_;
};

/// Splits a path on '/', dropping empty segments.
std::vector<std::string> splitPath(const std::string& path);

} // namespace kabinet
