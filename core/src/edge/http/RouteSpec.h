#pragma once
/// What a route declares about itself, once, beside its registration: a summary, its query parameters, the
/// request body and the answer for each status. GET /api/v1/openapi.json and `kabinet routes` are made from
/// these, and the integration tests check every answer they receive against them (docs/ARCHITECTURE.md,
/// "Route specs"). Path parameters come from the pattern; the role from the route's Access.
#include "http/Shape.h"

#include <string>
#include <vector>

namespace kabinet {

/// One query parameter.
struct QueryParam {
    std::string name;
    Shape shape;
    std::string description;
    bool required = false;
};

/// One declared answer. A JSON answer has a shape (none: an empty body, e.g. 204); a file answer lists its
/// content types.
struct Answer {
    int status = 200;
    std::string description;
    Shape shape;
    std::vector<std::string> contentTypes; ///< empty: application/json
};

/// The description of one route. Built fluently: RouteSpec("Summary").query(…).body(…).answer(200, shape).
struct RouteSpec {
    std::string summary;
    std::string description;
    std::string tag;                   ///< the group in the document (identity, meters, …)
    std::vector<QueryParam> params;
    Shape requestBody;                 ///< the JSON body the route reads; none when it reads none
    std::vector<Answer> answers;       ///< successes and the errors worth naming; any other 4xx/5xx is an Error
    bool bearerToken = false;          ///< authenticates with `Authorization: Bearer` instead of the session
    Shape multipartBody;               ///< the multipart/form-data parts the route reads (files as binary strings)
    long long maxBodyBytes = 0;        ///< the route's own body limit in bytes (0: the server's --max-body)

    RouteSpec() = default;
    explicit RouteSpec(std::string summary) : summary(std::move(summary)) {}

    RouteSpec& about(std::string text) { description = std::move(text); return *this; }
    RouteSpec& group(std::string name) { tag = std::move(name); return *this; }
    RouteSpec& query(std::string name, Shape shape, std::string about = "", bool required = false) {
        params.push_back({std::move(name), std::move(shape), std::move(about), required});
        return *this;
    }
    RouteSpec& body(Shape shape) { requestBody = std::move(shape); return *this; }
    /// A JSON answer (`shape` empty: no body).
    RouteSpec& answer(int status, Shape shape, std::string about = "") {
        answers.push_back({status, std::move(about), std::move(shape), {}});
        return *this;
    }
    /// A file answer of one of these content types.
    RouteSpec& file(int status, std::vector<std::string> types, std::string about = "") {
        answers.push_back({status, std::move(about), nullptr, std::move(types)});
        return *this;
    }
    /// Error statuses worth naming (their body is the common Error shape).
    RouteSpec& errors(std::vector<int> statuses);
    RouteSpec& bearer() { bearerToken = true; return *this; }
    /// The route also (or only) reads multipart/form-data with these parts (http/Multipart.h).
    RouteSpec& multipart(Shape parts) { multipartBody = std::move(parts); return *this; }
    /// The route accepts bodies up to `bytes` instead of the server's --max-body (uploads): checked from
    /// Content-Length before any byte is read, and while reading a chunked body. Answers 413 above it.
    RouteSpec& maxBody(long long bytes) { maxBodyBytes = bytes; return *this; }
};

/// The common error answer: {error, message, fields{field: reason}} and, where the status says so, more
/// (retry_after; what a login still lacks).
Shape errorShape();

} // namespace kabinet
