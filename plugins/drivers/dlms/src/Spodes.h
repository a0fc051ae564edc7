#pragma once
/// The SPODES (GOST R 58940-2020) object model the driver reads: OBIS codes, units, and the event-code
/// tables of the journals 0.0.99.98.N.255. Pure data and functions.
#include "AxdrCodec.h"

#include "kabinet/plugin.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kabinet::dlms::spodes {

// Device identity (class 1, attribute 2).
constexpr Obis kSerial = obis(0, 0, 96, 1, 0);
constexpr Obis kDeviceType = obis(0, 0, 96, 1, 1);      ///< "Тип ПУ": the model
constexpr Obis kFirmware = obis(0, 0, 96, 1, 2);        ///< metrological firmware version
constexpr Obis kManufactureDate = obis(0, 0, 96, 1, 4); ///< "Дата выпуска ПУ"
constexpr Obis kClock = obis(0, 0, 1, 0, 0);            ///< class 8, attribute 2

// Profiles (class 7).
constexpr Obis kLoadProfile = obis(1, 0, 99, 1, 0);   ///< 30-minute load profile
constexpr Obis kDailyProfile = obis(1, 0, 98, 2, 0);  ///< readings at the start of each day
constexpr Obis kMonthlyProfile = obis(1, 0, 98, 1, 0); ///< readings at the start of each month
constexpr Obis journal(std::uint8_t n) { return obis(0, 0, 99, 98, n); }
constexpr Obis journalEventCode(std::uint8_t n) { return obis(0, 0, 96, 11, n); }

constexpr std::uint16_t kClassData = 1, kClassRegister = 3, kClassExtendedRegister = 4, kClassDemandRegister = 5;
constexpr std::uint16_t kClassProfile = 7, kClassClock = 8;

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

} // namespace kabinet::dlms::spodes
