#pragma once
/// The named shapes of meter data answers (MeterShapes.cpp), shared by the meter route specs.
#include "http/RouteSpec.h"

namespace kabinet::shapes {

Shape contract();        ///< a contract as GET access and the ОГРН confirmation list it
Shape meterSummary();    ///< the meter of a point in GET points
Shape manualAllowed();   ///< {allowed, reason}: whether the consumer may send readings of the point
Shape registers();       ///< {ts, total, t1…t4}: a reading of the cumulative registers
Shape manualReading();   ///< a manual reading as the consumer sees it
Shape archiveRequest();  ///< an archive request
Shape grantBody();       ///< {user_id, scope, ref} of operator grants
Shape periodQuery();     ///< "YYYY-MM-DD" of `from`/`to`

} // namespace kabinet::shapes
