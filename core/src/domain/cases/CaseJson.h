#pragma once
/// The answers of the case routes (contract §5): states, list rows, field values and documents as people
/// read them — labels, names and the formatted number, never a raw id as text.
#include "cases/CaseDocuments.h"
#include "cases/CaseKinds.h"
#include "cases/CaseStore.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <string>

namespace kabinet::cases {

using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;

/// {id, label, final, tone} of a state of `kind` (a state the kind no longer declares: its id as label).
Obj stateJson(const Kind* kind, const std::string& state);
/// {id, name} of a person, or null when `id` is empty.
Poco::Dynamic::Var personJson(const std::string& id, const std::string& name);
/// A row of a case list; staff rows add the applicant and the assignee.
Obj listRow(const Kind* kind, const CaseRow& c, bool staff, const std::function<std::string(const std::string&)>& nameOf);
/// The shown text of one value of a field view: an option's label, «Да»/«Нет», or the value as text.
std::string valueText(const Obj& field, const Poco::Dynamic::Var& value);
/// [{name, label, value, text}] of the values present in `values` for the field views of `form`.
Arr fieldValues(const Arr& form, const Obj& values);
/// A document of a case: {id, type, type_label, name, size, content_type, at, by: {role, name}}.
Obj documentJson(const Kind* kind, const CaseDoc& d, const std::string& role, const std::string& name);
/// The case's number as people read it: the kind's prefix and the number.
std::string numberText(const Kind& kind, long long number);

} // namespace kabinet::cases
