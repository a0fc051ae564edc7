#pragma once
/// The rules of outages that are neither SQL nor HTTP: the tenant's settings (`settings.outages`), the permitted
/// duration of an interruption (REGULATION.md §A4: 2 h with two independent sources, 24 h with one) and how far
/// an outage went over it, and the local times outages are written in.
#include "outages/OutageStore.h"

#include <string>

namespace kabinet {
class Tenant;
}

namespace kabinet::outages {

/// `settings.outages` of a tenant (scripts/kabinet/settings.lua), defaults filled in.
struct OutageSettings {
    bool enabled = false;     ///< the tenant switches the module on
    int notifyDaysAhead = 3;  ///< a planned outage is announced this many days before it starts
    int sources = 1;          ///< the default number of independent supply sources (1 or 2)
    bool publicList = true;   ///< GET public/outages answers without a login
};

/// The settings of tenant `t`; enabled is false when `outages` is not among its modules.
OutageSettings settingsOf(const Tenant& t);

/// How long an outage lasts or lasted against what is permitted, in minutes.
struct Duration {
    long long minutes = 0;   ///< from start to the actual end; for one not closed, to the planned end or to now when later;
                             ///< 0 for a cancelled one
    long long permitted = 0; ///< 120 with two sources, 1440 with one
    long long exceeded = 0;  ///< minutes over the permitted duration (0 when within it)
};

/// The permitted duration in minutes for `sources` independent supply sources.
long long permittedMinutes(int sources);
/// The duration of `o` at `now`.
Duration durationOf(const Outage& o, long long now);

/// "YYYY-MM-DDTHH:MM" of a moment at a UTC offset (seconds east), as a datetime-local input shows it.
std::string localInput(long long ts, int offset);
/// "DD.MM.YYYY HH:MM" of a moment at a UTC offset, for texts people read.
std::string localText(long long ts, int offset);
/// Unix seconds of a "YYYY-MM-DDTHH:MM" local time at the offset; nullopt when malformed.
std::optional<long long> parseLocal(const std::string& text, int offset);

/// The affected addresses as one line: «Кольцовская ул., д. 10–24; Ворошилова ул.; СНТ «Восход»».
std::string addressLine(const Outage& o);
/// «плановое» / «аварийное».
std::string kindLabel(const std::string& kind);

} // namespace kabinet::outages
