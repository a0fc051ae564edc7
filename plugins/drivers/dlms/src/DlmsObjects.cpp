// What the session learns of the meter's objects: scaler_unit and register values, the association's
// object list, a profile's capture objects, period, entries in use and buffer rows.
#include "DlmsSession.h"

#include "DlmsColumns.h"

namespace kabinet::dlms {

std::optional<DlmsSession::ScalerUnit> DlmsSession::scalerUnit(std::uint16_t classId, const Obis& obis, std::string* reason)
{
    auto it = scalers_.find(obis);
    if (it == scalers_.end()) {
        std::pair<std::optional<ScalerUnit>, std::string> entry;
        const Value v = get(classId, obis, classId == spodes::kClassDemandRegister ? 4 : 3);
        if (!v.ok) {
            entry.second = "scaler_unit: " + v.reason();
        } else if (v.data.type != DataType::Structure || v.data.items.size() != 2 || !v.data.items[0].isInteger() ||
                   !v.data.items[1].isInteger()) {
            entry.second = "scaler_unit is not {integer, enum}";
        } else {
            const std::int64_t scaler = v.data.items[0].asInt();
            const std::int64_t unit = v.data.items[1].asInt();
            if (scaler < -128 || scaler > 127 || unit < 0 || unit > 255) entry.second = "scaler_unit out of range";
            else entry.first = ScalerUnit{static_cast<int>(scaler), static_cast<std::uint8_t>(unit)};
        }
        it = scalers_.emplace(obis, std::move(entry)).first;
    }
    if (!it->second.first && reason) *reason = it->second.second;
    return it->second.first;
}

std::optional<double> DlmsSession::registerValue(const Obis& obis, kb_quantity quantity, std::string& reason)
{
    const Value v = get(spodes::kClassRegister, obis, 2);
    if (!v.ok) {
        reason = v.reason();
        return std::nullopt;
    }
    if (!v.data.isNumber()) {
        reason = "value is not a number";
        return std::nullopt;
    }
    const auto su = scalerUnit(spodes::kClassRegister, obis, &reason);
    if (!su) return std::nullopt;
    const auto value = spodes::toQuantityUnit(quantity, spodes::applyScaler(v.data.asDouble(), su->scaler), su->unit);
    if (!value) reason = "unexpected unit " + std::to_string(su->unit);
    return value;
}

std::optional<std::int64_t> DlmsSession::utcOf(const Data& value, std::uint8_t* status) const
{
    const auto dt = dateTimeOf(value);
    if (!dt) return std::nullopt;
    if (status) *status = dt->status;
    return toUtc(*dt, settings_.utcOffsetMin, settings_.deviation);
}

DlmsSession::Listed DlmsSession::listed(std::uint16_t classId, const Obis& obis)
{
    // The object_list of the current association (0.0.40.0.0.255, IC 15 attribute 2): what a standard
    // client reads first. A meter that does not give it (or gives one that does not decode) is asked for
    // each object as before.
    if (!objectListRead_) {
        objectListRead_ = true;
        const Value v = get(spodes::kClassAssociationLn, spodes::kCurrentAssociation, 2);
        if (v.ok) {
            try {
                objectList_ = spodes::parseObjectList(v.data);
            } catch (const sdk::ProtocolError& e) {
                sdk::log(KB_LOG_WARN, std::string("dlms: ") + e.what() + "; objects are asked for one by one");
            }
        }
    }
    if (!objectList_) return Listed::Unknown;
    for (const auto& o : *objectList_)
        if (o.classId == classId && o.obis == obis) return Listed::Yes;
    return Listed::No;
}

std::optional<std::uint32_t> DlmsSession::entriesInUse(const Obis& profile)
{
    const Value v = get(spodes::kClassProfile, profile, spodes::kProfileEntriesInUse);
    if (!v.ok || !v.data.isInteger()) return std::nullopt;
    const std::int64_t n = v.data.asInt();
    if (n < 0 || n > 0xFFFFFFFFLL) return std::nullopt;
    return static_cast<std::uint32_t>(n);
}

const DlmsSession::ProfileInfo& DlmsSession::profileInfo(const Obis& profile)
{
    auto it = profiles_.find(profile);
    if (it != profiles_.end()) return it->second;
    ProfileInfo info;
    if (listed(spodes::kClassProfile, profile) == Listed::No) {
        info.reason = "not in the association's object list";
        return profiles_.emplace(profile, std::move(info)).first->second;
    }
    const Value caps = get(spodes::kClassProfile, profile, 3);
    if (!caps.ok) {
        info.reason = "capture_objects: " + caps.reason();
    } else if (caps.data.type != DataType::Array) {
        info.reason = "capture_objects is not an array";
    } else {
        info.ok = true;
        for (const Data& c : caps.data.items) {
            if (c.type != DataType::Structure || c.items.size() != 4 || !c.items[0].isInteger() || !c.items[2].isInteger()) {
                info.ok = false;
                info.reason = "capture_objects: malformed entry";
                break;
            }
            const auto ln = Obis::fromBytes(c.items[1].bytes);
            const std::int64_t cls = c.items[0].asInt(), attr = c.items[2].asInt();
            if (!ln || cls < 0 || cls > 0xFFFF || attr < -128 || attr > 127) {
                info.ok = false;
                info.reason = "capture_objects: malformed entry";
                break;
            }
            info.columns.push_back(Column{static_cast<std::uint16_t>(cls), *ln, static_cast<std::int8_t>(attr), std::nullopt});
        }
        if (info.ok) {
            const Value period = get(spodes::kClassProfile, profile, 4);
            if (period.ok && period.data.isInteger()) {
                const std::int64_t p = period.data.asInt();
                if (p > 0 && p <= 366 * 86400LL) info.period = static_cast<std::uint32_t>(p);
            }
            // The value attribute of a register is 2; of a demand register 2 (current) or 3 (last average).
            for (Column& col : info.columns)
                if (isRegisterClass(col.classId) &&
                    (col.attribute == 2 || (col.classId == spodes::kClassDemandRegister && col.attribute == 3)))
                    col.scaler = scalerUnit(col.classId, col.obis);
        }
    }
    return profiles_.emplace(profile, std::move(info)).first->second;
}

std::optional<std::vector<Data>> DlmsSession::profileRows(const Obis& profile, std::int64_t fromUtcTime, std::int64_t toUtcTime,
                                                          kb_read_item item, sdk::ReadingSink& sink)
{
    const apdu::Access access = apdu::rangeAccess(fromUtc(fromUtcTime, settings_.utcOffsetMin, settings_.deviation),
                                                  fromUtc(toUtcTime, settings_.utcOffsetMin, settings_.deviation));
    Value v = get(spodes::kClassProfile, profile, 2, &access);
    if (!v.ok) {
        sink.unavailable(item, profile.toString(), "buffer: " + v.reason());
        return std::nullopt;
    }
    if (v.data.type != DataType::Array) throw sdk::ProtocolError("the buffer of " + profile.toString() + " is not an array");
    const std::size_t columns = profileInfo(profile).columns.size();
    for (const Data& row : v.data.items)
        if (row.type != DataType::Structure || row.items.size() != columns)
            throw sdk::ProtocolError("a row of " + profile.toString() + " does not match its " + std::to_string(columns) + " capture objects");
    return std::move(v.data.items);
}

} // namespace kabinet::dlms
