#include "http/Portal.h"

#include "tenants/TenantRegistry.h"
#include "util/Error.h"
#include "util/Files.h"

#include <Poco/File.h>
#include <fstream>
#include <map>
#include <sstream>

namespace kabinet {

namespace {
std::string contentTypeFor(const std::string& path) {
    static const std::map<std::string, std::string> types = {
        {"html", "text/html; charset=utf-8"}, {"js", "text/javascript; charset=utf-8"},
        {"mjs", "text/javascript; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
        {"svg", "image/svg+xml"}, {"png", "image/png"}, {"ico", "image/x-icon"},
        {"json", "application/json; charset=utf-8"}, {"woff2", "font/woff2"}, {"txt", "text/plain; charset=utf-8"}};
    auto dot = path.find_last_of('.');
    if (dot == std::string::npos) return "application/octet-stream";
    auto it = types.find(path.substr(dot + 1));
    return it == types.end() ? "application/octet-stream" : it->second;
}

std::string htmlEscape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '&': o += "&amp;"; break;
        case '"': o += "&quot;"; break;
        default: o += c;
        }
    }
    return o;
}
} // namespace

Response servePortal(const std::string& portalDir, const Tenant& tenant, const std::string& path, bool prefixed,
                     const std::string& method) {
    if (method != "GET" && method != "HEAD") throw Error(405, "method_not_allowed", "Метод " + method + " не поддерживается для этого адреса");
    auto segs = splitPath(path);
    for (const auto& s : segs)
        if (s == ".." || s == "." || s.find('\\') != std::string::npos || s.find('\0') != std::string::npos)
            throw NotFound("not_found", "Файл не найден");
    std::string rel;
    for (const auto& s : segs) rel += "/" + s;
    Response r;
    // Only what the portal needs is served: files under assets/, the tenant's branding/<file>, the favicon;
    // any other path that names a file (README.md, index.html itself) is not a page.
    const bool isFile = !segs.empty() && segs.back().find('.') != std::string::npos;
    const bool isAsset = isFile && segs.size() >= 2 && segs[0] == "assets";
    const bool isBranding = isFile && segs.size() == 2 && segs[0] == "branding";
    const bool isFavicon = segs.size() == 1 && segs[0] == "favicon.ico";
    if (isFile && !isAsset && !isBranding && !isFavicon) throw NotFound("not_found", "Файл не найден");
    if (isFile) {
        // A tenant's own branding files (logo) live in tenants/<id>/branding/.
        std::string file = isBranding ? tenant.dir() + rel : isFavicon ? portalDir + "/assets/favicon.svg" : portalDir + rel;
        Poco::File f(file);
        if (!f.exists() || !f.isFile() || !readFile(file, r.body)) throw NotFound("not_found", "Файл не найден");
        r.contentType = contentTypeFor(file);
        r.headers.push_back({"Cache-Control", "no-cache"});
        return r;
    }
    // A page of the single-page app.
    if (!readFile(portalDir + "/index.html", r.body)) throw NotFound("portal_missing", "Портал не установлен");
    const std::string base = prefixed ? "/t/" + tenant.id() + "/" : "/";
    const std::string boot = "<base href=\"" + htmlEscape(base) + "\"><meta name=\"kabinet-tenant\" content=\"" +
                             htmlEscape(tenant.id()) + "\"><meta name=\"kabinet-api\" content=\"" +
                             htmlEscape(base + "api/v1") + "\">";
    auto at = r.body.find("<!--KABINET_BOOT-->");
    if (at != std::string::npos) r.body.replace(at, 19, boot);
    r.contentType = "text/html; charset=utf-8";
    r.headers.push_back({"Cache-Control", "no-store"});
    r.headers.push_back({"Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"});
    return r;
}

Response serveIndex(const TenantRegistry& tenants) {
    Response r;
    r.contentType = "text/html; charset=utf-8";
    r.body = "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>Кабинет</title></head><body>"
             "<h1>Личные кабинеты потребителей</h1><ul>";
    for (const auto& id : tenants.ids()) {
        auto t = tenants.find(id);
        r.body += "<li><a href=\"/t/" + htmlEscape(id) + "/\">" + htmlEscape(t->name()) + "</a> (" +
                  htmlEscape(t->shortName()) + ")</li>";
    }
    r.body += "</ul></body></html>";
    return r;
}

} // namespace kabinet
