#pragma once
/// Every answer the HTTP tests receive is checked against the shape its route declares in the API
/// description (the document GET /api/v1/openapi.json serves, built here from the same route table).
#include "KabinetdProcess.h"

#include <string>

namespace kabinet::test {

/// Checks one answer to `method target` (target as sent: "/t/{tenant}/api/v1/…?query"). A route that is
/// not in the description, or a body that is not JSON where JSON is declared, is left alone only when the
/// route is unknown (a test of 404s); a declared route whose status is not declared, or whose body does not
/// match the declared schema, fails the running test naming the method, path, status and field.
void checkAnswer(const std::string& method, const std::string& target, const HttpResult& answer);

} // namespace kabinet::test
