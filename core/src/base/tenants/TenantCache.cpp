#include "tenants/TenantCache.h"

#include "lua/LuaJson.h"
#include "util/Files.h"
#include "util/Log.h"

#include <Poco/DigestEngine.h>
#include <Poco/File.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace kabinet {

namespace {
constexpr const char* kMagic = "kabinet-tenant-cache 1 ";
}

std::string TenantCache::libraryKey(const std::string& scriptsDir, LuaLimits limits) {
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(scriptsDir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file() && it->path().extension() == ".lua") files.push_back(it->path().string());
    std::sort(files.begin(), files.end());
    Poco::SHA2Engine sha;
    sha.update(std::string(KABINET_VERSION) + "\n" + std::to_string(limits.memoryBytes) + "\n" +
               std::to_string(limits.instructionBudget) + "\n");
    for (const auto& f : files) {
        std::string text;
        readFile(f, text);
        sha.update(f.substr(scriptsDir.size()) + "\n");
        sha.update(std::to_string(text.size()) + "\n");
        sha.update(text);
    }
    return Poco::DigestEngine::digestToHex(sha.digest()).substr(0, 32);
}

TenantCache::TenantCache(std::string file, const std::string& scriptsDir, LuaLimits limits) : file_(std::move(file)) {
    if (file_.empty()) return;
    key_ = libraryKey(scriptsDir, limits);
    std::ifstream in(file_);
    std::string line;
    if (!in || !std::getline(in, line) || line != kMagic + key_) return; // none yet, or another library
    Poco::JSON::Parser parser;
    while (std::getline(in, line)) {
        try {
            parser.reset();
            auto a = parser.parse(line).extract<Poco::JSON::Array::Ptr>();
            TenantSummary s;
            const std::string id = a->getElement<std::string>(0);
            s.hash = a->getElement<std::string>(1);
            s.name = a->getElement<std::string>(2);
            s.shortName = a->getElement<std::string>(3);
            for (const auto& h : *a->getArray(4)) s.hosts.push_back(h.convert<std::string>());
            s.utcOffset = a->getElement<int>(5);
            s.polling = shared(a->get(6));
            s.connectors = shared(a->get(7));
            auto settings = shared(a->get(8));
            s.settings = settings.type() == typeid(Poco::JSON::Object::Ptr) ? settings.extract<Poco::JSON::Object::Ptr>()
                                                                            : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
            s.branding = a->get(9);
            read_[id] = std::move(s);
        } catch (const std::exception& e) {
            log::warn("tenant cache line ignored", {{"file", file_}, {"error", e.what()}});
        }
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
    const std::string text = luajson::stringify(value);
    auto [it, fresh] = values_.emplace(text, value);
    return it->second;
}

void TenantCache::intern(TenantSummary& summary) {
    summary.polling = shared(summary.polling);
    summary.connectors = shared(summary.connectors);
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
            for (const auto& [id, s] : written_) {
                Poco::JSON::Array::Ptr a(new Poco::JSON::Array);
                Poco::JSON::Array::Ptr hosts(new Poco::JSON::Array);
                for (const auto& h : s.hosts) hosts->add(h);
                a->add(id);
                a->add(s.hash);
                a->add(s.name);
                a->add(s.shortName);
                a->add(hosts);
                a->add(s.utcOffset);
                a->add(s.polling);
                a->add(s.connectors);
                a->add(s.settings);
                a->add(s.branding);
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
