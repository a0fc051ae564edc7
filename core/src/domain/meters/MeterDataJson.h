#pragma once
/// Meter data as the ingest API takes it: a JSON batch {"readings":[…],"profile":[…],"params":[…],
/// "events":[…]} (docs/API.md, "Meter data input").
#include "meters/MeterData.h"

#include <Poco/JSON/Object.h>

namespace kabinet {

/// The rows of a JSON batch. Every field of every row is checked for its JSON type (a number is not a
/// boolean, a meter id is a non-empty string, times are integer Unix seconds) and the first bad one is named
/// as "list[index].field" (422); at most 100,000 rows a batch. Absent fields take the rows' defaults. The
/// rules of the values themselves are validateMeterData's.
MeterDataBatch meterDataFromJson(const Poco::JSON::Object::Ptr& body);

} // namespace kabinet
