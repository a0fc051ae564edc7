// Billing snapshots from the daily and monthly profiles.
#include "DlmsSession.h"

#include "DlmsColumns.h"

#include <set>

namespace kabinet::dlms {

void DlmsSession::readBilling(const sdk::ReadRequest& request, sdk::ReadingSink& sink)
{
    if (request.to <= request.from) return;
    std::set<std::int64_t> daily;
    for (const Obis& profile : {spodes::kDailyProfile, spodes::kMonthlyProfile}) {
        const bool isDaily = profile == spodes::kDailyProfile;
        const ProfileInfo& info = profileInfo(profile);
        if (!info.ok) {
            sink.unavailable(KB_READ_BILLING, profile.toString(), info.reason);
            continue;
        }
        const auto clock = findClock(info.columns);
        if (!clock) {
            sink.unavailable(KB_READ_BILLING, profile.toString(), "no clock among the capture objects");
            continue;
        }
        struct Register {
            std::size_t index;
            kb_quantity quantity;
            std::uint32_t tariff;
            ScalerUnit scaler;
        };
        std::vector<Register> registers;
        for (std::size_t i = 0; i < info.columns.size(); ++i) {
            const Column& c = info.columns[i];
            const int ch = c.obis.v[2], tariff = c.obis.v[4];
            if (!isRegisterClass(c.classId) || c.attribute != 2 || c.obis.v[0] != 1 || ch < 1 || ch > 4 || c.obis.v[3] != 8 || tariff > 4)
                continue;
            if (!c.scaler) {
                std::string reason = "scaler_unit unavailable";
                scalerUnit(c.classId, c.obis, &reason);
                sink.unavailable(KB_READ_BILLING, c.obis.toString(), reason);
                continue;
            }
            registers.push_back({i, spodes::energyQuantity(static_cast<std::uint8_t>(ch)), static_cast<std::uint32_t>(tariff), *c.scaler});
        }
        const auto rows = profileRows(profile, request.from, request.to - 1, KB_READ_BILLING, sink);
        if (!rows) continue;
        for (const Data& row : *rows) {
            const auto ts = utcOf(row.items[*clock]);
            if (!ts || *ts < request.from || *ts >= request.to) continue;
            if (isDaily) daily.insert(*ts);
            else if (daily.count(*ts)) continue; // the day's snapshot already gave these registers
            for (const Register& r : registers) {
                const Data& cell = row.items[r.index];
                if (!cell.isNumber()) continue;
                const auto v = spodes::toQuantityUnit(r.quantity, spodes::applyScaler(cell.asDouble(), r.scaler.scaler), r.scaler.unit);
                if (v) sink.value(r.quantity, r.tariff, 0, *v, *ts);
            }
        }
    }
}

} // namespace kabinet::dlms
