#include "meters/RowJson.h"

#include "storage/RowValues.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace kabinet::rowjson {

Poco::Dynamic::Var number(const std::optional<double>& v) {
    if (!v) return Poco::Dynamic::Var();
    return std::round(*v * 1000.0) / 1000.0;
}

Poco::Dynamic::Var text(const std::string& v) { return v.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v); }

Poco::JSON::Array::Ptr rows(soci::session& s, const std::string& sql, const std::vector<std::string>& names,
                            const std::vector<std::string>& numeric, const std::vector<std::string>& params) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    soci::rowset<soci::row> rs = [&]() -> soci::rowset<soci::row> {
        switch (params.size()) {
        case 0: return s.prepare << sql;
        case 1: return s.prepare << sql, soci::use(params[0]);
        case 2: return s.prepare << sql, soci::use(params[0]), soci::use(params[1]);
        case 3: return s.prepare << sql, soci::use(params[0]), soci::use(params[1]), soci::use(params[2]);
        default: throw std::invalid_argument("rowjson::rows takes at most three parameters");
        }
    }();
    for (const auto& r : rs) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (std::find(numeric.begin(), numeric.end(), names[i]) != numeric.end()) o->set(names[i], number(columnReal(r, i)));
            else o->set(names[i], text(columnText(r, i)));
        }
        out->add(o);
    }
    return out;
}

} // namespace kabinet::rowjson
