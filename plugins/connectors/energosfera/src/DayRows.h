//
// DayRows.h
//
// The profile rows of one 80020 file: per measuring point, 48 half-hours with the energy of each channel,
// checked; a point whose day breaks a rule is set aside whole with the reason (never a wrong value).
//


#ifndef KABINET_ENERGOSFERA_DAYROWS_H
#define KABINET_ENERGOSFERA_DAYROWS_H


#include "Message80020.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>


namespace kabinet::energosfera {


struct HalfHour
	/// One half-hour of a point: its UTC start and the energy (kWh) of channels 01..04 (absent: not sent).
{
	std::int64_t ts = 0;
	std::array<std::optional<double>, 4> kwh;
};


struct PointDay
	/// The 48 half-hours of one measuring point.
{
	std::string code;
	std::string name;
	std::vector<HalfHour> halfHours;
	std::size_t values = 0; /// channel values carried (48 per channel)
};


struct PointProblem
	/// A point-day set aside: the point's code ("" for the whole file) and the reason in Russian.
{
	std::string code;
	std::string reason;
};


struct DayRows
	/// What a file yields.
{
	std::int64_t midnightUtc = 0; /// the local midnight starting the file's day, in UTC
	std::vector<PointDay> points;
	std::vector<PointProblem> malformed;
};


std::optional<std::int64_t> civilDay(const std::string& yyyymmdd);
	/// Unix seconds of 00:00 UTC of a YYYYMMDD date; nothing when it is not a real date.

DayRows dayRows(const Message80020& message, int utcOffsetMin, double energyUnitKwh);
	/// The file's half-hours: local times of the file's day at UTC offset utcOffsetMin, plus 60 minutes when
	/// the file's daylight-saving flag is set; a value × energyUnitKwh is the half-hour's energy in kWh.
	/// A point is set aside when its code is not 15 digits, it repeats a code of the file, it has no channel,
	/// a channel code is not 01..04 or repeats, or a channel has not exactly the 48 half-hours 00:00–24:00 in
	/// order each with a whole non-negative value. Throws FormatError when the day itself is not a date.

std::string channelField(int index);
	/// The ingest field of channel index 0..3: p_plus, p_minus, q_plus, q_minus.


} // namespace kabinet::energosfera


#endif // KABINET_ENERGOSFERA_DAYROWS_H
