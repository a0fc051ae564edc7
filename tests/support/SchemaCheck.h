#pragma once
/// A JSON Schema checker for the subset the API description uses: type (one or a list, "null" among them),
/// properties, required, additionalProperties (false or a schema), items, enum, anyOf, $ref into the same
/// document, and format "date". Any other keyword is refused, so a shape never passes for a keyword the
/// checker ignores.
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet::test {

/// The first place where `value` does not match `schema`, as "<where>: <reason>" (e.g.
/// "body.points[0].meter.serial: expected string, got null"); empty when it matches. `root` is the document
/// $ref ("#/components/schemas/…") points into.
std::string schemaMismatch(const Poco::Dynamic::Var& value, const Poco::JSON::Object::Ptr& schema, const Poco::JSON::Object::Ptr& root,
                           const std::string& where = "body");

} // namespace kabinet::test
