#include "notify/NotificationKinds.h"

#include "lua/LuaJson.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <mutex>

namespace kabinet {

namespace {
using Obj = Poco::JSON::Object::Ptr;

std::string text(const Obj& o, const std::string& k) {
    return o && o->has(k) && !o->get(k).isEmpty() ? o->get(k).convert<std::string>() : std::string();
}
bool flag(const Obj& o, const std::string& k, bool fallback) {
    return o && o->has(k) && o->get(k).isBoolean() ? o->get(k).convert<bool>() : fallback;
}
std::vector<Obj> objects(const Obj& o, const std::string& k) {
    std::vector<Obj> out;
    if (!o || !o->has(k) || o->get(k).type() != typeid(Poco::JSON::Array::Ptr)) return out;
    for (const auto& v : *o->getArray(k))
        if (v.type() == typeid(Obj)) out.push_back(v.extract<Obj>());
    return out;
}

std::shared_ptr<const NotificationKinds> read(Tenant& t) {
    const auto& v = t.summary().notifications; // computed by the tenant's check: no Lua runs here
    if (v.type() != typeid(Obj)) throw LuaError("tenant '" + t.id() + "': notifications() did not return a table");
    const Obj o = v.extract<Obj>();
    auto out = std::make_shared<NotificationKinds>();
    for (const auto& c : objects(o, "categories"))
        out->categories.push_back({text(c, "id"), text(c, "label"), flag(c, "default", true), flag(c, "staff", false)});
    for (const auto& c : objects(o, "channels")) out->channels.push_back({text(c, "id"), text(c, "label")});
    for (const auto& k : objects(o, "kinds")) {
        NotificationKind kind{text(k, "id"), text(k, "label"), text(k, "category"), text(k, "severity"),
                              text(k, "title"), text(k, "body"), {}};
        if (k->has("channels") && k->get("channels").type() == typeid(Poco::JSON::Array::Ptr))
            for (const auto& ch : *k->getArray("channels")) kind.channels.push_back(ch.convert<std::string>());
        if (kind.severity.empty()) kind.severity = "info";
        out->kinds[kind.id] = std::move(kind);
    }
    out->digestDefault = flag(o, "digest", false);
    out->digestHour = o->has("digest_hour") ? o->get("digest_hour").convert<int>() : 8;
    return out;
}

bool isNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

void replaceAll(std::string& s, const std::string& from, const std::string& to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p)) s.replace(p, from.size(), to);
}

/// Tidies what a left-out placeholder leaves: doubled spaces, a space before punctuation, empty brackets or
/// quotes, a separator before the end of a sentence.
std::string tidy(std::string s) {
    for (bool changed = true; changed;) {
        const std::string before = s;
        replaceAll(s, "  ", " ");
        for (const char* p : {" .", " ,", " :", " ;", " )", "( ", "«»", "« »", "()", ",.", ":.", ";.", ", ,", ",,", ": ,", "№ ,", "№ .", " №)", "№,", "№."}) {
            std::string from = p, to;
            if (from == " ." || from == ",." || from == ":." || from == ";.") to = ".";
            else if (from == " ," || from == ", ," || from == ",," || from == ": ,") to = ",";
            else if (from == " :") to = ":";
            else if (from == " ;") to = ";";
            else if (from == " )" || from == " №)") to = ")";
            else if (from == "( ") to = "(";
            else if (from == "№ ," || from == "№,") to = ",";
            else if (from == "№ ." || from == "№.") to = ".";
            replaceAll(s, from, to);
        }
        changed = s != before;
    }
    const auto a = s.find_first_not_of(" ,:;");
    if (a == std::string::npos) return "";
    s = s.substr(a);
    while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == ':' || s.back() == ';')) s.pop_back();
    return s;
}
} // namespace

bool NotificationKind::uses(const std::string& channel) const {
    return std::find(channels.begin(), channels.end(), channel) != channels.end();
}

const NotificationKind* NotificationKinds::kind(const std::string& id) const {
    auto it = kinds.find(id);
    return it == kinds.end() ? nullptr : &it->second;
}

const NotificationCategory* NotificationKinds::category(const std::string& id) const {
    for (const auto& c : categories)
        if (c.id == id) return &c;
    return nullptr;
}

bool NotificationKinds::offers(const std::string& channel) const {
    for (const auto& c : channels)
        if (c.id == channel) return true;
    return false;
}

std::shared_ptr<const NotificationKinds> NotificationKinds::of(Tenant& t) {
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<const NotificationKinds>> cache; // tenant id + script hash
    const std::string key = t.id() + "\n" + t.configHash();
    {
        std::lock_guard<std::mutex> lock(mutex);
        auto it = cache.find(key);
        if (it != cache.end()) return it->second;
    }
    // Copies of one declaration share the summary's object, and so one parsed value; the entry keeps the object,
    // so its address stays its own.
    static std::map<std::string, std::pair<Poco::Dynamic::Var, std::shared_ptr<const NotificationKinds>>> shared;
    const auto& v = t.summary().notifications;
    const std::string identity = luajson::identity(v);
    std::shared_ptr<const NotificationKinds> fresh;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (auto it = shared.find(identity); it != shared.end()) fresh = it->second.second;
    }
    if (!fresh) {
        fresh = read(t);
        std::lock_guard<std::mutex> lock(mutex);
        fresh = shared.try_emplace(identity, v, fresh).first->second.second;
    }
    std::lock_guard<std::mutex> lock(mutex);
    for (auto it = cache.begin(); it != cache.end();)
        it = it->first.rfind(t.id() + "\n", 0) == 0 ? cache.erase(it) : std::next(it);
    cache[key] = fresh;
    return fresh;
}

namespace {
/// Fills the placeholders of `part` (no brackets); `missing` tells whether one had no value.
std::string fillPart(const std::string& part, const std::map<std::string, std::string>& values, bool& missing) {
    std::string out;
    for (std::size_t i = 0; i < part.size();) {
        if (part[i] == '{') {
            std::size_t j = i + 1;
            while (j < part.size() && isNameChar(part[j])) ++j;
            if (j < part.size() && part[j] == '}' && j > i + 1) {
                auto it = values.find(part.substr(i + 1, j - i - 1));
                if (it != values.end() && !it->second.empty()) out += it->second;
                else missing = true;
                i = j + 1;
                continue;
            }
        }
        out += part[i++];
    }
    return out;
}
} // namespace

std::string fillTemplate(const std::string& templ, const std::map<std::string, std::string>& values) {
    std::string out;
    bool missing = false;
    for (std::size_t i = 0; i < templ.size();) {
        const std::size_t open = templ.find('[', i);
        const std::size_t close = open == std::string::npos ? std::string::npos : templ.find(']', open);
        if (close == std::string::npos) {
            out += fillPart(templ.substr(i), values, missing);
            break;
        }
        out += fillPart(templ.substr(i, open - i), values, missing);
        bool groupMissing = false;
        const std::string group = fillPart(templ.substr(open + 1, close - open - 1), values, groupMissing);
        if (!groupMissing) out += group;
        i = close + 1;
    }
    return missing ? tidy(out) : out;
}

} // namespace kabinet
