#include "TenantClient.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <regex>

namespace kabinet::test {

HttpResult TenantClient::call(const std::string& method, const std::string& path, const std::string& body, bool withCsrf) {
    std::map<std::string, std::string> h;
    if (!cookie.empty()) h["Cookie"] = "kabinet_session=" + cookie;
    if (withCsrf && !csrf.empty()) h["X-CSRF-Token"] = csrf;
    auto r = send(method, "/t/" + tenant + "/api/v1/" + path, body, h);
    if (auto it = r.headers.find("Set-Cookie"); it != r.headers.end()) {
        static const std::regex re(R"(kabinet_session=([^;]*))");
        std::smatch m;
        if (std::regex_search(it->second, m, re)) cookie = m[1];
    }
    if (r.status == 200 && !r.body.empty() && r.body[0] == '{') {
        Poco::JSON::Parser p;
        auto o = p.parse(r.body).extract<Poco::JSON::Object::Ptr>();
        if (o->has("csrf")) csrf = o->getValue<std::string>("csrf");
    }
    return r;
}

HttpResult TenantClient::login(const std::string& login, const std::string& password, const std::string& extra) {
    return call("POST", "session", R"({"login":")" + login + R"(","password":")" + password + "\"" +
                                       (extra.empty() ? "" : "," + extra) + "}");
}

} // namespace kabinet::test
