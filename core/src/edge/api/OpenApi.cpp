#include "api/OpenApi.h"

#include <Poco/JSON/Array.h>

#include <cctype>
#include <set>
#include <sstream>

namespace kabinet {

namespace {
using Object = Poco::JSON::Object;
using Array = Poco::JSON::Array;

Object::Ptr ordered() { return new Object(Poco::JSON_PRESERVE_KEY_ORDER); }

const char* reasonOf(int status) {
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No content";
    case 400: return "Malformed request";
    case 401: return "Not logged in, or bad credentials";
    case 403: return "Not allowed";
    case 404: return "Not found";
    case 409: return "Conflict with stored data";
    case 410: return "Link or code expired or used";
    case 422: return "Validation failed: `fields` names each bad field";
    case 429: return "Too many attempts (Retry-After)";
    case 503: return "Unavailable";
    default: return "Answer";
    }
}

/// "getApiV1PointsIdReadings" from GET /api/v1/points/{id}/readings.
std::string operationId(const Route& r) {
    std::string id;
    for (char c : r.method) id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool upper = true;
    for (char c : r.pattern) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
            upper = false;
        } else {
            upper = true;
        }
    }
    return id;
}

Object::Ptr jsonContent(Object::Ptr schema) {
    Object::Ptr media = ordered();
    media->set("schema", schema);
    Object::Ptr content = ordered();
    content->set("application/json", media);
    return content;
}

Object::Ptr securitySchemes() {
    Object::Ptr session = ordered();
    session->set("type", "apiKey");
    session->set("in", "cookie");
    session->set("name", "kabinet_session");
    session->set("description", "The session cookie set by POST session (or session/second-factor).");
    Object::Ptr csrf = ordered();
    csrf->set("type", "apiKey");
    csrf->set("in", "header");
    csrf->set("name", "X-CSRF-Token");
    csrf->set("description", "The `csrf` value of the login answer or GET me; every write made with the session cookie carries it.");
    Object::Ptr bearer = ordered();
    bearer->set("type", "http");
    bearer->set("scheme", "bearer");
    bearer->set("description", "The server's meter-data ingest token (--ingest-token).");
    Object::Ptr out = ordered();
    out->set("session", session);
    out->set("csrf", csrf);
    out->set("ingestToken", bearer);
    return out;
}

Array::Ptr securityOf(const Route& r) {
    Array::Ptr out = new Array;
    auto requirement = [&](std::initializer_list<const char*> names) {
        Object::Ptr req = ordered();
        for (const char* n : names) req->set(n, Array::Ptr(new Array));
        out->add(req);
    };
    if (r.spec && r.spec->bearerToken) requirement({"ingestToken"});
    else if (r.access == Access::Public) return out; // none
    else if (r.method == "GET" || r.method == "HEAD") requirement({"session"});
    else requirement({"session", "csrf"});
    return out;
}

Object::Ptr operation(const Route& r, std::map<std::string, Object::Ptr>& schemas) {
    Object::Ptr op = ordered();
    const RouteSpec empty;
    const RouteSpec& spec = r.spec ? *r.spec : empty;
    op->set("operationId", operationId(r));
    op->set("summary", spec.summary.empty() ? r.method + " " + r.pattern : spec.summary);
    if (!spec.description.empty()) op->set("description", spec.description);
    if (!spec.tag.empty()) {
        Array::Ptr tags = new Array;
        tags->add(spec.tag);
        op->set("tags", tags);
    }
    op->set("x-kabinet-access", std::string(accessName(r.access)));
    if (!r.spec) op->set("x-kabinet-undescribed", true);

    Array::Ptr params = new Array;
    if (r.tenantScoped) {
        Object::Ptr ref = ordered();
        ref->set("$ref", "#/components/parameters/tenant");
        params->add(ref);
    }
    for (const auto& seg : r.segments) {
        if (seg.size() < 3 || seg.front() != '{' || seg.back() != '}') continue;
        Object::Ptr p = ordered();
        p->set("name", seg.substr(1, seg.size() - 2));
        p->set("in", "path");
        p->set("required", true);
        std::map<std::string, Object::Ptr> none;
        p->set("schema", toJsonSchema(shape::string(), none));
        params->add(p);
    }
    for (const auto& q : spec.params) {
        Object::Ptr p = ordered();
        p->set("name", q.name);
        p->set("in", "query");
        p->set("required", q.required);
        if (!q.description.empty()) p->set("description", q.description);
        p->set("schema", toJsonSchema(q.shape, schemas));
        params->add(p);
    }
    if (params->size() > 0) op->set("parameters", params);

    if (spec.requestBody || spec.multipartBody) {
        Object::Ptr body = ordered();
        body->set("required", true);
        Object::Ptr content = spec.requestBody ? jsonContent(toJsonSchema(spec.requestBody, schemas)) : ordered();
        if (spec.multipartBody) {
            Object::Ptr media = ordered();
            media->set("schema", toJsonSchema(spec.multipartBody, schemas));
            content->set("multipart/form-data", media);
        }
        body->set("content", content);
        if (spec.maxBodyBytes > 0) body->set("x-kabinet-max-bytes", spec.maxBodyBytes);
        op->set("requestBody", body);
    }

    Object::Ptr responses = ordered();
    for (const auto& a : spec.answers) {
        Object::Ptr resp = ordered();
        resp->set("description", a.description.empty() ? std::string(reasonOf(a.status)) : a.description);
        if (!a.contentTypes.empty()) {
            Object::Ptr content = ordered();
            for (const auto& type : a.contentTypes) {
                Object::Ptr media = ordered();
                Object::Ptr schema = ordered();
                schema->set("type", "string");
                if (type.rfind("text/", 0) != 0) schema->set("format", "binary");
                media->set("schema", schema);
                content->set(type, media);
            }
            resp->set("content", content);
        } else if (a.shape) {
            resp->set("content", jsonContent(toJsonSchema(a.shape, schemas)));
        }
        const std::string status = std::to_string(a.status);
        if (responses->has(status) && resp->has("content") && responses->getObject(status)->has("content")) {
            // A route answering one status as JSON or as a file (by a query parameter): one response, both contents.
            auto content = responses->getObject(status)->getObject("content");
            for (const auto& [type, media] : *resp->getObject("content")) content->set(type, media);
            continue;
        }
        responses->set(status, resp);
    }
    Object::Ptr fallback = ordered();
    fallback->set("$ref", "#/components/responses/Error");
    responses->set("default", fallback);
    op->set("responses", responses);
    op->set("security", securityOf(r));
    return op;
}

std::string lower(const std::string& s) {
    std::string out;
    for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
} // namespace

std::vector<std::string> undescribedRoutes(const Router& router) {
    std::vector<std::string> out;
    for (const auto& r : router.routes())
        if (!r.spec) out.push_back(r.method + " " + documentPath(r));
    return out;
}

std::string documentPath(const Route& route) { return (route.tenantScoped ? "/t/{tenant}" : "") + route.pattern; }

Object::Ptr openApiDocument(const Router& router) {
    std::map<std::string, Object::Ptr> schemas;
    Object::Ptr paths = ordered();
    std::set<std::string> tags;
    for (const auto& r : router.routes()) {
        const std::string path = documentPath(r);
        if (!paths->has(path)) paths->set(path, ordered());
        paths->getObject(path)->set(lower(r.method), operation(r, schemas));
        if (r.spec && !r.spec->tag.empty()) tags.insert(r.spec->tag);
    }

    Object::Ptr doc = ordered();
    doc->set("openapi", "3.1.0");
    Object::Ptr info = ordered();
    info->set("title", "Kabinet HTTP API");
    info->set("version", "1");
    info->set("description",
              "The consumer portal's API of every utility (tenant). Tenant routes are reached as /t/{tenant}/… or, on a "
              "host the tenant lists, without the /t/{tenant} prefix. Every error has the Error shape; docs/API.md "
              "holds the prose.");
    doc->set("info", info);
    Array::Ptr servers = new Array;
    Object::Ptr server = ordered();
    server->set("url", "/");
    server->set("description", "This server");
    servers->add(server);
    doc->set("servers", servers);
    Array::Ptr tagList = new Array;
    for (const auto& t : tags) {
        Object::Ptr o = ordered();
        o->set("name", t);
        tagList->add(o);
    }
    doc->set("tags", tagList);
    doc->set("paths", paths);

    Object::Ptr components = ordered();
    std::map<std::string, Object::Ptr> none;
    Object::Ptr errorResponse = ordered();
    errorResponse->set("description", "An error: `error` is the code, `message` Russian text, `fields` the bad input fields");
    errorResponse->set("content", jsonContent(toJsonSchema(errorShape(), schemas)));
    Object::Ptr responses = ordered();
    responses->set("Error", errorResponse);
    Object::Ptr tenant = ordered();
    tenant->set("name", "tenant");
    tenant->set("in", "path");
    tenant->set("required", true);
    tenant->set("description", "The utility's id (e.g. voek); dropped with the /t/{tenant} prefix on the utility's own host");
    tenant->set("schema", toJsonSchema(shape::string(), none));
    Object::Ptr parameters = ordered();
    parameters->set("tenant", tenant);
    Object::Ptr schemaObject = ordered();
    for (const auto& [name, schema] : schemas) schemaObject->set(name, schema);
    components->set("schemas", schemaObject);
    components->set("parameters", parameters);
    components->set("responses", responses);
    components->set("securitySchemes", securitySchemes());
    doc->set("components", components);
    return doc;
}

std::string openApiText(const Router& router) {
    std::ostringstream out;
    openApiDocument(router)->stringify(out);
    return out.str();
}

} // namespace kabinet
