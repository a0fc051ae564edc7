#include "http/Portal.h"

#include "tenants/TenantRegistry.h"
#include "util/Error.h"
#include "util/Files.h"

#include <Poco/File.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <vector>

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

namespace {
/// A string member of a JSON object held in a Var, or empty.
std::string member(const Poco::Dynamic::Var& v, const std::string& key) {
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) return {};
    auto o = v.extract<Poco::JSON::Object::Ptr>();
    if (!o || !o->has(key)) return {};
    auto m = o->get(key);
    return m.isString() ? m.convert<std::string>() : std::string();
}

bool isHexColour(const std::string& c) {
    if (c.size() != 7 || c[0] != '#') return false;
    return std::all_of(c.begin() + 1, c.end(), [](unsigned char ch) { return std::isxdigit(ch) != 0; });
}

const char* kIndexStyle =
    ":root{color-scheme:light;--ink:#111827;--muted:#4b5563;--line:#d7dde5;--bg:#f4f6f9}"
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','DejaVu Sans',sans-serif;"
    "color:var(--ink);background:var(--bg)}"
    "header{background:#1f2937;color:#fff;padding:40px 0 48px}"
    "header div,main,footer{max-width:1080px;margin:0 auto;padding:0 20px}"
    "h1{margin:0 0 8px;font-size:1.9rem;line-height:1.2}"
    "header p{margin:0;color:#d1d5db;max-width:60ch}"
    "main{margin-top:-24px}"
    ".tenants{list-style:none;margin:0;padding:0;display:grid;gap:16px;"
    "grid-template-columns:repeat(auto-fill,minmax(300px,1fr))}"
    ".tenant{background:#fff;border:1px solid var(--line);border-top:6px solid var(--brand);border-radius:10px;"
    "padding:20px;display:flex;flex-direction:column;gap:10px;box-shadow:0 1px 3px rgba(0,0,0,.06)}"
    ".tenant__head{display:flex;gap:12px;align-items:center}"
    ".tenant__mark{flex:none;width:44px;height:44px;border-radius:10px;background:var(--brand);color:#fff;"
    "display:grid;place-items:center;font-weight:700;font-size:1.05rem;overflow:hidden}"
    ".tenant__mark img{width:44px;height:44px;object-fit:contain;background:#fff}"
    ".tenant h2{margin:0;font-size:1.2rem;line-height:1.25}"
    ".tenant__full{margin:0;color:var(--muted);font-size:.95rem}"
    ".tenant__open{margin-top:auto;align-self:flex-start;display:inline-block;padding:9px 16px;border-radius:8px;"
    "background:var(--brand);color:#fff;font-weight:600;text-decoration:none}"
    ".tenant__open:hover,.tenant__open:focus-visible{filter:brightness(.9);text-decoration:underline}"
    ".tenant__open:focus-visible{outline:3px solid #f2a900;outline-offset:2px}"
    ".empty{background:#fff;border:1px solid var(--line);border-radius:10px;padding:20px}"
    "footer{padding-top:32px;padding-bottom:32px;color:var(--muted);font-size:.9rem}";
} // namespace

Response serveIndex(const TenantRegistry& tenants) {
    Response r;
    r.contentType = "text/html; charset=utf-8";
    r.headers.push_back({"Cache-Control", "no-cache"});
    r.headers.push_back({"Content-Security-Policy",
                         "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'none'"});
    std::string items;
    for (const auto& id : tenants.ids()) {
        auto t = tenants.find(id);
        if (!t) continue;
        const auto& branding = t->branding(); // from the summary: listing tenants runs no Lua
        std::string colour = member(branding, "primary");
        if (!isHexColour(colour)) colour = "#1f5fa8";
        const std::string logo = member(branding, "logo");
        const std::string base = "/t/" + htmlEscape(id) + "/";
        std::string mark = htmlEscape(member(branding, "monogram")); // made by the tenant library
        // A bare logo file name is served from the tenant's branding folder (as the portal does).
        if (!logo.empty() && logo.find('/') == std::string::npos && logo.find("..") == std::string::npos)
            mark = "<img src=\"" + base + "branding/" + htmlEscape(logo) + "\" alt=\"\">";
        items += "<li class=\"tenant\" data-tenant=\"" + htmlEscape(id) + "\" style=\"--brand:" + colour + "\">"
                 "<div class=\"tenant__head\"><span class=\"tenant__mark\" aria-hidden=\"true\">" + mark + "</span>"
                 "<h2>" + htmlEscape(t->shortName()) + "</h2></div>";
        if (t->name() != t->shortName()) items += "<p class=\"tenant__full\">" + htmlEscape(t->name()) + "</p>";
        items += "<a class=\"tenant__open\" href=\"" + base + "\">Открыть личный кабинет<span class=\"visually-hidden\"> " +
                 htmlEscape(t->shortName()) + "</span></a></li>";
    }
    r.body = std::string("<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\">"
                         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                         "<title>Личные кабинеты потребителей электроэнергии</title><style>") +
             kIndexStyle +
             ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}"
             "</style></head><body><header><div><h1>Личные кабинеты потребителей электроэнергии</h1>"
             "<p>Выберите сетевую организацию, чтобы войти в личный кабинет или зарегистрироваться.</p></div></header>"
             "<main>" +
             (items.empty() ? std::string("<p class=\"empty\">Сетевые организации ещё не подключены.</p>")
                            : "<ul class=\"tenants\">" + items + "</ul>") +
             "</main><footer>Кабинет — личный кабинет потребителя электрической энергии</footer></body></html>";
    return r;
}

} // namespace kabinet
