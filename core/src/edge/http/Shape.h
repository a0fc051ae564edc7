#pragma once
/// The shape of a JSON value, written once in C++ and emitted as a JSON Schema (the 2020-12 subset OpenAPI 3.1
/// uses: type, properties, required, additionalProperties, items, enum, anyOf, $ref). Objects are closed:
/// every member an answer may carry is declared, optional ones with a trailing '?' on the name. A named shape
/// is emitted once under components/schemas and referenced by $ref wherever it is used.
#include <Poco/JSON/Object.h>

#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kabinet {

struct ShapeNode;
/// An immutable shape; shared, cheap to copy. A default-constructed Shape is "no body".
using Shape = std::shared_ptr<const ShapeNode>;

/// One member of an object shape: "name" is required, "name?" may be absent.
struct Member {
    std::string name;
    Shape shape;
};

/// The parts of a shape; build them with the functions of namespace `shape`.
struct ShapeNode {
    std::vector<std::string> types;                   ///< JSON types; empty: any value (or see anyOf / ref)
    std::vector<std::string> enumValues;              ///< allowed strings, when the shape is an enumeration
    std::string format;                               ///< "date", "date-time", "binary", …
    std::string description;
    std::vector<std::pair<std::string, Shape>> properties; ///< an object's members, in order
    std::vector<std::string> required;
    bool closed = false;                              ///< no members beyond `properties`
    Shape values;                                     ///< the shape of every further member (a map)
    Shape items;                                      ///< an array's elements
    std::vector<Shape> anyOf;                         ///< one of these
    std::string name;                                 ///< a named shape: $ref to components/schemas/<name>
    Shape target;                                     ///< what a named shape stands for
};

/// The builders of shapes.
namespace shape {
Shape string();                                         ///< any JSON string
Shape string(const std::string& format);                ///< e.g. "date" (YYYY-MM-DD), "date-time"
Shape integer();                                        ///< a whole JSON number
Shape number();                                         ///< any JSON number, integers included
Shape boolean();                                        ///< true or false
Shape any();                                            ///< any JSON value
Shape oneOf(std::vector<std::string> values);           ///< a string out of these
Shape arrayOf(Shape items);
Shape object(std::initializer_list<Member> members);    ///< closed: members beyond these are a mismatch
Shape object(std::vector<Member> members);
Shape mapOf(Shape values);                              ///< an object whose every member has this shape
Shape nullable(Shape s);                                ///< s or null
Shape either(std::vector<Shape> alternatives);          ///< one of the alternatives
Shape named(const std::string& name, Shape s);          ///< components/schemas/<name>
Shape described(Shape s, const std::string& description);
/// `base` with further members (a copy; base is closed or open as it was).
Shape extend(const Shape& base, std::initializer_list<Member> more);
/// `s` (an object) that may also carry members it does not declare: for JSON a tenant's script makes,
/// whose keys the tenant library may grow.
Shape open(const Shape& s);
} // namespace shape

/// The JSON Schema of `s`. Named shapes met on the way are emitted as $ref and their definitions put
/// into `components` (name → schema), each once.
Poco::JSON::Object::Ptr toJsonSchema(const Shape& s, std::map<std::string, Poco::JSON::Object::Ptr>& components);

} // namespace kabinet
