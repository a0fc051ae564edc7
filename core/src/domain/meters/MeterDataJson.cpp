#include "meters/MeterDataJson.h"

#include "util/Error.h"

#include <Poco/JSON/Array.h>

#include <cmath>
#include <map>

namespace kabinet {

namespace {

using FieldErrors = std::map<std::string, std::string>;

/// A field of a row that is missing or of the wrong JSON type.
struct BadField {
    const char* field;
    const char* reason;
};

bool isBool(const Poco::Dynamic::Var& v) { return v.type() == typeid(bool); }

std::optional<double> num(const Poco::JSON::Object::Ptr& o, const char* k) {
    if (!o->has(k) || o->get(k).isEmpty()) return std::nullopt;
    const auto& v = o->get(k);
    if (isBool(v) || !v.isNumeric()) throw BadField{k, "Ожидается число"};
    return v.convert<double>();
}

std::string str(const Poco::JSON::Object::Ptr& o, const char* k, const std::string& def = "") {
    if (!o->has(k) || o->get(k).isEmpty()) return def;
    if (!o->get(k).isString()) throw BadField{k, "Ожидается строка"};
    return o->getValue<std::string>(k);
}

std::string meter(const Poco::JSON::Object::Ptr& o) {
    if (!o->has("meter_id") || o->get("meter_id").isEmpty()) throw BadField{"meter_id", "Укажите прибор учёта"};
    if (!o->get("meter_id").isString()) throw BadField{"meter_id", "Ожидается строка"};
    return o->getValue<std::string>("meter_id");
}

long long ts(const Poco::JSON::Object::Ptr& o, const char* k) {
    if (!o->has(k) || o->get(k).isEmpty()) throw BadField{k, "Укажите время (секунды Unix, UTC)"};
    const auto& v = o->get(k);
    if (isBool(v) || !v.isInteger()) throw BadField{k, "Ожидается целое число секунд Unix"};
    return v.convert<long long>();
}

} // namespace

MeterDataBatch meterDataFromJson(const Poco::JSON::Object::Ptr& b) {
    MeterDataBatch out;
    std::size_t count = 0;
    auto list = [&](const char* key) -> Poco::JSON::Array::Ptr {
        if (!b->has(key) || b->get(key).isEmpty()) return nullptr;
        if (b->get(key).type() != typeid(Poco::JSON::Array::Ptr)) throw Unprocessable(FieldErrors{{key, "Ожидается список"}});
        auto a = b->getArray(key);
        count += a->size();
        if (count > 100000) throw Unprocessable(FieldErrors{{key, "Не более 100000 записей в одном пакете"}});
        return a;
    };
    auto each = [&](const char* key, auto fn) {
        auto a = list(key);
        if (!a) return;
        for (std::size_t i = 0; i < a->size(); ++i) {
            const std::string row = std::string(key) + "[" + std::to_string(i) + "]";
            if (a->get(static_cast<unsigned>(i)).type() != typeid(Poco::JSON::Object::Ptr))
                throw Unprocessable(FieldErrors{{row, "Ожидается объект"}});
            try {
                fn(a->getObject(static_cast<unsigned>(i)));
            } catch (const BadField& e) {
                throw Unprocessable(FieldErrors{{row + "." + e.field, e.reason}});
            } catch (const Poco::Exception&) {
                throw Unprocessable(FieldErrors{{row, "Некорректная запись"}});
            }
        }
    };
    each("readings", [&](const Poco::JSON::Object::Ptr& o) {
        out.readings.push_back({meter(o), ts(o, "ts"), str(o, "kind", "latest"), str(o, "energy", "A+"), num(o, "total"), num(o, "t1"),
                                num(o, "t2"), num(o, "t3"), num(o, "t4"), str(o, "source", "driver")});
    });
    each("profile", [&](const Poco::JSON::Object::Ptr& o) {
        const auto interval = num(o, "interval_min").value_or(30);
        if (interval != std::floor(interval) || interval < 1 || interval > 1440) throw BadField{"interval_min", "Ожидается целое число минут"};
        out.profile.push_back({meter(o), ts(o, "ts"), static_cast<int>(interval), num(o, "p_plus"), num(o, "p_minus"), num(o, "q_plus"),
                               num(o, "q_minus")});
    });
    each("params", [&](const Poco::JSON::Object::Ptr& o) {
        out.params.push_back({meter(o), ts(o, "ts"), str(o, "phase", "S"), num(o, "voltage"), num(o, "current"), num(o, "p"), num(o, "q"),
                              num(o, "s"), num(o, "pf"), num(o, "frequency"), num(o, "angle")});
    });
    each("events", [&](const Poco::JSON::Object::Ptr& o) {
        std::optional<long long> end;
        if (o->has("ts_end") && !o->get("ts_end").isEmpty()) end = ts(o, "ts_end");
        if (o->has("tamper") && !o->get("tamper").isEmpty() && !isBool(o->get("tamper"))) throw BadField{"tamper", "Ожидается true или false"};
        out.events.push_back({meter(o), ts(o, "ts_start"), str(o, "code"), str(o, "category"), str(o, "severity", "info"), str(o, "text"), end,
                              o->optValue<bool>("tamper", false)});
    });
    return out;
}

} // namespace kabinet
