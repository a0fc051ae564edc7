#include "backup/Manifest.h"

#include "backup/BackupError.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <set>
#include <sstream>

namespace kabinet::backup {

namespace {

constexpr const char* kFormat = "kabinet-backup";

Poco::JSON::Object::Ptr objectAt(const Poco::JSON::Array::Ptr& a, std::size_t i, const std::string& where) {
    auto o = a->getObject(static_cast<unsigned>(i));
    if (!o) throw BackupError("manifest.json: " + where + "[" + std::to_string(i) + "] is not an object");
    return o;
}

std::string text(const Poco::JSON::Object::Ptr& o, const std::string& name, const std::string& where) {
    if (!o->has(name) || !o->get(name).isString()) throw BackupError("manifest.json: " + where + name + " is missing or not a string");
    return o->getValue<std::string>(name);
}

long long whole(const Poco::JSON::Object::Ptr& o, const std::string& name, const std::string& where) {
    if (!o->has(name) || !o->get(name).isInteger()) throw BackupError("manifest.json: " + where + name + " is missing or not a whole number");
    const long long v = o->getValue<long long>(name);
    if (v < 0) throw BackupError("manifest.json: " + where + name + " is negative");
    return v;
}

bool isHex64(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

} // namespace

bool safeRelativePath(const std::string& path) {
    if (path.empty() || path.front() == '/' || path.back() == '/') return false;
    for (unsigned char c : path)
        if (c < 0x20 || c == 0x7f || c == '\\') return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        const std::string seg = path.substr(start, end - start);
        if (seg.empty() || seg == "." || seg == "..") return false;
        start = end + 1;
    }
    return true;
}

std::string Manifest::toJson() const {
    Poco::JSON::Object::Ptr root = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    root->set("format", kFormat);
    root->set("format_version", formatVersion);
    root->set("kabinet_version", kabinetVersion);
    root->set("backend", backend);
    root->set("schema_version", schemaVersion);
    root->set("created_at", createdAt);
    root->set("created_at_unix", createdAtUnix);
    Poco::JSON::Array::Ptr dbs = new Poco::JSON::Array;
    for (const auto& d : databases) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("name", d.name);
        o->set("file", d.file);
        o->set("schema_version", d.schemaVersion);
        if (!d.tenants.empty()) {
            Poco::JSON::Array::Ptr held = new Poco::JSON::Array;
            for (const auto& t : d.tenants) held->add(t);
            o->set("tenants", held);
        }
        dbs->add(o);
    }
    root->set("databases", dbs);
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    for (const auto& f : files) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("path", f.path);
        o->set("kind", f.kind);
        o->set("size", static_cast<Poco::UInt64>(f.size));
        o->set("sha256", f.sha256);
        list->add(o);
    }
    root->set("files", list);
    std::ostringstream out;
    root->stringify(out, 2);
    out << "\n";
    return out.str();
}

Manifest Manifest::parse(const std::string& body) {
    Poco::JSON::Object::Ptr root;
    try {
        root = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        throw BackupError("manifest.json is not a JSON object (the backup is damaged or not a Kabinet backup)");
    }
    if (!root->has("format") || root->optValue<std::string>("format", "") != kFormat)
        throw BackupError("manifest.json is not a Kabinet backup manifest (\"format\" is not \"" + std::string(kFormat) + "\")");
    Manifest m;
    m.formatVersion = static_cast<int>(whole(root, "format_version", ""));
    if (m.formatVersion < 1 || m.formatVersion > kFormatVersion)
        throw BackupError("the backup has format version " + std::to_string(m.formatVersion) + "; this kabinet reads versions 1 to " +
                          std::to_string(kFormatVersion) + " (restore it with a newer kabinet)");
    m.kabinetVersion = root->optValue<std::string>("kabinet_version", "");
    m.backend = text(root, "backend", "");
    if (m.backend != "sqlite" && m.backend != "postgresql")
        throw BackupError("manifest.json: backend must be \"sqlite\" or \"postgresql\", got \"" + m.backend + "\"");
    m.schemaVersion = static_cast<int>(whole(root, "schema_version", ""));
    m.createdAt = text(root, "created_at", "");
    m.createdAtUnix = whole(root, "created_at_unix", "");
    auto files = root->getArray("files");
    if (!files) throw BackupError("manifest.json: files is missing or not a list");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < files->size(); ++i) {
        const std::string where = "files[" + std::to_string(i) + "].";
        auto o = objectAt(files, i, "files");
        ManifestFile f;
        f.path = text(o, "path", where);
        if (!safeRelativePath(f.path) || f.path == "manifest.json")
            throw BackupError("manifest.json: " + where + "path \"" + f.path + "\" is not a plain path inside the backup folder");
        if (!seen.insert(f.path).second) throw BackupError("manifest.json: " + f.path + " is listed twice");
        f.kind = text(o, "kind", where);
        if (f.kind != "database" && f.kind != "secret-key" && f.kind != "data")
            throw BackupError("manifest.json: " + where + "kind must be database, secret-key or data, got \"" + f.kind + "\"");
        if (f.kind == "data" && f.path.rfind("data/", 0) != 0) throw BackupError("manifest.json: data file " + f.path + " is not under data/");
        f.size = static_cast<std::uint64_t>(whole(o, "size", where));
        f.sha256 = text(o, "sha256", where);
        if (!isHex64(f.sha256)) throw BackupError("manifest.json: " + where + "sha256 is not 64 lowercase hex digits");
        m.files.push_back(f);
    }
    auto dbs = root->getArray("databases");
    if (!dbs || dbs->size() == 0) throw BackupError("manifest.json: databases is missing or empty");
    std::set<std::string> names;
    for (std::size_t i = 0; i < dbs->size(); ++i) {
        const std::string where = "databases[" + std::to_string(i) + "].";
        auto o = objectAt(dbs, i, "databases");
        ManifestDatabase d;
        d.name = text(o, "name", where);
        d.file = text(o, "file", where);
        d.schemaVersion = static_cast<int>(whole(o, "schema_version", where));
        if (auto held = o->getArray("tenants"))
            for (std::size_t t = 0; t < held->size(); ++t) {
                const auto v = held->get(t);
                if (!v.isString() || v.extract<std::string>().empty())
                    throw BackupError("manifest.json: " + where + "tenants[" + std::to_string(t) + "] is not a tenant id");
                d.tenants.push_back(v.extract<std::string>());
            }
        if (d.name == "main" && !d.tenants.empty()) throw BackupError("manifest.json: the main database lists tenants of its own");
        if (d.name != "main" && d.tenants.empty()) throw BackupError("manifest.json: " + where + "tenants is missing or empty");
        const ManifestFile* f = m.find(d.file);
        if (!f || f->kind != "database") throw BackupError("manifest.json: database " + d.name + " names " + d.file + ", which is not a listed database file");
        if (!names.insert(d.name).second) throw BackupError("manifest.json: database " + d.name + " is listed twice");
        m.databases.push_back(d);
    }
    if (!names.count("main")) throw BackupError("manifest.json: there is no \"main\" database");
    return m;
}

const ManifestFile* Manifest::find(const std::string& path) const {
    for (const auto& f : files)
        if (f.path == path) return &f;
    return nullptr;
}

} // namespace kabinet::backup
