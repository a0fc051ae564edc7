#pragma once
/// Telling consumers about an outage (issue 11): which metering points an outage reaches, and the notices of its
/// stages — `outage_planned` ahead of time, `outage_emergency` at publication, `outage_ended` at closing,
/// `outage_cancelled` when called off before its start — raised through NotificationCentre in the caller's transaction. Each point is told once per stage of an outage
/// (outage_notices), so an edit that adds addresses tells only the consumers newly reached.
#include "outages/OutageStore.h"

#include <string>
#include <vector>

namespace soci {
class session;
}

namespace kabinet {
class Tenant;
}

namespace kabinet::outages {

/// The ids of the tenant's metering points whose address lies in one of the outage's addresses (affects(): letter case and «ё»
/// ignored), read a page of 1000 points at a time.
std::vector<std::string> affectedPoints(OutageStore& store, const Outage& o);

/// Raises the notice of `stage` ("planned", "emergency", "ended" or "cancelled") of outage `o` to the consumers of
/// the points not yet told at that stage — for "ended" and "cancelled", of the points told at an earlier stage
/// (planned or emergency) — on `channels` (empty: the kind's; see Notice::channels) inside the caller's
/// transaction `s`, and records them. Returns how many points were newly told (0: nothing raised).
int notifyStage(soci::session& s, Tenant& t, OutageStore& store, const Outage& o, const std::string& stage, long long now,
                const std::vector<std::string>& channels = {});

} // namespace kabinet::outages
