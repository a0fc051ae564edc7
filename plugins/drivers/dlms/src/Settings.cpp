#include "Settings.h"

#include "Poco/Exception.h"
#include "Poco/JSON/Object.h"
#include "Poco/JSON/Parser.h"

#include <algorithm>
#include <optional>
#include <set>

namespace kabinet::dlms {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& key, const std::string& rule)
{
    throw sdk::ConfigError(where + ": " + key + ": " + rule);
}

/// Typed access to a JSON object's keys with key-naming errors; unknown keys are refused.
class Keys {
public:
    Keys(std::string_view json, std::string where, std::set<std::string> known) : where_(std::move(where))
    {
        Poco::Dynamic::Var root;
        try {
            root = Poco::JSON::Parser().parse(std::string(json));
        } catch (const Poco::Exception&) {
            throw sdk::ConfigError(where_ + ": not valid JSON");
        } catch (const std::exception&) {
            throw sdk::ConfigError(where_ + ": not valid JSON");
        }
        if (root.type() != typeid(Poco::JSON::Object::Ptr)) throw sdk::ConfigError(where_ + ": must be a JSON object");
        object_ = root.extract<Poco::JSON::Object::Ptr>();
        if (object_.isNull()) throw sdk::ConfigError(where_ + ": must be a JSON object");
        for (const auto& name : object_->getNames()) {
            if (!known.count(name)) {
                const bool printable = name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
                throw sdk::ConfigError(where_ + ": " + (printable ? name + ": unknown key" : std::string("an unknown key")));
            }
        }
    }

    std::optional<int> integer(const std::string& key, int min, int max) const
    {
        if (!object_->has(key)) return std::nullopt;
        const Poco::Dynamic::Var v = object_->get(key);
        const std::string rule = "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
        if (!v.isInteger() || v.isBoolean()) fail(where_, key, rule);
        std::int64_t n = 0;
        try {
            n = v.convert<std::int64_t>();
        } catch (const Poco::Exception&) {
            fail(where_, key, rule);
        }
        if (n < min || n > max) fail(where_, key, rule);
        return static_cast<int>(n);
    }

    std::optional<std::string> string(const std::string& key, std::size_t maxLength) const
    {
        if (!object_->has(key)) return std::nullopt;
        const Poco::Dynamic::Var v = object_->get(key);
        if (!v.isString()) fail(where_, key, "must be a string");
        std::string s = v.extract<std::string>();
        if (s.size() > maxLength) fail(where_, key, "must be at most " + std::to_string(maxLength) + " bytes long");
        return s;
    }

    std::optional<std::string> choice(const std::string& key, std::initializer_list<const char*> allowed) const
    {
        auto s = string(key, 64);
        if (!s) return s;
        std::string list;
        for (const char* a : allowed) {
            if (*s == a) return s;
            list += list.empty() ? std::string("\"") + a + "\"" : std::string(", \"") + a + "\"";
        }
        fail(where_, key, "must be one of " + list);
    }

private:
    std::string where_;
    Poco::JSON::Object::Ptr object_;
};

} // namespace

DriverConfig parseDriverConfig(std::string_view json)
{
    const Keys k(json, "config", {"timeout_ms", "frame_retries", "max_info", "max_pdu"});
    DriverConfig c;
    c.link.timeoutMs = static_cast<std::uint32_t>(k.integer("timeout_ms", 50, 60000).value_or(1500));
    c.link.retries = static_cast<unsigned>(k.integer("frame_retries", 0, 10).value_or(2));
    c.link.maxInfo = static_cast<std::uint32_t>(k.integer("max_info", 32, 2030).value_or(128));
    c.maxPdu = static_cast<std::uint16_t>(k.integer("max_pdu", 64, 65535).value_or(1024));
    return c;
}

MeterSettings parseMeterSettings(std::string_view json)
{
    const Keys k(json, "meter", {"server_logical", "server_physical", "address_size", "client", "password", "framing",
                                 "utc_offset_min", "deviation", "profile_timestamp"});
    MeterSettings m;
    m.wrapper = k.choice("framing", {"hdlc", "wrapper"}).value_or("hdlc") == "wrapper";
    m.addressSize = static_cast<unsigned>(k.integer("address_size", 1, 4).value_or(4));
    if (m.addressSize == 3) fail("meter", "address_size", "must be 1, 2 or 4");
    const int limit = m.addressSize == 4 ? 0x3FFF : 0x7F;
    m.serverLogical = static_cast<unsigned>(k.integer("server_logical", 0, m.wrapper ? 0xFFFF : limit).value_or(1));
    const auto physical = k.integer("server_physical", 0, limit);
    if (!m.wrapper && m.addressSize != 1 && !physical)
        fail("meter", "server_physical", "is required for HDLC with a 2- or 4-byte server address");
    m.serverPhysical = static_cast<unsigned>(physical.value_or(0));
    m.client = static_cast<unsigned>(k.integer("client", 1, 0x7F).value_or(32));
    if (m.client != 16 && m.client != 32)
        fail("meter", "client", "must be 16 (public, no password) or 32 (reader, low-level security); high-level security is not supported");
    m.password = k.string("password", 64).value_or("");
    if (m.client == 32 && m.password.empty()) fail("meter", "password", "is required for client 32 (low-level security)");
    m.utcOffsetMin = k.integer("utc_offset_min", -720, 840).value_or(180);
    const std::string deviation = k.choice("deviation", {"standard", "inverted", "ignore"}).value_or("standard");
    m.deviation = deviation == "inverted" ? DeviationMode::Inverted
                  : deviation == "ignore" ? DeviationMode::Ignore
                                          : DeviationMode::Standard;
    m.profileStampIsEnd = k.choice("profile_timestamp", {"end", "start"}).value_or("end") == "end";
    return m;
}

} // namespace kabinet::dlms
