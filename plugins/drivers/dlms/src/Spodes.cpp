#include "Spodes.h"

#include <cmath>

namespace kabinet::dlms::spodes {

kb_quantity energyQuantity(std::uint8_t channel)
{
    switch (channel) {
    case 1: return KB_Q_ENERGY_AP;
    case 2: return KB_Q_ENERGY_AM;
    case 3: return KB_Q_ENERGY_RP;
    default: return KB_Q_ENERGY_RM;
    }
}

const std::vector<InstantObject>& threePhaseInstant()
{
    static const std::vector<InstantObject> list = {
        {obis(1, 0, 32, 7, 0), KB_Q_VOLTAGE, 1}, {obis(1, 0, 52, 7, 0), KB_Q_VOLTAGE, 2}, {obis(1, 0, 72, 7, 0), KB_Q_VOLTAGE, 3},
        {obis(1, 0, 31, 7, 0), KB_Q_CURRENT, 1}, {obis(1, 0, 51, 7, 0), KB_Q_CURRENT, 2}, {obis(1, 0, 71, 7, 0), KB_Q_CURRENT, 3},
        {obis(1, 0, 1, 7, 0), KB_Q_POWER_P, 0},
        {obis(1, 0, 21, 7, 0), KB_Q_POWER_P, 1}, {obis(1, 0, 41, 7, 0), KB_Q_POWER_P, 2}, {obis(1, 0, 61, 7, 0), KB_Q_POWER_P, 3},
        {obis(1, 0, 3, 7, 0), KB_Q_POWER_Q, 0},
        {obis(1, 0, 23, 7, 0), KB_Q_POWER_Q, 1}, {obis(1, 0, 43, 7, 0), KB_Q_POWER_Q, 2}, {obis(1, 0, 63, 7, 0), KB_Q_POWER_Q, 3},
        {obis(1, 0, 9, 7, 0), KB_Q_POWER_S, 0},
        {obis(1, 0, 29, 7, 0), KB_Q_POWER_S, 1}, {obis(1, 0, 49, 7, 0), KB_Q_POWER_S, 2}, {obis(1, 0, 69, 7, 0), KB_Q_POWER_S, 3},
        {obis(1, 0, 13, 7, 0), KB_Q_POWER_FACTOR, 0},
        {obis(1, 0, 33, 7, 0), KB_Q_POWER_FACTOR, 1}, {obis(1, 0, 53, 7, 0), KB_Q_POWER_FACTOR, 2}, {obis(1, 0, 73, 7, 0), KB_Q_POWER_FACTOR, 3},
        {obis(1, 0, 14, 7, 0), KB_Q_FREQUENCY, 0},
    };
    return list;
}

const std::vector<InstantObject>& singlePhaseInstant()
{
    static const std::vector<InstantObject> list = {
        {obis(1, 0, 12, 7, 0), KB_Q_VOLTAGE, 0},
        {obis(1, 0, 11, 7, 0), KB_Q_CURRENT, 0},
        {obis(1, 0, 1, 7, 0), KB_Q_POWER_P, 0},
        {obis(1, 0, 3, 7, 0), KB_Q_POWER_Q, 0},
        {obis(1, 0, 9, 7, 0), KB_Q_POWER_S, 0},
        {obis(1, 0, 13, 7, 0), KB_Q_POWER_FACTOR, 0},
        {obis(1, 0, 14, 7, 0), KB_Q_FREQUENCY, 0},
    };
    return list;
}

double applyScaler(double value, int scaler)
{
    return scaler == 0 ? value : value * std::pow(10.0, scaler);
}

std::optional<double> toQuantityUnit(kb_quantity q, double v, std::uint8_t unit)
{
    switch (q) {
    case KB_Q_ENERGY_AP:
    case KB_Q_ENERGY_AM:
        if (unit == kUnitWh) return v / 1000.0;
        return std::nullopt;
    case KB_Q_ENERGY_RP:
    case KB_Q_ENERGY_RM:
        if (unit == kUnitVarh) return v / 1000.0;
        return std::nullopt;
    case KB_Q_POWER_P:
        if (unit == kUnitW) return v / 1000.0;
        return std::nullopt;
    case KB_Q_POWER_Q:
        if (unit == kUnitVar) return v / 1000.0;
        return std::nullopt;
    case KB_Q_POWER_S:
        if (unit == kUnitVA) return v / 1000.0;
        return std::nullopt;
    case KB_Q_VOLTAGE:
        if (unit == kUnitV) return v;
        return std::nullopt;
    case KB_Q_CURRENT:
        if (unit == kUnitA) return v;
        return std::nullopt;
    case KB_Q_FREQUENCY:
        if (unit == kUnitHz) return v;
        return std::nullopt;
    case KB_Q_POWER_FACTOR:
        if (unit == kUnitNone || unit == 0) return v; // unitless
        return std::nullopt;
    default:
        return v;
    }
}

const std::vector<std::uint8_t>& eventJournals()
{
    static const std::vector<std::uint8_t> list = {0, 2, 4, 6, 7};
    return list;
}

namespace {

/// Event codes of the SPODES journals. The event-code object of journal N is 0.0.96.11.N.255 and its
/// values are the row numbers of GOST R 58940-2020 tables D.1 (N = 0) ... D.8 (N = 7). These numbers were
/// checked against one secondary listing of those tables, not against the standard's own text: treat
/// them as UNVERIFIED against the primary source. The meter simulator uses the same numbers (a shared
/// assumption of driver and simulator).
struct Entry {
    std::uint8_t journal;
    std::int64_t code;
    kb_event_class eventClass;
    std::uint32_t phase;
};

constexpr Entry kTable[] = {
    // Journal 0, table D.1, voltage.
    {0, 1, KB_EV_PHASE_OFF, 1},   // phase A: voltage lost
    {0, 2, KB_EV_PHASE_ON, 1},    // phase A: voltage restored
    {0, 3, KB_EV_PHASE_OFF, 2},
    {0, 4, KB_EV_PHASE_ON, 2},
    {0, 5, KB_EV_PHASE_OFF, 3},
    {0, 6, KB_EV_PHASE_ON, 3},
    {0, 7, KB_EV_VOLTAGE_HIGH, 0},   // over-voltage of any phase: start
    {0, 8, KB_EV_VOLTAGE_NORMAL, 0}, // ... end
    {0, 9, KB_EV_VOLTAGE_LOW, 0},    // low voltage of any phase: start
    {0, 10, KB_EV_VOLTAGE_NORMAL, 0},
    {0, 13, KB_EV_VOLTAGE_HIGH, 1}, {0, 14, KB_EV_VOLTAGE_NORMAL, 1}, // phase A over-voltage start / end
    {0, 15, KB_EV_VOLTAGE_HIGH, 2}, {0, 16, KB_EV_VOLTAGE_NORMAL, 2},
    {0, 17, KB_EV_VOLTAGE_HIGH, 3}, {0, 18, KB_EV_VOLTAGE_NORMAL, 3},
    {0, 19, KB_EV_VOLTAGE_LOW, 1}, {0, 20, KB_EV_VOLTAGE_NORMAL, 1},  // phase A dip start / end
    {0, 21, KB_EV_VOLTAGE_LOW, 2}, {0, 22, KB_EV_VOLTAGE_NORMAL, 2},
    {0, 23, KB_EV_VOLTAGE_LOW, 3}, {0, 24, KB_EV_VOLTAGE_NORMAL, 3},
    // Journal 2, table D.3, power on/off and load relay.
    {2, 1, KB_EV_POWER_OFF, 0}, // meter powered down
    {2, 2, KB_EV_POWER_ON, 0},  // meter powered up
    // Journal 4, table D.5, external influence.
    {4, 1, KB_EV_MAGNETIC_FIELD, 0},      // magnetic field: start (2 = end stays OTHER)
    {4, 3, KB_EV_TERMINAL_COVER_OPEN, 0}, // electronic seal of the terminal cover triggered
    {4, 4, KB_EV_COVER_OPEN, 0},          // electronic seal of the housing triggered
    // Journal 6, table D.7, access control.
    {6, 1, KB_EV_ACCESS, 0},             // unauthorised access attempt
    {6, 2, KB_EV_ACCESS, 0},             // protocol violation
    {6, 3, KB_EV_ACCESS, 0},             // blocked after too many wrong passwords
    {6, 4, KB_EV_FIRMWARE_INTEGRITY, 0}, // firmware verification error
    // Journal 7, table D.8, self-diagnostics.
    {7, 2, KB_EV_FIRMWARE_INTEGRITY, 0},  // measuring unit: error
    {7, 13, KB_EV_FIRMWARE_INTEGRITY, 0}, // program memory: error
};

} // namespace

EventMeaning eventMeaning(std::uint8_t journal, std::int64_t code)
{
    for (const Entry& e : kTable)
        if (e.journal == journal && e.code == code) return EventMeaning{e.eventClass, e.phase};
    return EventMeaning{};
}

bool ListedObject::readable(std::int8_t id) const
{
    for (const auto& [attribute, mode] : attributes)
        if (attribute == id) return mode == 1 || mode == 3 || mode == 4 || mode == 6;
    return false;
}

namespace {

[[noreturn]] void badList(const std::string& what)
{
    throw sdk::ProtocolError("object_list: " + what);
}

std::int8_t smallInt(const Data& d, const char* what)
{
    if (!d.isInteger()) badList(std::string(what) + " is not an integer");
    const std::int64_t v = d.asInt();
    if (v < -128 || v > 255) badList(std::string(what) + " out of range");
    return static_cast<std::int8_t>(v);
}

std::uint8_t modeOf(const Data& d, const char* what)
{
    if (d.type == DataType::Boolean) return d.uinteger != 0 || d.integer != 0 ? 1 : 0;
    if (d.type != DataType::Enum && !d.isInteger()) badList(std::string(what) + " is not an enum");
    const std::int64_t v = d.asInt();
    if (v < 0 || v > 255) badList(std::string(what) + " out of range");
    return static_cast<std::uint8_t>(v);
}

} // namespace

std::vector<ListedObject> parseObjectList(const Data& list)
{
    if (list.type != DataType::Array) badList("not an array");
    std::vector<ListedObject> out;
    out.reserve(list.items.size());
    for (const Data& e : list.items) {
        if (e.type != DataType::Structure || e.items.size() != 4) badList("an element is not a structure of 4");
        ListedObject o;
        const Data& cls = e.items[0];
        if (cls.type != DataType::UInt16) badList("class_id is not long-unsigned");
        o.classId = static_cast<std::uint16_t>(cls.uinteger);
        if (e.items[1].type != DataType::UInt8) badList("version is not unsigned");
        o.version = static_cast<std::uint8_t>(e.items[1].uinteger);
        const auto ln = e.items[2].type == DataType::OctetString ? Obis::fromBytes(e.items[2].bytes) : std::nullopt;
        if (!ln) badList("logical_name is not an octet-string of 6");
        o.obis = *ln;
        const Data& rights = e.items[3];
        if (rights.type != DataType::Structure || rights.items.size() != 2 || rights.items[0].type != DataType::Array ||
            rights.items[1].type != DataType::Array)
            badList("access_rights is not a structure of two arrays");
        for (const Data& a : rights.items[0].items) {
            if (a.type != DataType::Structure || a.items.size() != 3) badList("an attribute_access item is not a structure of 3");
            const std::int8_t id = smallInt(a.items[0], "attribute_id");
            o.attributes.emplace_back(id, modeOf(a.items[1], "attribute access_mode"));
            std::vector<std::int8_t> selectors;
            if (a.items[2].type == DataType::Array) {
                for (const Data& sel : a.items[2].items) selectors.push_back(smallInt(sel, "access_selector"));
            } else if (a.items[2].type != DataType::Null) {
                badList("access_selectors is neither null-data nor an array");
            }
            o.selectors.emplace_back(id, std::move(selectors));
        }
        for (const Data& m : rights.items[1].items) {
            if (m.type != DataType::Structure || m.items.size() != 2) badList("a method_access item is not a structure of 2");
            o.methods.emplace_back(smallInt(m.items[0], "method_id"), modeOf(m.items[1], "method access_mode"));
        }
        out.push_back(std::move(o));
    }
    return out;
}

} // namespace kabinet::dlms::spodes
