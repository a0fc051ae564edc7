//
// IecBilling.cpp
//
// Billing snapshots: the register at month starts (ENMPE) and at day starts (ENMPE plus the EADPE
// of the days before).
//


#include "IecFunctions.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>


namespace kabinet::iec {


namespace {


constexpr int kBillingDaysMax = 128;   // day snapshots older than this are not asked for
constexpr int kBillingMonthsMax = 40;  // month snapshots older than this are not asked for


std::string monthParam(int year, unsigned month)
{
	char buf[32];
	std::snprintf(buf, sizeof buf, "%02u.%02d", month, year % 100);
	return buf;
}


} // namespace


void IecSession::readBilling(const sdk::ReadRequest& req, sdk::ReadingSink& sink)
{
	const std::int64_t now = sdk::nowUnix();
	const std::int64_t from = req.from;
	const std::int64_t to = std::min(req.to, now + 1);
	if (from >= to) return;
	const std::int64_t off = static_cast<std::int64_t>(_meter.utcOffsetMin) * 60;

	// Archive values by function(params); empty when the meter did not give them.
	std::map<std::string, std::optional<std::vector<Fixed>>> cache;
	const auto fetch = [&](const std::string& name, const std::string& params) -> const std::optional<std::vector<Fixed>>&
	{
		const std::string key = name + "(" + params + ")";
		auto it = cache.find(key);
		if (it != cache.end()) return it->second;
		std::optional<std::vector<Fixed>> values;
		if (auto block = query(name, params, KB_READ_BILLING, sink)) values = numbers(*block, key);
		return cache.emplace(key, std::move(values)).first->second;
	};
	const auto prevMonth = [](int year, unsigned month) { return month == 1 ? std::pair{year - 1, 12u} : std::pair{year, month - 1}; };
	const auto report = [&](std::int64_t at, const std::vector<Fixed>& sum, std::size_t tariffs)
	{
		for (std::size_t t = 0; t < tariffs && t <= 4; ++t)
			sink.value(KB_Q_ENERGY_AP, static_cast<std::uint32_t>(t), 0, sum[t].toDouble(), at);
	};

	// Month starts in [from, to): the register at the end of the previous month.
	sdk::Civil c = toLocal(from);
	int year = c.year;
	unsigned month = c.month;
	bool tooOld = false;
	for (int guard = 0; guard < 1200; ++guard)
	{
		const std::int64_t start = sdk::civilToUnix(year, month, 1) - off;
		if (start >= to) break;
		if (start >= from)
		{
			if (start < now - kBillingMonthsMax * 31 * kDay)
				tooOld = true;
			else
			{
				const auto [py, pm] = prevMonth(year, month);
				if (const auto& v = fetch("ENMPE", monthParam(py, pm))) report(start, *v, v->size());
			}
		}
		if (++month > 12)
		{
			month = 1;
			++year;
		}
	}
	if (tooOld) sink.unavailable(KB_READ_BILLING, "ENMPE", "month snapshots older than " + std::to_string(kBillingMonthsMax) + " months are not asked for");

	// Day starts in [from, to) that are not month starts: the register at the end of the previous month
	// plus the energy of the days of this month before it.
	tooOld = false;
	c = toLocal(from);
	std::int64_t day = sdk::civilToUnix(c.year, c.month, c.day) - off;
	if (day < from) day += kDay;
	for (; day < to; day += kDay)
	{
		const sdk::Civil d = toLocal(day);
		if (d.day == 1) continue;
		if (day < now - kBillingDaysMax * kDay)
		{
			tooOld = true;
			continue;
		}
		const auto [py, pm] = prevMonth(d.year, d.month);
		const auto& base = fetch("ENMPE", monthParam(py, pm));
		if (!base) continue;
		std::vector<Fixed> sum = *base;
		std::size_t tariffs = sum.size();
		bool complete = true;
		for (unsigned k = 1; k < d.day && complete; ++k)
		{
			const auto& part = fetch("EADPE", dateParam(d.year, d.month, k));
			if (!part)
			{
				complete = false;
				break;
			}
			tariffs = std::min(tariffs, part->size());
			for (std::size_t t = 0; t < tariffs; ++t) sum[t].nano += (*part)[t].nano;
		}
		if (complete) report(day, sum, tariffs);
	}
	if (tooOld) sink.unavailable(KB_READ_BILLING, "EADPE", "day snapshots older than " + std::to_string(kBillingDaysMax) + " days are not asked for");
}


} // namespace kabinet::iec
