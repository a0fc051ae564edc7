#pragma once
/// The tenant's rules for readings consumers submit themselves (SPEC §2.3): the module `manual_readings` and
/// its settings (settings.manual_readings, checked and with their defaults by kabinet.settings).
#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {

class Tenant;

struct ManualPolicy {
    bool enabled = false;              ///< the tenant declares the module manual_readings
    std::string approval = "operator"; ///< "auto": accepted at once; "operator": queued for an operator
    int fromDay = 1, toDay = 31;       ///< the window of days of the month submissions are taken in
    double maxDailyKwh = 1000;         ///< ceiling of consumption per day since the reading before
    bool virtualMeters = false;        ///< consumers may create virtual meters of their own (ВГЭС)
    bool nonSmartOnly = false;         ///< readings only for meters that are not read remotely (ОЭС 360)
    bool polledMeters = false;         ///< readings also for meters the server polls itself
};

/// The tenant's policy as its checked settings say.
ManualPolicy manualPolicy(const Tenant& t);

/// Why a consumer may not submit readings of a meter, or empty when they may: the tenant takes none, the
/// meter is polled by the server (unless polled_meters) or is a smart meter whose data come by themselves
/// (under non_smart_only).
std::string manualRefusal(const ManualPolicy& p, bool smart, bool polled);

/// Whether a consumer may submit readings of a meter: {"allowed": bool, "reason": text or null}.
Poco::JSON::Object::Ptr manualAvailability(const Tenant& t, bool smart, bool polled);

/// True when a submission on local day `day` of the month falls in the window [fromDay, toDay] (a window may
/// wrap over the month's end, e.g. 25..5).
bool inSubmissionWindow(int day, int fromDay, int toDay);

} // namespace kabinet
