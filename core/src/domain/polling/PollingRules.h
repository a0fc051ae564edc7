#pragma once
/// A tenant's meter polling rules (from tenant.lua through kabinet.polling.normalise) and the arithmetic of
/// when a schedule runs next and how a failure backs off.
#include <Poco/Dynamic/Var.h>

#include <string>
#include <vector>

namespace kabinet {

struct PollingRules {
    struct Schedule {
        std::string name;
        unsigned items = 0;         ///< kb_read_item bits
        long long everyS = 3600;    ///< period, aligned to local midnight
        long long delayS = 0;       ///< offset after each period start
        long long depthS = 7 * 86400; ///< how far back profile / events / billing are caught up
        int windowFromMin = -1, windowToMin = -1; ///< local minutes of day; -1: any time
    };
    std::vector<Schedule> schedules;
    long long retryFirstS = 60;
    double retryFactor = 2;
    long long retryMaxS = 3600;
    /// A meter whose last good poll is older than this while its polls fail is silent (operators are told).
    long long silentAfterS = 24 * 3600;

    /// Reads the normalised Lua table; throws std::invalid_argument when it is malformed.
    static PollingRules fromVar(const Poco::Dynamic::Var& v);
    const Schedule* find(const std::string& name) const;
    /// The first moment after `now` on the schedule's grid (local time = UTC + utcOffsetS) inside its window.
    static long long nextRun(const Schedule& s, long long now, long long utcOffsetS);
    /// When to try again after `failures` failures in a row (1 = the first).
    long long retryAt(unsigned failures, long long now) const;
};

} // namespace kabinet
