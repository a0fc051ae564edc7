// The load profile: its energy or power columns, interval by interval.
#include "DlmsSession.h"

#include "DlmsColumns.h"

namespace kabinet::dlms {

void DlmsSession::readProfile(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
    const Obis profile = spodes::kLoadProfile;
    const ProfileInfo& info = profileInfo(profile);
    if (!info.ok) {
        sink.unavailable(KB_READ_PROFILE, profile.toString(), info.reason);
        return;
    }
    const auto clock = findClock(info.columns);
    if (!clock) {
        sink.unavailable(KB_READ_PROFILE, profile.toString(), "no clock among the capture objects");
        return;
    }
    const std::uint32_t period = info.period ? info.period : 1800;
    const std::int64_t shift = settings_.profileStampIsEnd ? period : 0;
    if (request.to <= request.from) return;
    // An empty buffer (entries_in_use 0) needs no range read; a meter without the attribute is read as before.
    if (const auto entries = entriesInUse(profile); entries && *entries == 0) return;

    // The value columns: A+/A-/R+/R- as energy per interval (Wh, varh) or average power (W, var).
    struct Channel {
        std::size_t index;
        int channel;  ///< 1..4
        bool power;   ///< average power over the interval
        int scaler;
    };
    std::vector<Channel> channels;
    for (std::size_t i = 0; i < info.columns.size(); ++i) {
        const Column& c = info.columns[i];
        const int ch = c.obis.v[2];
        if (i == *clock || !isRegisterClass(c.classId) || c.obis.v[0] != 1 || ch < 1 || ch > 4) continue;
        if (!c.scaler) {
            std::string reason = "scaler_unit unavailable";
            scalerUnit(c.classId, c.obis, &reason);
            sink.unavailable(KB_READ_PROFILE, c.obis.toString(), reason);
            continue;
        }
        const std::uint8_t unit = c.scaler->unit;
        const bool active = ch <= 2;
        if (unit == (active ? spodes::kUnitWh : spodes::kUnitVarh)) channels.push_back({i, ch, false, c.scaler->scaler});
        else if (unit == (active ? spodes::kUnitW : spodes::kUnitVar)) channels.push_back({i, ch, true, c.scaler->scaler});
        else sink.unavailable(KB_READ_PROFILE, c.obis.toString(), "unexpected unit " + std::to_string(unit));
    }

    const auto rows = profileRows(profile, request.from + shift, request.to - 1 + shift, KB_READ_PROFILE, sink);
    if (!rows) return;
    std::optional<std::int64_t> previous;
    bool reportedBadClock = false;
    for (const Data& row : *rows) {
        const Data& stamp = row.items[*clock];
        std::uint8_t status = 0;
        std::optional<std::int64_t> ts;
        if (stamp.type == DataType::Null && previous) ts = *previous + period; // a compressed row: the next interval
        else ts = utcOf(stamp, &status);
        if (!ts) {
            if (!reportedBadClock) sink.unavailable(KB_READ_PROFILE, profile.toString(), "a row with an invalid clock was skipped");
            reportedBadClock = true;
            continue;
        }
        previous = ts;
        const std::int64_t start = *ts - shift;
        if (start < request.from || start >= request.to) continue;
        sdk::Interval iv;
        iv.start = start;
        iv.lengthS = period;
        if (status != 0xFF && (status & kClockStatusDoubtful)) iv.flags |= KB_INTERVAL_INCOMPLETE;
        for (const Channel& ch : channels) {
            const Data& cell = row.items[ch.index];
            if (!cell.isNumber()) continue;
            double v = spodes::applyScaler(cell.asDouble(), ch.scaler);
            if (ch.power) v = v * period / 3600.0;
            v /= 1000.0;
            switch (ch.channel) {
            case 1: iv.apKwh = v; break;
            case 2: iv.amKwh = v; break;
            case 3: iv.rpKvarh = v; break;
            default: iv.rmKvarh = v; break;
            }
        }
        sink.interval(iv);
    }
}

} // namespace kabinet::dlms
