#pragma once
/// What the parts of CaseService share: who is staff and on which side of a case, the request members they
/// read (422 naming a member that is not what it should be), the kind model of a tenant, deadlines by the
/// production calendar, people's names, uploads counted by document type, the Lua validation call, and the
/// case visible to a person (404 otherwise).
#include "cases/CaseJson.h"
#include "cases/CaseKinds.h"
#include "cases/CaseService.h"
#include "cases/CaseStore.h"
#include "identity/SessionInfo.h"

#include <Poco/Dynamic/Var.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct lua_State;

namespace soci {
class session;
}

namespace kabinet {
class Database;
class Tenant;
}

namespace kabinet::cases {

using Var = Poco::Dynamic::Var;
using FieldErrors = std::map<std::string, std::string>;

/// The longest text of a message or a comment, in characters.
constexpr std::size_t kMaxText = 4000;
/// Rows per page of the operators' list.
constexpr int kPageSize = 50;

/// The history's action id of an assignment (its fields: {assignee}).
inline constexpr const char* kAssignAction = "assign";

/// Whether the person is staff (operator or administrator).
bool isStaff(const SessionInfo& s);
/// The side of a case a person is on: "operator" for staff, else "consumer".
std::string sideOf(const SessionInfo& s);
/// The length of UTF-8 text in characters.
std::size_t chars(const std::string& s);
/// The text without leading and trailing white space.
std::string trimmed(const std::string& s);
/// The JSON object of `text` (empty or not an object: an empty object).
Obj parseObject(const std::string& text);
/// The JSON text of a value ("{}" when empty).
std::string stringify(const Var& v);
/// A text member of a body: "" when absent or null; 422 naming it when not text.
std::string textMember(const Obj& b, const std::string& key);
/// The object member `fields` (absent: empty; text: parsed, as multipart forms send it).
Obj fieldsMember(const Obj& b);
/// The tenant's case model (kinds, groups, registers).
std::shared_ptr<const Model> modelOf(Tenant& t);
/// The end of a deadline of `days` counted from `event` by the tenant's production calendar (24:00 local time
/// of the last day).
long long deadlineOf(Tenant& t, long long event, int days, const std::string& unit);
/// The person's name as shown: ФИО, organisation, or e-mail.
std::string nameOf(Tenant& t, soci::session& se, const std::string& userId);
/// Files grouped by type from parts "doc.<type>"; parts of unknown types or too many files refused (422).
std::map<std::string, int> countUploads(const Kind& k, const std::vector<CaseUpload>& uploads, const std::string& side);
/// Calls kabinet.tenant.<fn>(T, args…) and reads {errors} (422 naming each field) / {values, summary}.
Obj validated(Tenant& t, const std::string& fn, int nargs, const std::function<void(lua_State*)>& push);
/// A filing as POST cases checks it before its documents: the kind (422 `kind`), the applicant (staff name one in
/// `applicant_id`), the parent offer, and the form through the kind's Lua (422 naming each field).
struct Filing {
    const Kind* kind = nullptr;
    Obj fields;            ///< as sent
    Obj validated;         ///< the Lua answer: {values, summary}
    PersonRow applicant;
    std::string channel, parent;
};
/// Checks a filing (above); reads only. Filing itself and printing a form (CaseService::printForm) share it.
Filing checkFiling(Database& db, Tenant& t, const Model& m, const SessionInfo& s, const Obj& body);
/// The case visible to this person, or 404.
CaseRow visible(CaseStore& store, const SessionInfo& s, const std::string& id);
/// The kind of the case, or 404 when the tenant no longer declares it.
const Kind& kindOf(const Model& m, const CaseRow& c);
/// A date parameter (ГГГГ-ММ-ДД, the tenant's local midnight plus `add` seconds); a bad one is noted in `e`.
std::optional<long long> dateParam(const std::map<std::string, std::string>& q, const std::string& key, int offset, long long add,
                                   FieldErrors& e);
/// A query parameter, trimmed ("" when absent).
std::string param(const std::map<std::string, std::string>& q, const std::string& key);

} // namespace kabinet::cases
