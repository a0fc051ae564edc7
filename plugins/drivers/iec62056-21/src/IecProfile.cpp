//
// IecProfile.cpp
//
// The load profile: VPI01 day by day.
//


#include "IecFunctions.h"


namespace kabinet::iec {


namespace {


constexpr int kProfileDaysMax = 128;   // profile days older than this are not asked for


} // namespace


void IecSession::readProfile(const sdk::ReadRequest& req, sdk::ReadingSink& sink)
{
	const std::int64_t now = sdk::nowUnix();
	if (req.from >= req.to) return;
	const std::int64_t off = static_cast<std::int64_t>(_meter.utcOffsetMin) * 60;
	const sdk::Civil c = toLocal(req.from);
	bool tooOld = false;
	for (std::int64_t day = sdk::civilToUnix(c.year, c.month, c.day) - off; day < req.to && day <= now; day += kDay)
	{
		if (day + kDay <= now - kProfileDaysMax * kDay)
		{
			tooOld = true;
			continue;
		}
		const sdk::Civil d = toLocal(day);
		const std::string param = dateParam(d.year, d.month, d.day);
		const DataBlock block = request("VPI01", param);
		if (block.errorCode >= 0)
		{
			// ERR18: the day is not (or no longer) in the meter; anything else (ERR12: the meter does not
			// know the function) will not change for the next days.
			sink.unavailable(KB_READ_PROFILE, "VPI01(" + param + ")", errorText(block.errorCode));
			if (block.errorCode == 18) continue;
			break;
		}
		auto parsed = parseProfileDay(block);
		if (!parsed.value) throw sdk::ProtocolError("VPI01(" + param + "): " + parsed.error);
		const ProfileDay& p = *parsed.value;
		if (p.date && (p.date->year != d.year || p.date->month != d.month || p.date->day != d.day))
			continue; // the meter answered an earlier day: it has no record of this one (it was off)
		const std::size_t n = p.entries.size();
		if (n == 0 || kDay % static_cast<std::int64_t>(n) != 0 || kDay / static_cast<std::int64_t>(n) < 60)
			throw sdk::ProtocolError("VPI01(" + param + "): " + std::to_string(n) + " intervals in a day");
		const auto length = static_cast<std::uint32_t>(kDay / static_cast<std::int64_t>(n));
		for (std::size_t k = 0; k < n; ++k)
		{
			const ProfileEntry& e = p.entries[k];
			const std::int64_t start = day + static_cast<std::int64_t>(k) * length;
			if (start < req.from || start >= req.to) continue;
			if (!(e.status & 0x01) || (e.status & 0x80)) continue; // empty or corrupt record
			sdk::Interval interval;
			interval.start = start;
			interval.lengthS = length;
			interval.apKwh = e.value.toDouble();
			if (e.status & (0x04 | 0x08 | 0x40)) interval.flags |= KB_INTERVAL_INCOMPLETE;
			sink.interval(interval);
		}
	}
	if (tooOld)
		sink.unavailable(KB_READ_PROFILE, "VPI01", "profile days older than " + std::to_string(kProfileDaysMax) + " days are not asked for");
}


} // namespace kabinet::iec
