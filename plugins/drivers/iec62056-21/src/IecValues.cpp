//
// IecValues.cpp
//
// The meter's identity and clock, and the current values: energy registers and instantaneous values.
//


#include "IecFunctions.h"


namespace kabinet::iec {


void IecSession::readIdentity(sdk::ReadingSink& sink)
{
	auto block = query("SNUMB", "", KB_READ_IDENTITY, sink);
	if (!block) return;
	sdk::Identity id;
	id.serial = block->items.front().value;
	id.model = _ident.model;
	id.firmware = _ident.firmware;
	sink.identity(id);
}


void IecSession::readClock(sdk::ReadingSink& sink)
{
	auto date = query("DATE_", "", KB_READ_CLOCK, sink);
	if (!date) return;
	auto time = query("TIME_", "", KB_READ_CLOCK, sink);
	if (!time) return;
	const std::int64_t host = sdk::nowUnix();
	auto t = parseTime(time->items.front().value);
	if (!t) throw sdk::ProtocolError("TIME_: not a time");
	if (t->hour == 0 && t->minute == 0 && t->second < 10)
	{
		// The date may have been read just before midnight: read it again.
		date = query("DATE_", "", KB_READ_CLOCK, sink);
		if (!date) return;
	}
	auto d = parseMeterDate(date->items.front().value);
	if (!d) throw sdk::ProtocolError("DATE_: not a date");
	sink.clock(toUtc(*d, *t), host);
}


void IecSession::readEnergy(sdk::ReadingSink& sink)
{
	if (auto block = query("ET0PE", "", KB_READ_ENERGY, sink))
	{
		const std::int64_t ts = sdk::nowUnix();
		const auto v = numbers(*block, "ET0PE");
		for (std::size_t tariff = 0; tariff < v.size() && tariff <= 4; ++tariff)
			sink.value(KB_Q_ENERGY_AP, static_cast<std::uint32_t>(tariff), 0, v[tariff].toDouble(), ts);
	}
	sink.unavailable(KB_READ_ENERGY, "A-, R+, R-", "not read: the function names for this dialect are not verified");
}


void IecSession::readInstant(sdk::ReadingSink& sink)
{
	// Values per phase as the meter gives them: 1 value = total / single phase, 3 = L1..L3,
	// 4 = L1..L3 and the total (the order documented for the CE308).
	const auto report = [&](const char* name, kb_quantity quantity, bool hasTotal)
	{
		auto block = query(name, "", KB_READ_INSTANT, sink);
		if (!block) return;
		const std::int64_t ts = sdk::nowUnix();
		const auto v = numbers(*block, name);
		if (v.size() == 1)
		{
			sink.value(quantity, 0, 0, v[0].toDouble(), ts);
			return;
		}
		for (std::size_t i = 0; i < v.size() && i < 3; ++i) sink.value(quantity, 0, static_cast<std::uint32_t>(i + 1), v[i].toDouble(), ts);
		if (hasTotal && v.size() >= 4) sink.value(quantity, 0, 0, v[3].toDouble(), ts);
	};
	report("VOLTA", KB_Q_VOLTAGE, false);
	report("CURRE", KB_Q_CURRENT, false);
	report("POWEP", KB_Q_POWER_P, true);
	if (auto block = query("POWPP", "", KB_READ_INSTANT, sink))
	{
		const std::int64_t ts = sdk::nowUnix();
		const auto v = numbers(*block, "POWPP");
		for (std::size_t i = 0; i < v.size() && i < 3; ++i) sink.value(KB_Q_POWER_P, 0, static_cast<std::uint32_t>(i + 1), v[i].toDouble(), ts);
	}
	report("COS_f", KB_Q_POWER_FACTOR, true);
	report("FREQU", KB_Q_FREQUENCY, false);
	sink.unavailable(KB_READ_INSTANT, "Q, S, angles", "not read: the function names for this dialect are not verified");
}


} // namespace kabinet::iec
