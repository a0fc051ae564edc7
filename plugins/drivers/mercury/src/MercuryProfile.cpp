//
// MercuryProfile.cpp
//
// The power profile: the walk back through the profile memory from the last record.
//


#include "MercuryAsk.h"

#include <cstdio>


namespace kabinet::mercury {


void MercurySession::readProfile(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
	const Variant* v = nullptr;
	try
	{
		v = &variant();
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_PROFILE, "08 12", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_PROFILE, m.object(), m.reason());
		return;
	}
	if (!v->hasProfile)
	{
		sink.unavailable(KB_READ_PROFILE, "08 12", "this meter keeps no power profile");
		return;
	}
	if (!v->pulsesPerKwh)
	{
		sink.unavailable(KB_READ_PROFILE, "08 12", "unknown meter constant");
		return;
	}
	const unsigned a = *v->pulsesPerKwh;
	const std::uint32_t ring = v->profileRecords;
	// The unit of the last record's address depends on the firmware (see lastRecordByteAddress).
	std::optional<FirmwareVersion> fw;
	try
	{
		fw = firmware();
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_PROFILE, m.object(), m.reason());
		return;
	}
	if (!fw)
	{
		sink.unavailable(KB_READ_PROFILE, "08 03", "firmware version unknown: the address of the last profile record cannot be read");
		return;
	}
	LastRecord last;
	std::int64_t now = 0;
	try
	{
		now = toUtc(meterClock(), _settings.utcOffsetMin);
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_PROFILE, "04 00", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_PROFILE, m.object(), m.reason());
		return;
	}
	try
	{
		last = ask(paramRequest(_settings.address, 0x13), 9, 9, "08 13", decodeLastRecord);
	}
	catch (const Unavailable& u)
	{
		sink.unavailable(KB_READ_PROFILE, "08 13", u.what());
		return;
	}
	catch (const MalformedAnswer& m)
	{
		sink.failed(KB_READ_PROFILE, m.object(), m.reason());
		return;
	}
	if (!last.time) return; // nothing recorded yet
	if (last.periodMin == 0 || last.periodMin > 60)
	{
		sink.failed(KB_READ_PROFILE, "08 13", "integration period of " + std::to_string(last.periodMin) + " minutes");
		return;
	}
	const std::uint32_t lastAddress = lastRecordByteAddress(last, *fw);
	char fwText[32];
	std::snprintf(fwText, sizeof fwText, "%u.%u.%u", fw->major, fw->minor, fw->patch);
	if (lastAddress % 16 != 0 || lastAddress / 16 >= ring)
	{
		sink.failed(KB_READ_PROFILE, "08 13", "last profile record at byte address " + std::to_string(lastAddress) +
			" is no record of the profile memory (firmware " + fwText + ")");
		return;
	}
	const std::uint32_t lastIndex = lastAddress / 16;

	// Records follow each other every T minutes whether the meter was powered or not, so the record that
	// starts before `to` is found by counting back from the last one; from there the walk goes back record
	// by record (through address 0 to the end of the ring once it has wrapped) until the range start.
	const std::int64_t step = static_cast<std::int64_t>(last.periodMin) * 60;
	const std::int64_t lastStart = toUtc(*last.time, _settings.utcOffsetMin) - (_config.stampIsEnd ? step : 0);
	const std::int64_t to = request.to, from = request.from;
	std::int64_t k = lastStart >= to ? (lastStart - to) / step + 1 : 0;
	const std::int64_t kMax = last.wrapped() ? static_cast<std::int64_t>(ring) - 1 : static_cast<std::int64_t>(lastIndex);
	for (; k <= kMax; ++k)
	{
		const std::uint32_t index = static_cast<std::uint32_t>((static_cast<std::int64_t>(lastIndex) - k % ring + ring) % ring);
		const std::uint32_t byteAddress = index * 16;
		const std::string object = hex({0x06, (byteAddress & 0x10000u) ? 0x83u : 0x03u, (byteAddress >> 8) & 0xFFu, byteAddress & 0xFFu, 0x0F});
		ProfileRecord rec;
		try
		{
			rec = ask(profileRecordRequest(_settings.address, byteAddress), 15, 15, object, decodeProfileRecord);
		}
		catch (const Unavailable& u)
		{
			sink.unavailable(KB_READ_PROFILE, object, u.what());
			return;
		}
		catch (const MalformedAnswer& m)
		{
			// The walk stops at a record that makes no sense; the host drops the profile of this read (the
			// records already walked would leave a gap behind the cursor) and retries it.
			sink.failed(KB_READ_PROFILE, m.object(), m.reason());
			return;
		}
		if (!rec.time) break; // an empty record: the profile starts after it
		const std::int64_t length = static_cast<std::int64_t>(rec.periodMin != 0 && rec.periodMin <= 60 ? rec.periodMin : last.periodMin) * 60;
		const std::int64_t start = toUtc(*rec.time, _settings.utcOffsetMin) - (_config.stampIsEnd ? length : 0);
		if (start < from) break;
		if (start >= to || start + length > now) continue; // after the range, or not complete yet
		sdk::Interval interval;
		interval.start = start;
		interval.lengthS = static_cast<std::uint32_t>(length);
		double* const target[4] = {&interval.apKwh, &interval.amKwh, &interval.rpKvarh, &interval.rmKvarh};
		for (std::size_t ch = 0; ch < 4; ++ch)
			if (rec.pulses[ch]) *target[ch] = pulsesToKwh(*rec.pulses[ch], a);
		if (rec.incomplete()) interval.flags |= KB_INTERVAL_INCOMPLETE;
		sink.interval(interval);
	}
}


} // namespace kabinet::mercury
