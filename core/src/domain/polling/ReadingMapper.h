#pragma once
/// How what a driver read becomes meter-data rows for the MeterDataSink (docs/ARCHITECTURE.md, «Meter
/// polling»): energy registers, instantaneous values per phase, power-profile intervals and journal entries,
/// in the sink's units and codes.
#include "meters/MeterData.h"
#include "plugins/Driver.h"

#include <string>

namespace kabinet {

/// A journal class of plugin.h as the portal shows it: code, category, severity, Russian text, and whether it
/// is tamper (cover, terminal cover, magnetic field, firmware integrity: an operator notification).
struct EventText {
    const char* code;
    const char* category;
    const char* severity;
    const char* text;
    bool tamper;
};

/// The text of a journal class; a class unknown here is "other" (info).
EventText eventText(kb_event_class c);

/// Adds to `batch` the rows of one driver answer for one read of `items` over [from, to), polled at `now`:
/// * energy registers, one reading row per direction (A+, A−, R+, R−) with its tariff zones — `latest` at
///   `now`, or for KB_READ_BILLING `billing` at each snapshot's own moment — kept only when the total was read;
/// * every other value, one network-parameter row per phase (A, B, C; S for the whole) at `now`;
/// * profile intervals starting in [from, to) (length not zero) as average powers: the interval's energy
///   over its length, in kW and kvar;
/// * journal entries with their code (an `other` entry also with its journal and the meter's own code; a
///   phase's entries with `_a`, `_b`, `_c`), category, severity, text (the phase named) and tamper flag.
/// Values that are not finite are stored as absent. Source `driver`.
void appendDriverRows(const DriverReading& r, const std::string& meterId, unsigned items, long long from, long long to, long long now,
                      MeterDataBatch& batch);

/// The first profile interval whose period the sink does not store (not whole minutes, or minutes that do
/// not divide an hour: storableProfilePeriod), or nullptr.
const DriverReading::Interval* unstorableInterval(const DriverReading& r);

/// True when two serial numbers name the same meter: only letters and digits count, and leading zeros do
/// not ("00412345" is "412345").
bool sameSerial(const std::string& a, const std::string& b);

} // namespace kabinet
