#include "connectors/FileImports.h"
#include "connectors/RecordJson.h"

#include "connectors/ConnectorHub.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/TemporaryFile.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

namespace kabinet {

namespace {
using recordjson::stringify;

using Obj = Poco::JSON::Object::Ptr;

Poco::Dynamic::Var parse(const std::string& text, const char* fallback) {
    try {
        return Poco::JSON::Parser().parse(text.empty() ? fallback : text);
    } catch (const Poco::Exception&) {
        return Poco::JSON::Parser().parse(fallback);
    }
}

std::string text(const Obj& o, const char* key) {
    if (!o->has(key) || o->get(key).isEmpty()) return "";
    return o->get(key).convert<std::string>();
}

long long number(const Obj& o, const char* key) {
    if (!o->has(key) || o->get(key).isEmpty() || !o->get(key).isNumeric()) return 0;
    return o->get(key).convert<long long>();
}

constexpr const char* kColumns =
    "file_id, name, sha256, size, source, received_at, day, state, reason, values_total, values_accepted, values_duplicate, "
    "unknown_json, malformed_json";

FileResult fromRow(const soci::row& r) {
    FileResult f;
    f.fileId = columnText(r, 0);
    f.name = columnText(r, 1);
    f.sha256 = columnText(r, 2);
    f.size = columnInteger(r, 3);
    f.source = columnText(r, 4);
    f.receivedAt = columnInteger(r, 5);
    f.day = columnText(r, 6);
    f.state = columnText(r, 7);
    f.reason = columnText(r, 8);
    f.valuesTotal = columnInteger(r, 9);
    f.valuesAccepted = columnInteger(r, 10);
    f.valuesDuplicate = columnInteger(r, 11);
    auto unknown = parse(columnText(r, 12), "[]").extract<Poco::JSON::Array::Ptr>();
    for (const auto& u : *unknown) f.unknownCodes.push_back(u.convert<std::string>());
    auto malformed = parse(columnText(r, 13), "[]").extract<Poco::JSON::Array::Ptr>();
    for (const auto& m : *malformed) {
        auto o = m.extract<Obj>();
        f.malformed.emplace_back(text(o, "code"), text(o, "reason"));
    }
    return f;
}

} // namespace

FileImports::FileImports(Database& db, ConnectorHub& hub) : db_(db), hub_(hub) {
    hub_.handle("file", [this](soci::session& s, const SyncContext& c, const Obj& file) { record(s, c, file); });
}

void FileImports::record(soci::session& s, const SyncContext& context, const Obj& file) {
    const std::string tenantId = context.tenant.id(), connectorId = context.connectorId;
    std::string fileId = text(file, "ref");
    if (fileId.empty()) fileId = crypto::randomToken(12);
    const std::string sha = text(file, "sha256"), day = text(file, "day");
    std::string source = text(file, "source");
    if (source != "upload") source = "drop_folder";
    std::string state = text(file, "state") == "malformed" ? "malformed" : "accepted";
    std::string reason = text(file, "reason");
    long long total = 0, accepted = 0, duplicate = 0;
    Poco::JSON::Array::Ptr unknown = new Poco::JSON::Array;
    Poco::JSON::Array::Ptr malformed = file->has("malformed") && file->getArray("malformed") ? file->getArray("malformed")
                                                                                               : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
    Obj codes = file->has("codes") && file->getObject("codes") ? file->getObject("codes") : Obj(new Poco::JSON::Object);
    if (state != "malformed") {
        // the same bytes imported before (and not refused)
        int sameBytes = 0;
        s << "SELECT COUNT(*) FROM connector_files WHERE tenant_id = :t AND connector_id = :c AND sha256 = :h AND state <> 'malformed'",
            soci::use(tenantId), soci::use(connectorId), soci::use(sha), soci::into(sameBytes);
        // what earlier files of the day carried for each point: code → digests
        std::map<std::string, std::set<std::string>> earlier;
        {
            soci::rowset<soci::row> rs = (s.prepare << "SELECT codes_json FROM connector_files WHERE tenant_id = :t AND connector_id = :c "
                                                       "AND day = :d AND state <> 'malformed'",
                                          soci::use(tenantId), soci::use(connectorId), soci::use(day));
            for (const auto& r : rs) {
                auto o = parse(columnText(r, 0), "{}").extract<Obj>();
                for (const auto& [code, v] : *o)
                    if (v.type() == typeid(Obj)) earlier[code].insert(text(v.extract<Obj>(), "digest"));
            }
        }
        for (const auto& [code, v] : *codes) {
            if (v.type() != typeid(Obj)) continue;
            const auto c = v.extract<Obj>();
            const long long values = number(c, "values");
            total += values;
            std::string meter;
            soci::indicator ind = soci::i_null;
            s << "SELECT meter_id FROM connector_devices WHERE tenant_id = :t AND connector_id = :c AND device_key = :k",
                soci::use(tenantId), soci::use(connectorId), soci::use(code), soci::into(meter, ind);
            if (!s.got_data() || ind != soci::i_ok) {
                unknown->add(code);
                continue;
            }
            auto it = earlier.find(code);
            if (sameBytes > 0 || (it != earlier.end() && it->second.count(text(c, "digest")))) duplicate += values;
            else accepted += values;
        }
        if (codes->size() == 0 && malformed->size() > 0) {
            state = "malformed";
            reason = "ни одна точка измерения файла не прочитана";
        } else if (sameBytes > 0) {
            state = "duplicate";
        } else if (unknown->size() > 0 || malformed->size() > 0) {
            state = "partial";
        } else if (accepted == 0 && duplicate > 0) {
            state = "duplicate";
        }
    }
    const long long size = number(file, "size");
    const std::string unknownJson = stringify(unknown), malformedJson = stringify(malformed), codesJson = stringify(codes);
    const std::string name = text(file, "name").substr(0, 255);
    s << "INSERT INTO connector_files (tenant_id, connector_id, file_id, name, sha256, size, source, received_at, day, state, reason, "
         "values_total, values_accepted, values_duplicate, unknown_json, malformed_json, codes_json) VALUES (:t, :c, :f, :n, :h, :z, :s, "
         ":r, :d, :st, :re, :vt, :va, :vd, :u, :m, :cj)",
        soci::use(tenantId), soci::use(connectorId), soci::use(fileId), soci::use(name), soci::use(sha), soci::use(size), soci::use(source),
        soci::use(context.now), soci::use(day), soci::use(state), soci::use(reason), soci::use(total), soci::use(accepted),
        soci::use(duplicate), soci::use(unknownJson), soci::use(malformedJson), soci::use(codesJson);
}

FileResult FileImports::load(soci::session& s, const std::string& tenantId, const std::string& connectorId, const std::string& fileId) const {
    soci::rowset<soci::row> rs = (s.prepare << std::string("SELECT ") + kColumns +
                                                   " FROM connector_files WHERE tenant_id = :t AND connector_id = :c AND file_id = :f",
                                  soci::use(tenantId), soci::use(connectorId), soci::use(fileId));
    for (const auto& r : rs) return fromRow(r);
    throw NotFound("file_not_found", "Файл не найден");
}

std::vector<FileResult> FileImports::upload(const Tenant& t, const std::string& connectorId, const std::vector<UploadedFile>& files,
                                            const std::string& userId, long long now) {
    if (!hub_.connector(t, connectorId)) throw NotFound("connector_not_found", "Такого обмена данными нет");
    hub_.instance(t, connectorId); // 503 when it is not ready
    std::vector<FileResult> out;
    for (const auto& f : files) {
        const std::string fileId = crypto::randomToken(12);
        const std::string sha = crypto::sha256Hex(std::string(f.bytes));
        std::string name = f.name.empty() ? "file.xml" : f.name.substr(0, 255);
        // the same bytes imported before: recorded as a duplicate, nothing runs
        std::optional<FileResult> before;
        db_.read([&](soci::session& s) {
            soci::rowset<soci::row> rs = (s.prepare << std::string("SELECT ") + kColumns +
                                                           " FROM connector_files WHERE tenant_id = :t AND connector_id = :c AND sha256 = :h "
                                                           "AND state <> 'malformed' ORDER BY received_at LIMIT 1",
                                          soci::use(t.id()), soci::use(connectorId), soci::use(sha));
            for (const auto& r : rs) before = fromRow(r);
        });
        if (before) {
            db_.transaction([&](soci::session& s) {
                const long long size = static_cast<long long>(f.bytes.size());
                const long long values = before->valuesTotal, dup = before->valuesAccepted + before->valuesDuplicate;
                s << "INSERT INTO connector_files (tenant_id, connector_id, file_id, name, sha256, size, source, received_at, day, state, "
                     "values_total, values_duplicate, unknown_json, malformed_json, uploaded_by) SELECT tenant_id, connector_id, :f, :n, "
                     "sha256, :z, 'upload', :r, day, 'duplicate', :vt, :vd, unknown_json, malformed_json, :u FROM connector_files WHERE "
                     "tenant_id = :t AND connector_id = :c AND file_id = :b",
                    soci::use(fileId), soci::use(name), soci::use(size), soci::use(now), soci::use(values), soci::use(dup), soci::use(userId),
                    soci::use(t.id()), soci::use(connectorId), soci::use(before->fileId);
            });
        } else {
            Poco::TemporaryFile temp;
            {
                std::ofstream o(temp.path(), std::ios::binary);
                o.write(f.bytes.data(), static_cast<std::streamsize>(f.bytes.size()));
                if (!o) throw Unavailable("storage_unavailable", "Не удалось сохранить файл для чтения");
            }
            Poco::JSON::Object input;
            input.set("file", temp.path());
            input.set("name", name);
            input.set("source", "upload");
            input.set("ref", fileId);
            const SyncOutcome outcome = hub_.run(t, connectorId, "tenant", "import_file", stringify(input), now);
            bool recorded = false;
            db_.transaction([&](soci::session& s) {
                int n = 0;
                s << "SELECT COUNT(*) FROM connector_files WHERE tenant_id = :t AND connector_id = :c AND file_id = :f", soci::use(t.id()),
                    soci::use(connectorId), soci::use(fileId), soci::into(n);
                recorded = n > 0;
                if (recorded) {
                    s << "UPDATE connector_files SET uploaded_by = :u WHERE tenant_id = :t AND connector_id = :c AND file_id = :f",
                        soci::use(userId), soci::use(t.id()), soci::use(connectorId), soci::use(fileId);
                    return;
                }
                // the plugin reported no result for the file: nothing of it is counted as stored
                const long long size = static_cast<long long>(f.bytes.size());
                const std::string reason = "файл не прочитан: " + (outcome.error.empty() ? std::string("нет результата") : outcome.error.substr(0, 200));
                s << "INSERT INTO connector_files (tenant_id, connector_id, file_id, name, sha256, size, source, received_at, state, reason, "
                     "uploaded_by) VALUES (:t, :c, :f, :n, :h, :z, 'upload', :r, 'malformed', :re, :u)",
                    soci::use(t.id()), soci::use(connectorId), soci::use(fileId), soci::use(name), soci::use(sha), soci::use(size),
                    soci::use(now), soci::use(reason), soci::use(userId);
            });
            if (!outcome.ok)
                log::warn("connector file import failed", {{"tenant", t.id()}, {"connector", connectorId}, {"error", outcome.error}});
        }
        db_.read([&](soci::session& s) { out.push_back(load(s, t.id(), connectorId, fileId)); });
    }
    return out;
}

std::vector<FileResult> FileImports::list(const Tenant& t, const std::string& connectorId, int limit) const {
    if (!hub_.connector(t, connectorId)) throw NotFound("connector_not_found", "Такого обмена данными нет");
    const int n = std::clamp(limit, 1, 500);
    std::vector<FileResult> out;
    db_.read([&](soci::session& s) {
        soci::rowset<soci::row> rs = (s.prepare << std::string("SELECT ") + kColumns +
                                                       " FROM connector_files WHERE tenant_id = :t AND connector_id = :c "
                                                       "ORDER BY received_at DESC, name DESC, file_id LIMIT :l",
                                      soci::use(t.id()), soci::use(connectorId), soci::use(n));
        for (const auto& r : rs) out.push_back(fromRow(r));
    });
    return out;
}

Obj FileImports::toJson(const FileResult& r) {
    Obj o = new Poco::JSON::Object;
    o->set("id", r.fileId);
    o->set("name", r.name);
    o->set("sha256", r.sha256);
    o->set("size", r.size);
    o->set("source", r.source);
    o->set("received_at", r.receivedAt);
    o->set("day", r.day.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(r.day));
    o->set("state", r.state);
    o->set("reason", r.reason);
    o->set("values_total", r.valuesTotal);
    o->set("values_accepted", r.valuesAccepted);
    o->set("values_duplicate", r.valuesDuplicate);
    Poco::JSON::Array::Ptr unknown = new Poco::JSON::Array;
    for (const auto& u : r.unknownCodes) unknown->add(u);
    o->set("unknown_codes", unknown);
    Poco::JSON::Array::Ptr malformed = new Poco::JSON::Array;
    for (const auto& [code, reason] : r.malformed) {
        Obj m = new Poco::JSON::Object;
        m->set("code", code);
        m->set("reason", reason);
        malformed->add(m);
    }
    o->set("malformed", malformed);
    return o;
}

} // namespace kabinet
