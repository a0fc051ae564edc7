#include "cases/CaseKinds.h"

#include "lua/LuaJson.h"
#include "tenants/Tenant.h"

#include <algorithm>
#include <mutex>

namespace kabinet::cases {

namespace {

using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;
using Var = Poco::Dynamic::Var;

Obj asObject(const Var& v) { return v.type() == typeid(Obj) ? v.extract<Obj>() : Obj(); }

/// An array member; an empty Lua table may arrive as an empty object: then an empty array.
Arr array(const Obj& o, const std::string& key) {
    Arr out = new Poco::JSON::Array;
    if (!o || !o->has(key)) return out;
    const Var v = o->get(key);
    if (v.type() == typeid(Arr)) return v.extract<Arr>();
    return out;
}

/// The elements of an array member, copied (safe to loop over).
std::vector<Var> items(const Obj& o, const std::string& key) {
    Arr a = array(o, key);
    return std::vector<Var>(a->begin(), a->end());
}

Arr asArray(const Var& v) {
    if (v.type() == typeid(Arr)) return v.extract<Arr>();
    return new Poco::JSON::Array;
}

std::string text(const Obj& o, const std::string& key, const std::string& fallback = {}) {
    if (!o || !o->has(key) || o->get(key).isEmpty()) return fallback;
    return o->get(key).convert<std::string>();
}

bool flag(const Obj& o, const std::string& key) {
    if (!o || !o->has(key) || o->get(key).isEmpty()) return false;
    const Var v = o->get(key);
    return v.isBoolean() ? v.extract<bool>() : v.convert<bool>();
}

long long number(const Obj& o, const std::string& key, long long fallback) {
    if (!o || !o->has(key) || o->get(key).isEmpty()) return fallback;
    return static_cast<long long>(o->get(key).convert<double>());
}

std::vector<std::string> strings(const Obj& o, const std::string& key) {
    std::vector<std::string> out;
    for (const auto& v : items(o, key)) out.push_back(v.convert<std::string>());
    return out;
}

std::vector<Override> overridesOf(const Obj& o) {
    std::vector<Override> out;
    for (const auto& v : items(o, "overrides")) {
        Obj x = asObject(v);
        if (!x) continue;
        Override ov;
        ov.field = text(x, "field");
        ov.equals = x->has("equals") ? x->get("equals") : Var();
        ov.days = static_cast<int>(number(x, "days", 0));
        if (!ov.field.empty()) out.push_back(std::move(ov));
    }
    return out;
}

/// Whether a stored value equals an override's value: booleans and numbers as such, else as text.
bool same(const Var& a, const Var& b) {
    if (a.isEmpty() || b.isEmpty()) return a.isEmpty() && b.isEmpty();
    try {
        if (a.isBoolean() || b.isBoolean()) return a.convert<bool>() == b.convert<bool>();
        if (a.isNumeric() && b.isNumeric() && !a.isString() && !b.isString()) return a.convert<double>() == b.convert<double>();
        return a.convert<std::string>() == b.convert<std::string>();
    } catch (const std::exception&) {
        return false;
    }
}

Kind kindOf(const Obj& k) {
    Kind out;
    out.raw = k;
    out.id = text(k, "id");
    out.label = text(k, "label", out.id);
    out.group = text(k, "group");
    out.registerId = text(k, "register", out.id);
    out.numberPrefix = text(k, "number_prefix");
    out.reportAs = text(k, "report_as", "other");
    out.summaryField = text(k, "summary_field");
    out.applicants = strings(k, "applicants");
    out.offeredOnly = flag(k, "offered_only");
    out.form = array(k, "form");
    for (const auto& dv : items(k, "documents")) {
        Obj d = asObject(dv);
        if (!d) continue;
        DocType t;
        t.view = d;
        t.id = text(d, "id");
        t.label = text(d, "label", t.id);
        t.required = flag(d, "required");
        t.maxBytes = number(d, "max_bytes", t.maxBytes);
        t.types = strings(d, "types");
        t.maxCount = static_cast<int>(number(d, "max_count", 1));
        t.by = text(d, "by", "consumer");
        out.documents.push_back(std::move(t));
    }
    for (const auto& sv : items(k, "states")) {
        Obj s = asObject(sv);
        if (!s) continue;
        State st;
        st.id = text(s, "id");
        st.label = text(s, "label", st.id);
        st.tone = text(s, "tone", "work");
        st.final = flag(s, "final");
        st.uploads = flag(s, "uploads");
        out.states.push_back(std::move(st));
    }
    out.initial = text(k, "initial", out.states.empty() ? std::string("registered") : out.states.front().id);
    for (const auto& av : items(k, "actions")) {
        Obj a = asObject(av);
        if (!a) continue;
        Action ac;
        ac.id = text(a, "id");
        ac.label = text(a, "label", ac.id);
        ac.to = text(a, "to");
        ac.from = strings(a, "from");
        ac.by = strings(a, "by");
        ac.fields = array(a, "fields");
        ac.comment = text(a, "comment", "none");
        ac.documents = strings(a, "documents");
        ac.attach = strings(a, "attach");
        for (const auto& d : ac.documents)
            if (std::find(ac.attach.begin(), ac.attach.end(), d) == ac.attach.end()) ac.attach.push_back(d);
        ac.confirm = text(a, "confirm");
        if (Obj after = a->has("after") ? asObject(a->get("after")) : Obj()) {
            After af;
            af.days = static_cast<int>(number(after, "days", 0));
            af.unit = text(after, "unit", "calendar");
            af.overrides = overridesOf(after);
            ac.after = af;
        }
        ac.guard = flag(a, "guard");
        ac.hook = flag(a, "hook");
        ac.keep = flag(a, "keep");
        out.actions.push_back(std::move(ac));
    }
    for (const auto& dv : items(k, "deadlines")) {
        Obj d = asObject(dv);
        if (!d) continue;
        Deadline dl;
        dl.id = text(d, "id");
        dl.label = text(d, "label", dl.id);
        dl.days = static_cast<int>(number(d, "days", 0));
        dl.unit = text(d, "unit", "calendar");
        dl.from = text(d, "from", "filed");
        dl.running = strings(d, "running");
        dl.overrides = overridesOf(d);
        out.deadlines.push_back(std::move(dl));
    }
    if (Obj hooks = k->has("hooks") ? asObject(k->get("hooks")) : Obj())
        for (const auto& s : strings(hooks, "enter")) out.enterHooks.insert(s);
    for (const auto& sv : items(k, "stages")) {
        Obj s = asObject(sv);
        if (!s) continue;
        out.stages.push_back(Stage{text(s, "id"), text(s, "label", text(s, "id")), strings(s, "states")});
    }
    out.listFields = strings(k, "list_fields");
    return out;
}

struct Cached {
    std::string hash;
    std::shared_ptr<const Model> model;
};

} // namespace

int termDays(int days, const std::vector<Override>& overrides, const Obj& fields) {
    for (const auto& o : overrides)
        if (fields && fields->has(o.field) && same(fields->get(o.field), o.equals)) return o.days;
    return days;
}

bool Action::startsFrom(const std::string& state, bool stateFinal) const {
    if (from.empty()) return !stateFinal;
    return std::find(from.begin(), from.end(), state) != from.end();
}

bool Action::takenBy(const std::string& role) const { return std::find(by.begin(), by.end(), role) != by.end(); }

const State* Kind::state(const std::string& sid) const {
    for (const auto& s : states)
        if (s.id == sid) return &s;
    return nullptr;
}

const Action* Kind::action(const std::string& aid) const {
    for (const auto& a : actions)
        if (a.id == aid) return &a;
    return nullptr;
}

const DocType* Kind::document(const std::string& did) const {
    for (const auto& d : documents)
        if (d.id == did) return &d;
    return nullptr;
}

std::string Kind::stateLabel(const std::string& sid) const {
    const State* s = state(sid);
    return s ? s->label : sid;
}

bool Kind::fileableBy(const std::string& applicantKind) const {
    return !offeredOnly && std::find(applicants.begin(), applicants.end(), applicantKind) != applicants.end();
}

const Kind* Model::kind(const std::string& kid) const {
    for (const auto& k : kinds)
        if (k.id == kid) return &k;
    return nullptr;
}

long long Model::registerStart(const std::string& rid) const {
    auto it = registerStarts.find(rid);
    return it == registerStarts.end() ? 1 : it->second;
}

std::string Model::registerPrefix(const std::string& rid) const {
    auto it = registerPrefixes.find(rid);
    return it == registerPrefixes.end() ? std::string() : it->second;
}

Model CaseKinds::parse(const Var& kinds, const Var& groups, const Var& registers) {
    Model m;
    const Arr groupList = asArray(groups), kindList = asArray(kinds), registerList = asArray(registers);
    for (const auto& gv : *groupList) {
        Obj g = asObject(gv);
        if (!g) continue;
        Group gr;
        gr.raw = g;
        gr.id = text(g, "id");
        gr.label = text(g, "label", gr.id);
        gr.list = text(g, "list", gr.id);
        m.groups.push_back(std::move(gr));
    }
    for (const auto& kv : *kindList)
        if (Obj k = asObject(kv)) m.kinds.push_back(kindOf(k));
    // Registers: [{id, start, prefix}] (or {id = {start}}); a kind's own `register_start` wins.
    if (Obj regs = asObject(registers))
        for (const auto& [id, v] : *regs) {
            m.registerStarts[id] = number(asObject(v), "start", 1);
            m.registerPrefixes[id] = text(asObject(v), "prefix");
        }
    for (const auto& rv : *registerList)
        if (Obj r = asObject(rv)) {
            m.registerStarts[text(r, "id")] = number(r, "start", 1);
            m.registerPrefixes[text(r, "id")] = text(r, "prefix");
        }
    for (const auto& k : m.kinds)
        if (k.raw && k.raw->has("register_start") && !k.raw->get("register_start").isEmpty())
            m.registerStarts[k.registerId] = number(k.raw, "register_start", 1);
    return m;
}

std::shared_ptr<const Model> CaseKinds::of(Tenant& t) {
    static std::mutex mutex;
    static std::map<std::string, Cached> cache;
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto it = cache.find(t.id());
        if (it != cache.end() && it->second.hash == t.configHash()) return it->second.model;
    }
    // Read from the tenant's summary (computed by its check, cached between starts): no Lua runs here. Tenants
    // whose values are the same shared objects (copies of one declaration) share one model; the entry keeps the
    // values, so their addresses stay theirs.
    const Var& kinds = t.summary().caseKinds;
    const Var& groups = t.summary().caseGroups;
    const Var& registers = t.summary().caseRegisters;
    static std::map<std::string, std::pair<std::vector<Var>, std::shared_ptr<const Model>>> shared;
    const std::string key = luajson::identity(kinds) + "|" + luajson::identity(groups) + "|" + luajson::identity(registers);
    std::shared_ptr<const Model> model;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (auto it = shared.find(key); it != shared.end()) model = it->second.second;
    }
    if (!model) {
        model = std::make_shared<const Model>(parse(kinds, groups, registers));
        std::lock_guard<std::mutex> lock(mutex);
        model = shared.try_emplace(key, std::vector<Var>{kinds, groups, registers}, model).first->second.second;
    }
    std::lock_guard<std::mutex> lock(mutex);
    cache[t.id()] = Cached{t.configHash(), model};
    return model;
}

} // namespace kabinet::cases
