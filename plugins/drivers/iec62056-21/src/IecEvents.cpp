//
// IecEvents.cpp
//
// The event journals (LOEzz): power, phase voltages, seals, magnet, self-test.
//


#include "IecFunctions.h"

#include <algorithm>


namespace kabinet::iec {


void IecSession::readEvents(const sdk::ReadRequest& req, sdk::ReadingSink& sink)
{
	if (req.from >= req.to) return;
	struct Journal
	{
		const char* name;
		int kind; // 0 power, 1 phases, 2 terminal cover, 3 cover, 4 magnet, 5 self-test
	};
	static constexpr Journal kJournals[] = {
		{"LOE04", 0}, {"LOE08", 1}, {"LOE28", 2}, {"LOE29", 3}, {"LOE30", 4}, {"LOE01", 5}};
	std::vector<sdk::Event> events;
	for (const Journal& journal : kJournals)
	{
		auto block = query(journal.name, "", KB_READ_EVENTS, sink);
		if (!block) continue;
		std::vector<JournalEntry> entries;
		for (const auto& item : block->items)
		{
			auto e = parseJournalEntry(item.value);
			if (!e) throw sdk::ProtocolError(std::string(journal.name) + ": bad journal record");
			if (e->record != 0) entries.push_back(*e);
		}
		std::sort(entries.begin(), entries.end(), [](const JournalEntry& a, const JournalEntry& b) { return a.record < b.record; });
		unsigned state[4] = {0, 0, 0, 0}; // journal 08: last state of each phase (0 = normal, 3 = off)
		for (const JournalEntry& e : entries)
		{
			const std::int64_t ts = toUtc(e.date, e.time);
			const auto add = [&](kb_event_class cls, std::uint32_t phase)
			{
				if (ts < req.from || ts >= req.to) return;
				sdk::Event ev;
				ev.timestamp = ts;
				ev.eventClass = cls;
				ev.phase = phase;
				ev.journal = journal.name;
				ev.code = e.info;
				events.push_back(std::move(ev));
			};
			switch (journal.kind)
			{
			case 0:
				add((e.info & 1) ? KB_EV_POWER_OFF : KB_EV_POWER_ON, 0);
				break;
			case 1:
				for (unsigned ph = 1; ph <= 3; ++ph)
				{
					const unsigned s = (e.info >> (2 * (ph - 1))) & 3u;
					if (s == state[ph]) continue;
					if (s == 3)
						add(KB_EV_PHASE_OFF, ph);
					else
					{
						if (state[ph] == 3) add(KB_EV_PHASE_ON, ph);
						if (s == 1) add(KB_EV_VOLTAGE_HIGH, ph);
						else if (s == 2) add(KB_EV_VOLTAGE_LOW, ph);
						else if (state[ph] != 3) add(KB_EV_VOLTAGE_NORMAL, ph);
					}
					state[ph] = s;
				}
				break;
			case 2:
			case 3:
			{
				const unsigned s = e.info & 3u;
				const bool terminal = journal.kind == 2;
				if (s >= 2) add(terminal ? KB_EV_TERMINAL_COVER_OPEN : KB_EV_COVER_OPEN, 0);
				else if (s == 1) add(terminal ? KB_EV_TERMINAL_COVER_CLOSE : KB_EV_COVER_CLOSE, 0);
				else add(KB_EV_OTHER, 0);
				break;
			}
			case 4:
				add((e.info & 1) ? KB_EV_MAGNETIC_FIELD : KB_EV_OTHER, 0);
				break;
			default:
				add((e.info & 0x03) ? KB_EV_FIRMWARE_INTEGRITY : KB_EV_OTHER, 0);
				break;
			}
		}
	}
	std::stable_sort(events.begin(), events.end(), [](const sdk::Event& a, const sdk::Event& b) { return a.timestamp < b.timestamp; });
	for (const auto& e : events) sink.event(e);
}


} // namespace kabinet::iec
