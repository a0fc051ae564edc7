#pragma once
/// The simulated meter: what it measures, as deterministic functions of its configuration and of time, so
/// that a test can compute exactly what any simulated meter holds at any moment.
///
/// Load: average active power P(t) = base × weekday factor × (1 + 0.45·sin(2π(h − 7)/24)) with h the local
/// hour, so consumption peaks in the evening and dips at night; cumulative registers are its closed-form
/// integral, rounded down to whole Wh. Tariffs: T1 07:00–23:00 local, T2 23:00–07:00, T3 = T4 = 0; the total
/// is T1 + T2. A− = 2 % of A+, R+ = 35 % of A+, R− = 4 % of A+ (same curve). Profile intervals are
/// differences of the total register at interval bounds, so they always add up to the register.
#include <cstdint>
#include <string>
#include <vector>

namespace kabinet::sim {

enum class Channel { AP = 0, AM = 1, RP = 2, RM = 3 };

/// Event kinds use the numbers of kb_event_class (plugin.h).
enum EventKind : int {
    EvPowerOff = 1, EvPowerOn = 2, EvPhaseOff = 3, EvPhaseOn = 4, EvCoverOpen = 5, EvCoverClose = 6,
    EvTerminalCoverOpen = 7, EvTerminalCoverClose = 8, EvMagneticField = 9, EvFirmwareIntegrity = 10,
};

struct SimEvent {
    long long ts = 0;   ///< UTC
    int kind = 0;       ///< EventKind
    unsigned phase = 0; ///< 0 or 1..3
};

struct Instant {
    double u[3] = {};     ///< V, L1..L3
    double i[3] = {};     ///< A
    double p[4] = {};     ///< kW: [0] sum, [1..3] phases (positive = import)
    double q[4] = {};     ///< kvar
    double s[4] = {};     ///< kVA
    double pf[4] = {};    ///< cos φ
    double f = 50.0;      ///< Hz
    double angle[3] = {}; ///< angles between phase voltages, degrees (L1-L2, L2-L3, L3-L1)
};

struct MeterConfig {
    unsigned address = 1;          ///< bus address (Mercury: 1..239; HDLC physical address; IEC: see serial)
    std::string serial = "00000001";
    std::string model;             ///< protocol default when empty
    std::string firmware;          ///< protocol default when empty; Mercury: "a.b.c", below 7.1.0 the older
                                   ///< generation whose 08 13 sends the byte address, not 16-byte units
    std::string manufacturedOn = "2021-03-15";
    std::string password;          ///< protocol default when empty (Mercury level 1 "111111", IEC "777777", DLMS "12345678")
    int utcOffsetMin = 180;        ///< the meter keeps local time
    double basePowerKw = 1.5;
    unsigned phases = 3;
    long long installedAt = 0;     ///< UTC; the profile memory starts here (aligned to 30 min)
    unsigned seed = 1;
    long long clockDriftS = 0;     ///< meter clock − true time
    unsigned profileMin = 30;      ///< load profile period, minutes (DLMS; Mercury and IEC keep 30)
    bool associationObjects = true; ///< DLMS: the association's object list, the clock's time_zone and the
                                    ///< profiles' entries_in_use (false: a meter that lacks all three)
};

class MeterModel {
public:
    explicit MeterModel(MeterConfig config);
    const MeterConfig& config() const { return config_; }

    /// Cumulative register in Wh (varh) at UTC t; tariff 0 = total, 1..4 = T1..T4. 0 before installedAt.
    long long energyWh(Channel channel, unsigned tariff, long long t) const;
    /// Energy of one profile interval [start, start + lengthS) in Wh (varh) = difference of the total register.
    long long intervalWh(Channel channel, long long start, unsigned lengthS = 1800) const;
    /// Instantaneous values at t.
    Instant instant(long long t) const;
    /// Journal entries with from <= ts < to, in time order. Deterministic: power off/on every third day,
    /// phase 2 off/on weekly, cover opened/closed and magnetic field every 11 and 17 days.
    std::vector<SimEvent> events(long long from, long long to) const;
    /// The meter's clock (UTC) when the true time is `now`.
    long long clock(long long now) const { return now + config_.clockDriftS; }
    /// Start of the first profile interval (installedAt rounded up to 30 min, and to the profile period).
    long long profileStart() const;

private:
    double powerKw(long long t) const;               ///< A+ average power at t
    double integralKwh(long long from, long long to, unsigned tariff) const; ///< ∫P for A+ within tariff windows
    MeterConfig config_;
};

} // namespace kabinet::sim
