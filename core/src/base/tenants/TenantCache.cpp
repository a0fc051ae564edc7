#include "tenants/TenantCache.h"

#include "lua/LuaJson.h"
#include "util/Crypto.h"
#include "util/Files.h"
#include "util/HashMix.h"
#include "util/Log.h"

#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace kabinet {

namespace {
// Version 2: the JSON values of summaries (polling, connectors, settings, cases, notifications) are written
// once each, in lines ["v", value], and tenants' lines name them by their order: copies of a tenant differ in
// little more than names and hosts.
constexpr const char* kMagic = "kabinet-tenant-cache 2 ";

/// The values of a summary that copies of a tenant share, in the order of the file.
std::vector<Poco::Dynamic::Var*> sharedValues(TenantSummary& s) {
    return {&s.polling, &s.connectors, &s.caseKinds, &s.caseGroups, &s.caseRegisters, &s.notifications};
}

constexpr auto mix = hashMix;

/// A hash of a JSON value's content (objects' keys in their order, which is sorted).
std::uint64_t contentHash(const Poco::Dynamic::Var& v) {
    if (v.isEmpty()) return 1;
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        std::uint64_t h = 2;
        for (const auto& [k, x] : *v.extract<Poco::JSON::Object::Ptr>()) h = mix(mix(h, std::hash<std::string>{}(k)), contentHash(x));
        return h;
    }
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
        std::uint64_t h = 3;
        for (const auto& x : *v.extract<Poco::JSON::Array::Ptr>()) h = mix(h, contentHash(x));
        return h;
    }
    if (v.type() == typeid(std::string)) return mix(4, std::hash<std::string>{}(v.extract<std::string>()));
    return mix(std::hash<std::string>{}(v.type().name()), std::hash<std::string>{}(v.convert<std::string>()));
}

/// Whether two JSON values are equal in content (and in the types of their scalars).
bool sameContent(const Poco::Dynamic::Var& a, const Poco::Dynamic::Var& b) {
    if (a.isEmpty() || b.isEmpty()) return a.isEmpty() && b.isEmpty();
    if (a.type() != b.type()) return false;
    if (a.type() == typeid(Poco::JSON::Object::Ptr)) {
        const auto x = a.extract<Poco::JSON::Object::Ptr>(), y = b.extract<Poco::JSON::Object::Ptr>();
        if (x.get() == y.get()) return true;
        if (x->size() != y->size()) return false;
        for (auto i = x->begin(), j = y->begin(); i != x->end(); ++i, ++j)
            if (i->first != j->first || !sameContent(i->second, j->second)) return false;
        return true;
    }
    if (a.type() == typeid(Poco::JSON::Array::Ptr)) {
        const auto x = a.extract<Poco::JSON::Array::Ptr>(), y = b.extract<Poco::JSON::Array::Ptr>();
        if (x.get() == y.get()) return true;
        if (x->size() != y->size()) return false;
        for (unsigned i = 0; i < x->size(); ++i)
            if (!sameContent(x->get(i), y->get(i))) return false;
        return true;
    }
    if (a.type() == typeid(std::string)) return a.extract<std::string>() == b.extract<std::string>();
    return a.convert<std::string>() == b.convert<std::string>();
}

} // namespace

std::string TenantCache::libraryKey(const std::string& scriptsDir, LuaLimits limits) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(scriptsDir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".lua") files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    std::string all = std::string(KABINET_VERSION) + "\n" + std::to_string(limits.memoryBytes) + "\n" +
                      std::to_string(limits.instructionBudget) + "\n";
    for (const auto& f : files) {
        std::string text;
        readFile(f, text);
        all += f.substr(scriptsDir.size()) + "\n";
        all += std::to_string(text.size()) + "\n";
        all += text;
    }
    return crypto::sha256Hex(all).substr(0, 32);
}

TenantCache::TenantCache(std::string file, const std::string& scriptsDir, LuaLimits limits) : file_(std::move(file)) {
    if (file_.empty()) return;
    key_ = libraryKey(scriptsDir, limits);
    std::ifstream in(file_);
    std::string line;
    if (!in || !std::getline(in, line) || line != kMagic + key_) return; // none yet, or another library or version
    Poco::JSON::Parser parser;
    std::vector<Poco::Dynamic::Var> values;
    try {
        while (std::getline(in, line)) {
            parser.reset();
            auto a = parser.parse(line).extract<Poco::JSON::Array::Ptr>();
            if (a->getElement<std::string>(0) == "v") {
                values.push_back(a->get(1));
                continue;
            }
            TenantSummary s;
            const std::string id = a->getElement<std::string>(1);
            s.hash = a->getElement<std::string>(2);
            s.name = a->getElement<std::string>(3);
            s.shortName = a->getElement<std::string>(4);
            for (const auto& h : *a->getArray(5)) s.hosts.push_back(h.convert<std::string>());
            s.utcOffset = a->getElement<int>(6);
            s.branding = a->get(7);
            auto refs = a->getArray(8);
            auto value = [&](std::size_t i) { return values.at(refs->getElement<std::size_t>(static_cast<unsigned>(i))); };
            const auto settings = value(0);
            s.settings = settings.type() == typeid(Poco::JSON::Object::Ptr) ? settings.extract<Poco::JSON::Object::Ptr>()
                                                                            : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
            const auto slots = sharedValues(s);
            for (std::size_t i = 0; i < slots.size(); ++i) *slots[i] = value(i + 1);
            read_[id] = std::move(s);
        }
    } catch (const std::exception& e) { // a damaged file: whatever it held is checked again
        log::warn("tenant cache ignored", {{"file", file_}, {"error", e.what()}});
        read_.clear();
    }
}

const TenantSummary* TenantCache::find(const std::string& id, const std::string& hash) const {
    auto it = read_.find(id);
    return it != read_.end() && it->second.hash == hash ? &it->second : nullptr;
}

void TenantCache::put(const std::string& id, const TenantSummary& summary) {
    if (!file_.empty()) written_[id] = summary;
}

Poco::Dynamic::Var TenantCache::shared(const Poco::Dynamic::Var& value) {
    const std::uint64_t h = contentHash(value); // outside the lock: callers run on several threads
    std::lock_guard<std::mutex> lock(mutex_);
    auto& candidates = values_[h];
    for (const auto& c : candidates)
        if (sameContent(c, value)) return c;
    candidates.push_back(value);
    return value;
}

void TenantCache::intern(TenantSummary& summary) {
    for (auto* v : sharedValues(summary)) *v = shared(*v);
    auto settings = shared(Poco::Dynamic::Var(summary.settings));
    if (settings.type() == typeid(Poco::JSON::Object::Ptr)) summary.settings = settings.extract<Poco::JSON::Object::Ptr>();
}

void TenantCache::save() const {
    if (file_.empty()) return;
    try {
        const std::string tmp = file_ + ".tmp." + std::to_string(::getpid());
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(file_).parent_path(), ec);
        {
            std::ofstream out(tmp, std::ios::trunc);
            out << kMagic << key_ << "\n";
            std::unordered_map<std::string, std::size_t> written; // value identity → its order in the file
            auto ref = [&](const Poco::Dynamic::Var& v) {
                auto [it, fresh] = written.emplace(luajson::identity(v), written.size());
                if (fresh) {
                    Poco::JSON::Array::Ptr line(new Poco::JSON::Array);
                    line->add("v");
                    line->add(v);
                    out << luajson::stringify(line) << "\n";
                }
                return it->second;
            };
            for (const auto& [id, summary] : written_) {
                TenantSummary s = summary;
                Poco::JSON::Array::Ptr refs(new Poco::JSON::Array);
                refs->add(ref(Poco::Dynamic::Var(s.settings)));
                for (auto* v : sharedValues(s)) refs->add(ref(*v));
                Poco::JSON::Array::Ptr hosts(new Poco::JSON::Array);
                for (const auto& h : s.hosts) hosts->add(h);
                Poco::JSON::Array::Ptr a(new Poco::JSON::Array);
                a->add("t");
                a->add(id);
                a->add(s.hash);
                a->add(s.name);
                a->add(s.shortName);
                a->add(hosts);
                a->add(s.utcOffset);
                a->add(s.branding);
                a->add(refs);
                out << luajson::stringify(a) << "\n";
            }
            out.flush();
            if (!out) throw std::runtime_error("cannot write " + tmp);
        }
        std::filesystem::rename(tmp, file_);
    } catch (const std::exception& e) {
        log::warn("tenant cache not written", {{"file", file_}, {"error", e.what()}});
    }
}

} // namespace kabinet
