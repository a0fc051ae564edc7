#include "api/CommonShapes.h"

namespace kabinet::shapes {

using namespace shape;

Shape ok() {
    static const Shape s = named("Ok", object({{"ok", boolean()}}));
    return s;
}

Shape okMessage() {
    static const Shape s = named("OkMessage", object({{"ok", boolean()}, {"message", string()}}));
    return s;
}

Shape formValues() {
    static const Shape s = named("FormValues", described(mapOf(either({string(), boolean()})),
                                                         "field name → value, as the tenant's form declares the fields"));
    return s;
}

Shape id() { return string(); }
Shape date() { return string("date"); }
Shape unixTime() { return described(integer(), "Unix seconds (UTC)"); }

} // namespace kabinet::shapes
