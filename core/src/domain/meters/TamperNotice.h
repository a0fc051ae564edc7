#pragma once
/// The notice a tamper event of a meter's journal raises: `meter_tamper` to the tenant's operators, naming the
/// consumer, the address, the meter's serial and the event's local time (never an internal id), once per event.
#include "notify/NotificationCentre.h"

#include <soci/soci.h>

namespace kabinet {

struct EventRow;

/// The notice of `e` (a tamper event of a meter the tenant has), with what it needs read on `s`: the point,
/// its account and contract (consumer's name, address) and the meter's serial. Deduplicated by meter, start
/// and code.
Notice tamperNotice(soci::session& s, const Tenant& t, const EventRow& e);

} // namespace kabinet
