#include "http/Shape.h"

#include <Poco/JSON/Array.h>

#include <stdexcept>

namespace kabinet {

namespace {
Shape typed(const std::string& type, const std::string& format = "") {
    auto n = std::make_shared<ShapeNode>();
    n->types = {type};
    n->format = format;
    return n;
}

Poco::JSON::Array::Ptr strings(const std::vector<std::string>& values) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& v : values) a->add(v);
    return a;
}
} // namespace

namespace shape {
Shape string() { return typed("string"); }
Shape string(const std::string& format) { return typed("string", format); }
Shape integer() { return typed("integer"); }
Shape number() { return typed("number"); }
Shape boolean() { return typed("boolean"); }
Shape any() { return std::make_shared<ShapeNode>(); }

Shape oneOf(std::vector<std::string> values) {
    auto n = std::make_shared<ShapeNode>();
    n->types = {"string"};
    n->enumValues = std::move(values);
    return n;
}

Shape arrayOf(Shape items) {
    auto n = std::make_shared<ShapeNode>();
    n->types = {"array"};
    n->items = std::move(items);
    return n;
}

Shape object(std::vector<Member> members) {
    auto n = std::make_shared<ShapeNode>();
    n->types = {"object"};
    n->closed = true;
    for (auto& m : members) {
        std::string key = m.name;
        const bool optional = !key.empty() && key.back() == '?';
        if (optional) key.pop_back();
        if (!m.shape) throw std::logic_error("shape of member '" + key + "' missing");
        if (!optional) n->required.push_back(key);
        n->properties.emplace_back(key, std::move(m.shape));
    }
    return n;
}

Shape object(std::initializer_list<Member> members) { return object(std::vector<Member>(members)); }

Shape mapOf(Shape values) {
    auto n = std::make_shared<ShapeNode>();
    n->types = {"object"};
    n->values = std::move(values);
    return n;
}

Shape nullable(Shape s) {
    if (!s->types.empty() && s->name.empty() && s->anyOf.empty()) {
        auto n = std::make_shared<ShapeNode>(*s);
        n->types.push_back("null");
        if (!n->enumValues.empty()) n->enumValues.push_back("\x01null"); // enum gains null (see toJsonSchema)
        return n;
    }
    return either({s, typed("null")});
}

Shape either(std::vector<Shape> alternatives) {
    auto n = std::make_shared<ShapeNode>();
    n->anyOf = std::move(alternatives);
    return n;
}

Shape named(const std::string& name, Shape s) {
    auto n = std::make_shared<ShapeNode>();
    n->name = name;
    n->target = std::move(s);
    return n;
}

Shape described(Shape s, const std::string& description) {
    auto n = std::make_shared<ShapeNode>(*s);
    n->description = description;
    return n;
}

Shape extend(const Shape& base, std::initializer_list<Member> more) {
    const ShapeNode* b = base.get();
    while (!b->name.empty()) b = b->target.get();
    auto n = std::make_shared<ShapeNode>(*b);
    auto add = object(more);
    for (const auto& p : add->properties) n->properties.push_back(p);
    for (const auto& r : add->required) n->required.push_back(r);
    return n;
}
Shape open(const Shape& s) {
    auto n = std::make_shared<ShapeNode>(*s);
    n->closed = false;
    return n;
}
} // namespace shape

Poco::JSON::Object::Ptr toJsonSchema(const Shape& s, std::map<std::string, Poco::JSON::Object::Ptr>& components) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    if (!s->name.empty()) {
        if (!components.count(s->name)) {
            components[s->name] = nullptr; // reserved: a shape may refer to itself
            components[s->name] = toJsonSchema(s->target, components);
        }
        o->set("$ref", "#/components/schemas/" + s->name);
        return o;
    }
    if (s->types.size() == 1) o->set("type", s->types.front());
    else if (!s->types.empty()) o->set("type", strings(s->types));
    if (!s->format.empty()) o->set("format", s->format);
    if (!s->description.empty()) o->set("description", s->description);
    if (!s->enumValues.empty()) {
        Poco::JSON::Array::Ptr e = new Poco::JSON::Array;
        for (const auto& v : s->enumValues) {
            if (v == "\x01null") e->add(Poco::Dynamic::Var());
            else e->add(v);
        }
        o->set("enum", e);
    }
    if (!s->properties.empty() || s->closed) {
        Poco::JSON::Object::Ptr props = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& [k, v] : s->properties) props->set(k, toJsonSchema(v, components));
        o->set("properties", props);
        if (!s->required.empty()) o->set("required", strings(s->required));
    }
    if (s->values) o->set("additionalProperties", toJsonSchema(s->values, components));
    else if (s->closed) o->set("additionalProperties", false);
    if (s->items) o->set("items", toJsonSchema(s->items, components));
    if (!s->anyOf.empty()) {
        Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
        for (const auto& alt : s->anyOf) a->add(toJsonSchema(alt, components));
        o->set("anyOf", a);
    }
    return o;
}

} // namespace kabinet
