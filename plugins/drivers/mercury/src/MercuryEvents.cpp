//
// MercuryEvents.cpp
//
// The event journals: power, phases, case opening, magnetic field.
//


#include "MercuryAsk.h"

#include <cstdio>


namespace kabinet::mercury {


void MercurySession::readEvents(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
	struct Journal
	{
		std::uint8_t number;
		kb_event_class first;  // class of the record's first moment
		kb_event_class second; // of its second moment (KB_EV_OTHER: not reported)
		std::uint32_t phase;
	};
	// Per the command description: power and phase journals keep the switch-on time, then the switch-off
	// time; the case journal the opening, then the closing; the magnetic-field journal start, then end.
	static constexpr Journal kJournals[] = {
		{0x01, KB_EV_POWER_ON, KB_EV_POWER_OFF, 0},
		{0x03, KB_EV_PHASE_ON, KB_EV_PHASE_OFF, 1},
		{0x04, KB_EV_PHASE_ON, KB_EV_PHASE_OFF, 2},
		{0x05, KB_EV_PHASE_ON, KB_EV_PHASE_OFF, 3},
		{0x12, KB_EV_COVER_OPEN, KB_EV_COVER_CLOSE, 0},
		{0x1A, KB_EV_MAGNETIC_FIELD, KB_EV_OTHER, 0},
	};
	for (const Journal& j: kJournals)
	{
		char name[8];
		std::snprintf(name, sizeof name, "0x%02X", static_cast<unsigned>(j.number));
		for (unsigned record = 0; record < 10; ++record)
		{
			const std::string object = hex({0x04, j.number, record});
			JournalRecord rec;
			try
			{
				rec = ask(journalRequest(_settings.address, j.number, static_cast<std::uint8_t>(record)), 12, 12, object, decodeJournal);
			}
			catch (const Unavailable& u)
			{
				sink.unavailable(KB_READ_EVENTS, object, u.what());
				break;
			}
			catch (const MalformedAnswer& m)
			{
				sink.failed(KB_READ_EVENTS, m.object(), m.reason());
				break;
			}
			const auto report = [&](const std::optional<LocalTime>& t, kb_event_class cls)
			{
				if (!t || cls == KB_EV_OTHER) return;
				const std::int64_t ts = toUtc(*t, _settings.utcOffsetMin);
				if (ts < request.from || ts >= request.to) return;
				sdk::Event e;
				e.timestamp = ts;
				e.eventClass = cls;
				e.phase = j.phase;
				e.journal = name;
				e.code = -1;
				sink.event(e);
			};
			report(rec.first, j.first);
			report(rec.second, j.second);
		}
	}
}


} // namespace kabinet::mercury
