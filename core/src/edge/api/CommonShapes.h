#pragma once
/// Shapes several areas of the API answer with: the bare confirmation {"ok":true}, the values of a
/// tenant's form.
#include "http/RouteSpec.h"

namespace kabinet::shapes {

/// {"ok": true}
Shape ok();
/// {"ok": true, "message": "<Russian text>"}
Shape okMessage();
/// A person's form values as the tenant's form names them: text, or a switch.
Shape formValues();
/// An identifier the server made (opaque text).
Shape id();
/// A date "YYYY-MM-DD".
Shape date();
/// Unix seconds (UTC).
Shape unixTime();

} // namespace kabinet::shapes
