//
// MercuryBilling.cpp
//
// Billing snapshots: the registers at the start of today, of yesterday and of the months of
// the 12-month window.
//


#include "MercuryAsk.h"

#include <array>


namespace kabinet::mercury {


void MercurySession::readBilling(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
	// Snapshots the meter keeps: the registers at the start of today (array C), of yesterday (D) and of
	// this month (B). Earlier month starts follow from the month-start registers and the energy of each
	// month in between (array 3, a 12-month window): start(m) = start(m + 1) - energy(m).
	const std::int64_t from = request.from, to = request.to;
	const auto inRange = [&](std::int64_t t) { return t >= from && t < to; };
	LocalTime now;
	try
	{
		now = meterClock();
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_BILLING, "04 00", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_BILLING, m.object(), m.reason());
		return;
	}
	const int off = _settings.utcOffsetMin;
	const LocalTime today{now.year, now.month, now.day};
	const std::int64_t todayStart = toUtc(today, off);
	const std::int64_t yesterdayStart = todayStart - 86400;

	using Registers = std::array<std::array<std::optional<std::uint32_t>, 4>, 5>; // [tariff][channel]
	const auto readArray = [&](std::uint8_t array, std::uint8_t month, Registers& out) -> bool
	{
		for (unsigned tariff = 0; tariff <= 4; ++tariff)
		{
			const std::string object = hex({0x05, static_cast<unsigned>((array << 4) | month), tariff});
			try
			{
				out[tariff] = ask(energyRequest(_settings.address, array, month, static_cast<std::uint8_t>(tariff)), 16, 16, object, decodeEnergy).wh;
			}
			catch (const Unavailable& u)
			{
				sink.unavailable(KB_READ_BILLING, object, u.what());
				return false;
			}
			catch (const MalformedAnswer& m)
			{
				sink.failed(KB_READ_BILLING, m.object(), m.reason());
				return false;
			}
		}
		return true;
	};
	const auto emit = [&](const Registers& regs, std::int64_t moment)
	{
		for (unsigned tariff = 0; tariff <= 4; ++tariff)
			for (std::size_t ch = 0; ch < 4; ++ch)
				if (regs[tariff][ch]) sink.value(kEnergyQuantity[ch], tariff, 0, static_cast<double>(*regs[tariff][ch]) / 1000.0, moment);
	};

	Registers regs;
	if (inRange(todayStart) && readArray(0x0C, 0, regs)) emit(regs, todayStart);
	if (inRange(yesterdayStart) && readArray(0x0D, 0, regs)) emit(regs, yesterdayStart);

	// Month starts: this month's, then back through the 12-month window while the range reaches.
	const auto monthStart = [&](int back) -> std::int64_t
	{
		int y = now.year, m = static_cast<int>(now.month) - back;
		while (m < 1)
		{
			m += 12;
			--y;
		}
		return toUtc(LocalTime{y, static_cast<unsigned>(m), 1}, off);
	};
	constexpr int kWindow = 11; // months before this one whose energy array 3 still holds
	int deepest = -1;
	for (int back = 0; back <= kWindow; ++back)
		if (monthStart(back) < to && monthStart(back) >= from) deepest = back;
	if (deepest < 0) return;
	if (from < monthStart(kWindow) && to > monthStart(kWindow + 1))
		sink.unavailable(KB_READ_BILLING, "05 3x", "month starts before the meter's 12-month window");
	Registers base;
	if (!readArray(0x0B, 0, base)) return;
	if (inRange(monthStart(0))) emit(base, monthStart(0));
	for (int back = 1; back <= deepest; ++back)
	{
		int m = static_cast<int>(now.month) - back;
		while (m < 1) m += 12;
		Registers energy;
		if (!readArray(0x03, static_cast<std::uint8_t>(m), energy)) return;
		for (unsigned tariff = 0; tariff <= 4; ++tariff)
			for (std::size_t ch = 0; ch < 4; ++ch)
			{
				auto& b = base[tariff][ch];
				const auto& e = energy[tariff][ch];
				if (b && e && *e <= *b) b = *b - *e;
				else b.reset();
			}
		if (inRange(monthStart(back))) emit(base, monthStart(back));
	}
}


} // namespace kabinet::mercury
