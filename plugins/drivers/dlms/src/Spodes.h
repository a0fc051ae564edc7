#pragma once
/// The SPODES (GOST R 58940-2020) object model the driver reads: OBIS codes, units, and the event-code
/// tables of the journals 0.0.99.98.N.255. Pure data and functions.
#include "AxdrCodec.h"

#include "kabinet/plugin.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kabinet::dlms::spodes {

// Device identity (class 1, attribute 2).
constexpr Obis kSerial = obis(0, 0, 96, 1, 0);
constexpr Obis kDeviceType = obis(0, 0, 96, 1, 1);      ///< "Тип ПУ": the model
constexpr Obis kFirmware = obis(0, 0, 96, 1, 2);        ///< metrological firmware version
constexpr Obis kManufactureDate = obis(0, 0, 96, 1, 4); ///< "Дата выпуска ПУ"
constexpr Obis kClock = obis(0, 0, 1, 0, 0);            ///< class 8, attribute 2 (time), 3 (time_zone)
constexpr Obis kCurrentAssociation = obis(0, 0, 40, 0, 0); ///< class 15 (Association LN), attribute 2: object_list

// Profiles (class 7).
constexpr Obis kLoadProfile = obis(1, 0, 99, 1, 0);   ///< 30-minute load profile
constexpr Obis kDailyProfile = obis(1, 0, 98, 2, 0);  ///< readings at the start of each day
constexpr Obis kMonthlyProfile = obis(1, 0, 98, 1, 0); ///< readings at the start of each month
constexpr Obis journal(std::uint8_t n) { return obis(0, 0, 99, 98, n); }
constexpr Obis journalEventCode(std::uint8_t n) { return obis(0, 0, 96, 11, n); }

constexpr std::uint16_t kClassData = 1, kClassRegister = 3, kClassExtendedRegister = 4, kClassDemandRegister = 5;
constexpr std::uint16_t kClassProfile = 7, kClassClock = 8, kClassAssociationLn = 15;

// Attributes of the profile generic class the driver reads.
constexpr std::int8_t kProfileBuffer = 2, kProfileCaptureObjects = 3, kProfileCapturePeriod = 4, kProfileEntriesInUse = 7;

// Units of scaler_unit (IEC 62056-6-2).
constexpr std::uint8_t kUnitW = 27, kUnitVA = 28, kUnitVar = 29, kUnitWh = 30, kUnitVAh = 31, kUnitVarh = 32;
constexpr std::uint8_t kUnitA = 33, kUnitV = 35, kUnitHz = 44, kUnitNone = 255;

/// The energy register of a channel (C = 1 A+, 2 A-, 3 R+, 4 R-) and tariff (E = 0 total, 1..4).
constexpr Obis energyRegister(std::uint8_t channel, std::uint8_t tariff) { return obis(1, 0, channel, 8, tariff); }
kb_quantity energyQuantity(std::uint8_t channel);

/// One instantaneous value the driver reads (class 3, attributes 2 and 3).
struct InstantObject {
    Obis obis;
    kb_quantity quantity;
    std::uint32_t phase;
};
/// Three-phase meters: U, I, P, Q, S, PF per phase and total, f.
const std::vector<InstantObject>& threePhaseInstant();
/// Single-phase meters: U = 1.0.12.7.0.255, I = 1.0.11.7.0.255, P, Q, S, PF totals, f (phase 0).
const std::vector<InstantObject>& singlePhaseInstant();

/// Converts value × 10^scaler in `unit` into the unit kb_quantity names (kWh, kW, V, A, Hz, cos φ).
/// nullopt when the unit does not fit the quantity.
std::optional<double> toQuantityUnit(kb_quantity quantity, double scaled, std::uint8_t unit);

/// What one SPODES event code means to Kabinet.
struct EventMeaning {
    kb_event_class eventClass = KB_EV_OTHER;
    std::uint32_t phase = 0;
};

/// The journals the driver reads for KB_READ_EVENTS: 0 voltage, 2 power on/off, 4 external influence,
/// 6 access control, 7 self-diagnostics.
const std::vector<std::uint8_t>& eventJournals();
/// The meaning of `code` in journal N (codes not in the table are KB_EV_OTHER).
EventMeaning eventMeaning(std::uint8_t journal, std::int64_t code);

/// value × 10^scaler.
double applyScaler(double value, int scaler);

/// One element of an association's object_list (IC 15 attribute 2).
struct ListedObject {
    std::uint16_t classId = 0;
    std::uint8_t version = 0;
    Obis obis;
    /// attribute_access: attribute id → access_mode (0 none, 1 read, 2 write, 3 read and write, 4..6 the
    /// authenticated ones of version 3); access_selectors of each attribute (empty for null-data).
    std::vector<std::pair<std::int8_t, std::uint8_t>> attributes;
    std::vector<std::pair<std::int8_t, std::vector<std::int8_t>>> selectors;
    /// method_access: method id → access_mode (boolean in version 0, an enum from version 1 on).
    std::vector<std::pair<std::int8_t, std::uint8_t>> methods;

    /// Whether the association may read attribute `id` (access mode 1, 3, 4 or 6); false when not listed.
    bool readable(std::int8_t id) const;
};

/// The elements of an object_list: array of structure {class_id long-unsigned, version unsigned,
/// logical_name octet-string(6), access_rights structure {attribute_access array of structure
/// {attribute_id integer, access_mode enum, access_selectors null-data | array of integer}, method_access
/// array of structure {method_id integer, access_mode boolean | enum}}}. Throws ProtocolError on anything else.
std::vector<ListedObject> parseObjectList(const Data& list);

} // namespace kabinet::dlms::spodes
