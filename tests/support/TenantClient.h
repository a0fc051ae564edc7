#pragma once
/// A client of one tenant's API for HTTP tests: it keeps the session cookie and the CSRF value the server
/// hands out, as the portal does.
#include "KabinetdProcess.h"

#include <map>
#include <string>

namespace kabinet::test {

class TenantClient {
public:
    TenantClient(KabinetdProcess& server, std::string tenant) : server(server), tenant(std::move(tenant)) {}
    /// A client that presents a session it did not make (another client's cookie and CSRF value).
    TenantClient(KabinetdProcess& server, std::string tenant, std::string cookie, std::string csrf)
        : server(server), tenant(std::move(tenant)), cookie(std::move(cookie)), csrf(std::move(csrf)) {}
    virtual ~TenantClient() = default;

    /// Sends `method` to /t/{tenant}/api/v1/{path} with the session cookie and (unless `withCsrf` is false) the
    /// CSRF header; a session cookie or a `csrf` member in a 200 JSON answer replaces the ones kept.
    HttpResult call(const std::string& method, const std::string& path, const std::string& body = "", bool withCsrf = true);
    /// POST session with the login, the password and any further JSON members (`extra`, e.g. `"remember":true`).
    HttpResult login(const std::string& login, const std::string& password, const std::string& extra = "");

    KabinetdProcess& server;
    std::string tenant;
    std::string cookie, csrf; ///< the session cookie's value and the CSRF token, once the server gave them

protected:
    /// Sends one request to the server (a test may send it from another source address).
    virtual HttpResult send(const std::string& method, const std::string& target, const std::string& body,
                            const std::map<std::string, std::string>& headers) {
        return server.request(method, target, body, headers);
    }
};

} // namespace kabinet::test
