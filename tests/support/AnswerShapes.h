#pragma once
/// Every answer the HTTP tests receive is checked against the shape its route declares in the API
/// description (the document GET /api/v1/openapi.json serves, built here from the same route table).
#include "KabinetdProcess.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet::test {

/// Checks one answer to `method target` (target as sent: "/t/{tenant}/api/v1/…?query"). An answer of a
/// described route whose status is not declared (a success; an undeclared 4xx/5xx must be an Error), whose
/// content type is not the declared one, or whose JSON body does not match the declared schema, fails the
/// running test naming the method, path, status and field. Answers of unknown API paths must be Errors;
/// portal pages and simulators are left alone. Called by http() for every request the tests send.
void checkAnswer(const std::string& method, const std::string& target, const HttpResult& answer);

/// What checkAnswer finds wrong with an answer ("" when it matches its declaration or the route is not an
/// API route), without failing the test.
std::string answerMismatch(const std::string& method, const std::string& target, const HttpResult& answer);

/// The API description the answers are checked against (the document GET /api/v1/openapi.json serves).
Poco::JSON::Object::Ptr apiDescription();

} // namespace kabinet::test
