#include "connectors/SyncRecords.h"

#include "connectors/RecordJson.h"
#include "connectors/SyncStore.h"
#include "meters/MeterDataJson.h"
#include "storage/Database.h"
#include "storage/RowValues.h"
#include "tenants/Tenant.h"
#include "util/Log.h"

#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace kabinet {

using JsonObject = Poco::JSON::Object::Ptr;

namespace {
using recordjson::joinFirst;
using recordjson::parseObject;

/// The meter an upstream device is, by the tenant's rule: {meter_serial} or {point_number}; nullopt when none
/// or ambiguous.
std::optional<std::string> meterByRule(soci::session& s, const std::string& tenantId, const Poco::Dynamic::Var& rule) {
    if (rule.type() != typeid(JsonObject)) return std::nullopt;
    auto r = rule.extract<JsonObject>();
    std::vector<std::string> found;
    std::string t = tenantId;
    if (r->has("meter_serial") && r->get("meter_serial").isString()) {
        std::string serial = r->getValue<std::string>("meter_serial");
        soci::rowset<soci::row> rs = (s.prepare << "SELECT meter_id FROM meters WHERE tenant_id = :t AND serial = :s ORDER BY meter_id LIMIT 2",
                                      soci::use(t), soci::use(serial));
        for (const auto& row : rs) found.push_back(columnText(row, 0));
        if (found.size() != 1) return std::nullopt; // none, or the same serial on meters of two models
        return found.front();
    }
    if (r->has("point_number") && r->get("point_number").isString()) {
        std::string number = r->getValue<std::string>("point_number");
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT m.meter_id FROM meters m JOIN metering_points p ON p.tenant_id = m.tenant_id AND p.point_id = m.point_id "
                          "WHERE m.tenant_id = :t AND p.number = :n ORDER BY m.installed_on DESC, m.meter_id LIMIT 1",
             soci::use(t), soci::use(number));
        for (const auto& row : rs) return columnText(row, 0);
    }
    return std::nullopt;
}

} // namespace

SyncRecords::SyncRecords(Database& db, MeterDataSink& sink, Tenant& tenant, SyncContext context, std::string task,
                         std::map<std::string, RecordHandler> handlers, std::size_t batchRows, bool scheduled)
    : db_(db), sink_(sink), tenant_(tenant), context_(std::move(context)), tenantId_(tenant.id()), task_(std::move(task)),
      handlers_(std::move(handlers)), batchRows_(batchRows), scheduled_(scheduled) {}

void SyncRecords::problem(const std::string& text) {
    ++counts_.problems;
    if (problemTexts_.size() < 5) problemTexts_.push_back(text);
}

std::optional<std::string> SyncRecords::link(const std::string& key, const Poco::Dynamic::Var& device) {
    const std::string& connectorId = context_.connectorId;
    Poco::Dynamic::Var rule;
    try {
        rule = tenant_.linkDevice(connectorId, device);
    } catch (const std::exception& e) {
        log::warn("link_device failed", {{"tenant", tenantId_}, {"connector", connectorId}, {"error", e.what()}});
        return std::nullopt;
    }
    std::optional<std::string> meter;
    db_.transaction([&](soci::session& s) {
        meter = meterByRule(s, tenantId_, rule);
        SyncStore(s, tenantId_).linkDevice(connectorId, key, meter);
    });
    return meter;
}

std::optional<std::string> SyncRecords::meterOf(const std::string& key) {
    if (auto it = meters_.find(key); it != meters_.end()) return it->second;
    const std::string& connectorId = context_.connectorId;
    std::optional<ConnectorDevice> known;
    db_.read([&](soci::session& s) { known = SyncStore(s, tenantId_).device(connectorId, key); });
    std::optional<std::string> meter;
    if (known) {
        meter = known->meterId;
    } else {
        db_.transaction([&](soci::session& s) { SyncStore(s, tenantId_).upsertDevice(connectorId, key, std::nullopt, context_.now); });
        JsonObject d = new Poco::JSON::Object;
        d->set("key", key);
        meter = link(key, d);
    }
    meters_[key] = meter;
    return meter;
}

void SyncRecords::flush(const std::optional<std::string>& cursor) {
    if (!pending_.empty()) {
        try {
            const IngestResult r = sink_.write(tenantId_, pending_);
            counts_.storedRows += static_cast<long long>(r.readings + r.profile + r.params + r.events);
        } catch (const InvalidMeterData& e) {
            counts_.problems += static_cast<long long>(pendingRecords_);
            if (problemTexts_.size() < 5) problemTexts_.push_back(std::string("meter_data: ") + e.what());
        }
        pending_ = MeterDataBatch{};
        pendingRows_ = pendingRecords_ = 0;
    }
    if (!handled_.empty() || (cursor && scheduled_)) {
        long long stored = 0, refused = 0;
        std::vector<std::string> texts;
        db_.transaction([&](soci::session& s) {
            for (const auto& [kind, record] : handled_) {
                s << "SAVEPOINT kb_record";
                try {
                    handlers_.at(kind)(s, context_, record);
                    s << "RELEASE SAVEPOINT kb_record";
                    ++stored;
                } catch (const std::exception& e) {
                    s << "ROLLBACK TO SAVEPOINT kb_record";
                    s << "RELEASE SAVEPOINT kb_record";
                    ++refused;
                    if (texts.size() < 5) texts.push_back(kind + ": " + e.what());
                }
            }
            if (cursor && scheduled_) SyncStore(s, tenantId_).saveCursor(context_.connectorId, context_.accountId, task_, *cursor);
        });
        counts_.storedRows += stored;
        counts_.problems += refused;
        for (auto& t : texts)
            if (problemTexts_.size() < 5) problemTexts_.push_back(std::move(t));
        handled_.clear();
    }
    if (cursor) counts_.cursor = *cursor;
}

void SyncRecords::consume(const std::string& kind, const std::string& text) {
    ++counts_.records;
    JsonObject record;
    try {
        record = parseObject(text);
    } catch (const std::exception&) {
        problem(kind + ": запись не JSON-объект");
        return;
    }
    if (kind == "cursor") {
        if (!record->has("cursor") || !record->get("cursor").isString()) return problem("cursor: нет позиции");
        flush(record->getValue<std::string>("cursor"));
    } else if (kind == "problem") {
        problem(record->optValue<std::string>("key", "") + ": " + record->optValue<std::string>("reason", ""));
    } else if (kind == "device") {
        if (!record->has("key") || !record->get("key").isString() || record->getValue<std::string>("key").empty())
            return problem("device: нет ключа устройства");
        const std::string key = record->getValue<std::string>("key");
        std::optional<std::string> meter;
        db_.transaction([&](soci::session& s) {
            SyncStore st(s, tenantId_);
            auto known = st.device(context_.connectorId, key);
            st.upsertDevice(context_.connectorId, key, text, context_.now);
            if (known) meter = known->meterId;
        });
        if (!meter) meter = link(key, record);
        meters_[key] = meter;
    } else if (kind == "meter_data") {
        meterData(record);
    } else if (handlers_.count(kind)) {
        handled_.emplace_back(kind, record);
    } else {
        problem("неизвестный вид записи «" + kind.substr(0, 40) + "»");
    }
}

void SyncRecords::meterData(const JsonObject& record) {
    JsonObject mapped = new Poco::JSON::Object;
    for (const char* list : {"readings", "profile", "params", "events"}) {
        if (!record->has(list)) continue;
        auto rows = record->getArray(list);
        if (!rows) return problem(std::string("meter_data: «") + list + "» не список");
        Poco::JSON::Array::Ptr kept = new Poco::JSON::Array;
        for (const auto& rv : *rows) {
            if (rv.type() != typeid(JsonObject)) return problem(std::string("meter_data: строка «") + list + "» не объект");
            auto row = rv.extract<JsonObject>();
            if (!row->has("device") || !row->get("device").isString())
                return problem(std::string("meter_data: в строке «") + list + "» не указано устройство");
            const std::string key = row->getValue<std::string>("device");
            auto meter = meterOf(key);
            if (!meter) {
                ++counts_.unknownRows;
                unknown_.insert(key);
                continue;
            }
            JsonObject copy = new Poco::JSON::Object;
            for (const auto& [k, v] : *row)
                if (k != "device") copy->set(k, v);
            copy->set("meter_id", *meter);
            if (std::string(list) == "readings") copy->set("source", "connector");
            kept->add(copy);
        }
        mapped->set(list, kept);
    }
    MeterDataBatch batch;
    try {
        batch = meterDataFromJson(mapped);
        validateMeterData(batch, context_.now);
    } catch (const InvalidMeterData& e) {
        return problem(std::string("meter_data: ") + e.what());
    } catch (const std::exception& e) {
        return problem(std::string("meter_data: ") + e.what());
    } catch (...) {
        return problem("meter_data: значения неверных типов");
    }
    const std::size_t rows = batch.readings.size() + batch.profile.size() + batch.params.size() + batch.events.size();
    if (rows == 0) return;
    auto append = [](auto& to, auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(pending_.readings, batch.readings);
    append(pending_.profile, batch.profile);
    append(pending_.params, batch.params);
    append(pending_.events, batch.events);
    pendingRows_ += rows;
    ++pendingRecords_;
    if (pendingRows_ >= batchRows_) flush(std::nullopt);
}

void SyncRecords::fill(SyncOutcome& out) const {
    out.records = counts_.records;
    out.storedRows = counts_.storedRows;
    out.problems = counts_.problems;
    out.unknownRows = counts_.unknownRows;
    out.cursor = counts_.cursor;
    out.unknown.assign(unknown_.begin(), unknown_.end());
    if (!problemTexts_.empty() && out.ok) out.error = joinFirst(problemTexts_, 5);
}

} // namespace kabinet
