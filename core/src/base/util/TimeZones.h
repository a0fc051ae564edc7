#pragma once
/// UTC offsets of the Russian time zones (no daylight saving time since 2014), for turning the dates people
/// pick into UTC ranges in the tenant's own time zone.
#include <string>

namespace kabinet::tz {

/// Offset from UTC in seconds of an IANA zone of the Russian Federation; 3 h (Moscow) for an unknown one.
int offsetSeconds(const std::string& zone);
/// Unix seconds of local midnight starting a "YYYY-MM-DD" date in the zone; throws std::invalid_argument on a bad date.
long long localMidnight(const std::string& date, int offset);
/// "YYYY-MM-DD" of a moment in the zone.
std::string localDate(long long ts, int offset);

} // namespace kabinet::tz
