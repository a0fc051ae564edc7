// The event journals: each record's time and event code, mapped to an event class.
#include "DlmsSession.h"

#include "DlmsColumns.h"

#include <climits>

namespace kabinet::dlms {

void DlmsSession::readEvents(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
    if (request.to <= request.from) return;
    for (const std::uint8_t n : spodes::eventJournals()) {
        const Obis journal = spodes::journal(n);
        const ProfileInfo& info = profileInfo(journal);
        if (!info.ok) {
            sink.unavailable(KB_READ_EVENTS, journal.toString(), info.reason);
            continue;
        }
        const auto clock = findClock(info.columns);
        std::optional<std::size_t> code;
        for (std::size_t i = 0; i < info.columns.size() && !code; ++i)
            if (info.columns[i].obis == spodes::journalEventCode(n) && info.columns[i].attribute == 2) code = i;
        for (std::size_t i = 0; i < info.columns.size() && !code; ++i)
            if (info.columns[i].classId == spodes::kClassData && i != clock) code = i;
        if (!clock || !code) {
            sink.unavailable(KB_READ_EVENTS, journal.toString(), "no clock or event code among the capture objects");
            continue;
        }
        const auto rows = profileRows(journal, request.from, request.to - 1, KB_READ_EVENTS, sink);
        if (!rows) continue;
        for (const Data& row : *rows) {
            const auto ts = utcOf(row.items[*clock]);
            const Data& cell = row.items[*code];
            if (!ts || *ts < request.from || *ts >= request.to || !cell.isInteger()) continue;
            const std::int64_t value = cell.asInt();
            const spodes::EventMeaning meaning = spodes::eventMeaning(n, value);
            sdk::Event e;
            e.timestamp = *ts;
            e.eventClass = meaning.eventClass;
            e.phase = meaning.phase;
            e.journal = journal.toString();
            e.code = value >= INT32_MIN && value <= INT32_MAX ? static_cast<std::int32_t>(value) : -1;
            sink.event(e);
        }
    }
}

} // namespace kabinet::dlms
