#include "demo/Roster.h"

#include "demo/CheckDigits.h"
#include "lua/LuaJson.h"
#include "tenants/Tenant.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <stdexcept>

namespace kabinet::demo {

namespace {

using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;

/// Reads values out of one table of demo.lua, naming the key on a wrong type.
struct Reader {
    Obj o;
    std::string where;

    std::string str(const std::string& key, const std::string& fallback = {}) const {
        if (!o || !o->has(key) || o->get(key).isEmpty()) return fallback;
        const auto v = o->get(key);
        if (!v.isString()) throw std::runtime_error(where + "." + key + ": text expected");
        return v.convert<std::string>();
    }
    double num(const std::string& key, double fallback) const {
        if (!o || !o->has(key) || o->get(key).isEmpty()) return fallback;
        const auto v = o->get(key);
        if (!v.isNumeric()) throw std::runtime_error(where + "." + key + ": number expected");
        return v.convert<double>();
    }
    bool flag(const std::string& key, bool fallback) const {
        if (!o || !o->has(key) || o->get(key).isEmpty()) return fallback;
        const auto v = o->get(key);
        if (!v.isBoolean()) throw std::runtime_error(where + "." + key + ": true or false expected");
        return v.convert<bool>();
    }
    Reader sub(const std::string& key) const {
        Obj inner = o ? o->getObject(key) : nullptr;
        return {inner, where + "." + key};
    }
    /// The tables of a list (an empty Lua table arrives as an object: no items).
    std::vector<Reader> list(const std::string& key) const {
        std::vector<Reader> out;
        Arr a = o ? o->getArray(key) : nullptr;
        if (!a) return out;
        for (std::size_t i = 0; i < a->size(); ++i) {
            Obj item = a->getObject(static_cast<unsigned>(i));
            if (!item) throw std::runtime_error(where + "." + key + "[" + std::to_string(i + 1) + "]: table expected");
            out.push_back({item, where + "." + key + "[" + std::to_string(i + 1) + "]"});
        }
        return out;
    }
    std::vector<std::string> strings(const std::string& key) const {
        std::vector<std::string> out;
        Arr a = o ? o->getArray(key) : nullptr;
        if (a)
            for (const auto& v : *a) out.push_back(v.convert<std::string>());
        return out;
    }
    /// A list of string tuples ({"a", "b", …}).
    std::vector<std::vector<std::string>> tuples(const std::string& key) const {
        std::vector<std::vector<std::string>> out;
        Arr a = o ? o->getArray(key) : nullptr;
        if (a)
            for (std::size_t i = 0; i < a->size(); ++i) {
                std::vector<std::string> t;
                if (Arr inner = a->getArray(static_cast<unsigned>(i)))
                    for (const auto& v : *inner) t.push_back(v.convert<std::string>());
                out.push_back(std::move(t));
            }
        return out;
    }
};

std::optional<TransformerSpec> transformer(const Reader& m, const std::string& kind) {
    Reader t = m.sub("transformers").sub(kind);
    if (!t.o) return std::nullopt;
    TransformerSpec s;
    s.model = t.str("model"), s.serialPrefix = t.str("serial_prefix"), s.ratio = t.str("ratio"), s.accuracyClass = t.str("accuracy_class");
    s.serialDigits = static_cast<int>(t.num("serial_digits", 5));
    return s;
}

MeterSpec meterOf(const Reader& m) {
    if (!m.o) throw std::runtime_error(m.where + ": a meter (demo.meter) is required");
    MeterSpec s;
    s.model = m.str("model"), s.modification = m.str("modification"), s.registerNumber = m.str("register_number");
    s.accuracyClass = m.str("accuracy_class"), s.nominalVoltage = m.str("nominal_voltage"), s.currentRange = m.str("current_range");
    s.serialPrefix = m.str("serial_prefix"), s.serialDigits = static_cast<int>(m.num("serial_digits", 7));
    s.phases = static_cast<int>(m.num("phases", 1));
    s.smart = m.flag("smart", true);
    s.currentTransformer = transformer(m, "current");
    s.voltageTransformer = transformer(m, "voltage");
    try {
        s.load = loadOf(m.str("load", "flat"));
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(m.where + ".load: " + e.what());
    }
    s.scale = m.num("scale", 1.0);
    s.tamper = static_cast<int>(m.num("tamper", 0));
    return s;
}

PointSpec pointOf(const Reader& p, Rng& r) {
    PointSpec s;
    s.name = p.str("name"), s.number = p.str("number"), s.address = p.str("address"), s.place = p.str("place");
    s.limitKw = p.num("limit_kw", 15);
    s.meter = drawn(meterOf(p.sub("meter")), r);
    s.grant = p.flag("grant", true);
    return s;
}

Persona personOf(const Reader& p) {
    Persona s;
    s.surname = p.str("surname"), s.name = p.str("name"), s.patronymic = p.str("patronymic");
    s.email = p.str("email"), s.phone = p.str("phone");
    s.snils = p.str("snils"), s.inn = p.str("inn"), s.ogrn = p.str("ogrn"), s.ogrnip = p.str("ogrnip");
    s.username = p.str("username"), s.organization = p.str("organization"), s.organizationFull = p.str("organization_full");
    s.contractNumber = p.str("contract_number");
    s.fromVoronezh = p.flag("from_voronezh", true);
    s.street = p.str("street"), s.house = p.str("house"), s.flat = p.str("flat"), s.postcode = p.str("postcode"), s.address = p.str("address");
    return s;
}

ConsumerSpec consumerOf(const Reader& c, const Place& place, Rng& r) {
    ConsumerSpec s;
    s.kind = c.str("kind"), s.way = c.str("way"), s.scope = c.str("scope"), s.who = c.str("who"), s.hint = c.str("hint");
    if (s.kind.empty() || s.way.empty() || s.scope.empty()) throw std::runtime_error(c.where + ": kind, way and scope are required");
    s.person = personOf(c.sub("person"));
    for (const auto& k : c.list("contracts")) {
        ContractSpec ks;
        ks.number = k.str("number"), ks.consumerKind = k.str("kind", "individual"), ks.consumerName = k.str("consumer_name");
        ks.inn = k.str("inn"), ks.ogrn = k.str("ogrn"), ks.legalAddress = k.str("legal_address"), ks.supplier = k.str("supplier", place.supplier);
        ks.validFrom = k.str("valid_from"), ks.title = k.str("title"), ks.grant = k.flag("grant", true);
        for (const auto& a : k.list("accounts")) {
            AccountSpec as;
            as.number = a.str("number"), as.label = a.str("label"), as.grant = a.flag("grant", true);
            for (const auto& p : a.list("points")) as.points.push_back(pointOf(p, r));
            ks.accounts.push_back(std::move(as));
        }
        for (const auto& p : k.list("points")) ks.points.push_back(pointOf(p, r));
        for (const auto& n : k.list("notifications")) {
            NoticeSpec ns;
            ns.title = n.str("title"), ns.body = n.str("body"), ns.read = n.flag("read", false);
            ns.aboutContract = n.flag("about_contract", true);
            ns.daysAgo = static_cast<int>(n.num("days_ago", 0));
            if (ns.title.empty() || ns.body.empty()) throw std::runtime_error(n.where + ": title and body are required");
            if (ns.daysAgo < 0) throw std::runtime_error(n.where + ".days_ago: 0 or more expected");
            ks.notices.push_back(std::move(ns));
        }
        s.contracts.push_back(std::move(ks));
    }
    return s;
}

OutageSpec outageOf(const Reader& o) {
    OutageSpec s;
    s.kind = o.str("kind"), s.reason = o.str("reason");
    const Reader start = o.sub("start");
    if (!start.o) throw std::runtime_error(o.where + ".start: {day, at} or {minutes} is required");
    if (start.o->has("day")) {
        s.day = static_cast<int>(start.num("day", 0));
        const std::string at = start.str("at");
        if (at.size() != 5 || at[2] != ':') throw std::runtime_error(start.where + ".at: HH:MM expected");
        s.atMinutes = std::stoi(at.substr(0, 2)) * 60 + std::stoi(at.substr(3, 2));
    } else {
        s.minutesFromNow = static_cast<int>(start.num("minutes", 0));
    }
    s.hours = o.num("hours", 1);
    if (o.o->has("actual_hours")) s.actualHours = o.num("actual_hours", 0);
    if (o.o->has("sources")) s.sources = static_cast<int>(o.num("sources", 1));
    for (const auto& a : o.list("addresses")) s.addresses.push_back({a.str("street"), a.str("houses"), a.str("text")});
    return s;
}

/// "9128451732" → "+7 (912) 845-17-32", as a person types it.
std::string formatMobile(const std::string& ten) {
    return "+7 (" + ten.substr(0, 3) + ") " + ten.substr(3, 3) + "-" + ten.substr(6, 2) + "-" + ten.substr(8, 2);
}

} // namespace

MeterSpec drawn(MeterSpec m, Rng& r) {
    m.serial = m.serialPrefix + r.digits(m.serialDigits);
    return m;
}

std::optional<Roster> loadRoster(Tenant& t, Rng& r) {
    const std::string path = t.dir() + "/demo.lua";
    if (!Poco::File(path).exists()) return std::nullopt;
    Poco::Dynamic::Var json;
    t.withState([&](LuaState& st) {
        st.runFile(path, 1);
        json = luajson::toJson(st.L(), -1);
    });
    if (json.type() != typeid(Obj)) throw std::runtime_error("tenant '" + t.id() + "': demo.lua must return a table (demo.roster{...})");
    const Reader root{json.extract<Obj>(), t.id() + "/demo.lua"};
    Roster out;
    const Reader pl = root.sub("place");
    if (!pl.o) throw std::runtime_error(root.where + ": place is required");
    Place& p = out.place;
    p.city = pl.str("city"), p.region = pl.str("region"), p.postcode = pl.str("postcode"), p.mobileCode = pl.str("mobile_code");
    p.supplier = pl.str("supplier"), p.accountPrefix = pl.str("account_prefix"), p.contractPrefix = pl.str("contract_prefix");
    p.pointPrefix = pl.str("point_prefix"), p.streets = pl.strings("streets"), p.operatorScope = pl.str("operator_scope", "point");
    out.genericMeter = meterOf(root.sub("generic_meter"));
    out.keep = static_cast<std::size_t>(root.num("keep", 1));
    for (const auto& c : root.list("consumers")) out.consumers.push_back(consumerOf(c, p, r));
    for (const auto& o : root.list("outages")) out.outages.push_back(outageOf(o));
    const Reader names = root.sub("names");
    for (const auto& s : names.tuples("surnames"))
        if (s.size() == 3) out.names.surnames.push_back({s[0], s[1], s[2]});
    for (const auto& [key, into] : {std::pair{"male", &out.names.male}, {"female", &out.names.female}, {"patronymics", &out.names.patronymics}})
        for (const auto& s : names.tuples(key))
            if (s.size() == 2) into->emplace_back(s[0], s[1]);
    if (out.names.surnames.empty() || out.names.male.empty() || out.names.female.empty() || out.names.patronymics.empty())
        throw std::runtime_error(root.where + ": names needs surnames, male, female and patronymics");
    return out;
}

Persona generatedPerson(Tenant& t, const Roster& roster, int index, Rng& r) {
    const Place& pl = roster.place;
    const Names& n = roster.names;
    Persona p;
    const bool female = index % 2 == 0;
    const auto& sn = n.surnames[static_cast<std::size_t>(r.below(static_cast<int>(n.surnames.size())))];
    const auto& names = female ? n.female : n.male;
    const auto& fn = names[static_cast<std::size_t>(r.below(static_cast<int>(names.size())))];
    const auto& pn = n.patronymics[static_cast<std::size_t>(r.below(static_cast<int>(n.patronymics.size())))];
    p.surname = female ? sn.female : sn.male;
    p.name = fn.first;
    p.patronymic = female ? pn.second : pn.first;
    const std::string latin = sn.latin + (female ? "a" : "");
    p.email = fn.second + "." + latin + std::to_string(index) + "@example.com";
    p.username = latin + std::to_string(index);
    p.phone = formatMobile(pl.mobileCode + r.digits(7));
    const std::string snils = std::to_string(100000000 + r.below(800000000));
    const std::string inn = pl.region + r.digits(8);
    t.withState([&](LuaState& st) {
        p.snils = withCheckDigits(st, "snils", snils);
        p.inn = withCheckDigits(st, "inn12", inn);
    });
    p.fromVoronezh = true;
    p.house = std::to_string(1 + r.below(120));
    p.flat = std::to_string(1 + r.below(150));
    p.postcode = pl.postcode + std::to_string(10 + r.below(89));
    return p;
}

} // namespace kabinet::demo
