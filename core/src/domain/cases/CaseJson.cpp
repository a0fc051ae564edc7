#include "cases/CaseJson.h"

#include <Poco/JSON/Parser.h>

#include <cmath>
#include <sstream>

namespace kabinet::cases {

Obj stateJson(const Kind* kind, const std::string& state) {
    Obj j = new Poco::JSON::Object;
    const State* s = kind ? kind->state(state) : nullptr;
    j->set("id", state);
    j->set("label", s ? s->label : state);
    j->set("final", s ? s->final : false);
    j->set("tone", s ? s->tone : std::string("work"));
    return j;
}

Poco::Dynamic::Var personJson(const std::string& id, const std::string& name) {
    if (id.empty()) return Poco::Dynamic::Var();
    Obj j = new Poco::JSON::Object;
    j->set("id", id);
    j->set("name", name);
    return j;
}

Obj listRow(const Kind* kind, const CaseRow& c, bool staff, const std::function<std::string(const std::string&)>& nameOf) {
    Obj j = new Poco::JSON::Object;
    j->set("id", c.id);
    j->set("number", c.number);
    j->set("number_text", c.numberText);
    Obj k = new Poco::JSON::Object;
    k->set("id", c.kind);
    k->set("label", kind ? kind->label : c.kind);
    j->set("kind", k);
    j->set("group", kind ? kind->group : std::string());
    j->set("filed_at", c.filedAt);
    j->set("state", stateJson(kind, c.state));
    j->set("summary", c.summary);
    j->set("due_at", c.dueAt ? Poco::Dynamic::Var(*c.dueAt) : Poco::Dynamic::Var());
    j->set("overdue", c.overdue);
    if (staff) {
        j->set("applicant", personJson(c.applicantId, nameOf(c.applicantId)));
        j->set("assignee", personJson(c.assigneeId, c.assigneeId.empty() ? std::string() : nameOf(c.assigneeId)));
        j->set("channel", c.channel);
    }
    return j;
}

std::string valueText(const Obj& field, const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return {};
    if (value.isBoolean()) return value.extract<bool>() ? "Да" : "Нет";
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        std::string out;
        for (const auto& v : *value.extract<Poco::JSON::Array::Ptr>()) {
            const std::string t = valueText(field, v);
            if (!t.empty()) out += (out.empty() ? "" : ", ") + t;
        }
        return out;
    }
    if (value.type() == typeid(Obj)) {
        std::ostringstream o;
        value.extract<Obj>()->stringify(o);
        return o.str();
    }
    std::string text;
    if (value.isNumeric() && !value.isString()) {
        const double d = value.convert<double>();
        text = d == std::floor(d) && std::fabs(d) < 1e15 ? std::to_string(static_cast<long long>(d)) : value.convert<std::string>();
    } else {
        text = value.convert<std::string>();
    }
    if (field && field->has("options"))
        if (auto opts = field->getArray("options"))
            for (const auto& ov : *opts)
                if (ov.type() == typeid(Obj)) {
                    Obj o = ov.extract<Obj>();
                    if (o->has("value") && o->get("value").convert<std::string>() == text && o->has("label"))
                        return o->getValue<std::string>("label");
                }
    return text;
}

Arr fieldValues(const Arr& form, const Obj& values) {
    Arr out = new Poco::JSON::Array;
    if (!form || !values) return out;
    for (const auto& fv : *form) {
        if (fv.type() != typeid(Obj)) continue;
        Obj f = fv.extract<Obj>();
        const std::string name = f->optValue<std::string>("name", "");
        if (name.empty() || !values->has(name)) continue;
        const Poco::Dynamic::Var v = values->get(name);
        const std::string text = valueText(f, v);
        if (text.empty()) continue;
        Obj j = new Poco::JSON::Object;
        j->set("name", name);
        j->set("label", f->optValue<std::string>("label", name));
        j->set("value", v);
        j->set("text", text);
        out->add(j);
    }
    return out;
}

Obj documentJson(const Kind* kind, const CaseDoc& d, const std::string& role, const std::string& name) {
    Obj j = new Poco::JSON::Object;
    j->set("id", d.id);
    j->set("type", d.type);
    const DocType* t = kind ? kind->document(d.type) : nullptr;
    j->set("type_label", t ? t->label : std::string("Документ"));
    j->set("name", d.name);
    j->set("size", d.size);
    j->set("content_type", d.contentType);
    j->set("at", d.at);
    Obj by = new Poco::JSON::Object;
    by->set("role", role);
    by->set("name", name);
    j->set("by", by);
    return j;
}

std::string numberText(const Kind& kind, long long number) { return kind.numberPrefix + std::to_string(number); }

} // namespace kabinet::cases
