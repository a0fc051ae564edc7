#pragma once
/// The kinds of cases a tenant declares (contract §2: `kabinet.tenant.case_kinds(T)`, `case_groups(T)` and the
/// numbering registers `T.case_registers`) as C++ types. Read once per loaded tenant (a reloaded tenant with a
/// new configuration hash is read again) and shared read-only afterwards.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace kabinet {

class Tenant;

namespace cases {

/// A type of document a case may carry.
struct DocType {
    std::string id, label;
    bool required = false;              ///< must come with the filing (consumer documents only)
    long long maxBytes = 10LL << 20;    ///< per file
    std::vector<std::string> types;     ///< allowed content types by short name: pdf, jpeg, png, …
    int maxCount = 1;                   ///< files of this type per filing / action / upload
    std::string by = "consumer";        ///< "consumer" or "operator": who attaches it
    Poco::JSON::Object::Ptr view;       ///< as declared, for answers
};

/// A state of the workflow.
struct State {
    std::string id, label, tone = "work";
    bool final = false;
    bool uploads = false; ///< the applicant may add documents while the case is in it
};

/// A term that differs by a form value: `days` when the case's field `field` equals `equals`.
struct Override {
    std::string field;
    Poco::Dynamic::Var equals;
    int days = 0;
};

/// The days of a term for a case with these field values: the first override whose field equals its value
/// (a boolean, number or text compared as such), else `days`.
int termDays(int days, const std::vector<Override>& overrides, const Poco::JSON::Object::Ptr& fields);

/// When a timer action fires: `days` after the case entered its `from` state.
struct After {
    int days = 0;
    std::string unit = "calendar"; ///< "working" or "calendar"
    std::vector<Override> overrides; ///< other terms by a form value (first match wins)
};

/// A step of the workflow.
struct Action {
    std::string id, label, to;
    std::vector<std::string> from;        ///< empty: any non-final state
    std::vector<std::string> by;          ///< "consumer", "operator", "timer"
    Poco::JSON::Array::Ptr fields;        ///< input field views
    std::string comment = "none";         ///< "none", "optional", "required"
    std::vector<std::string> documents;   ///< document types that must come with it
    std::vector<std::string> attach;      ///< document types that may come with it (the required ones too)
    std::string confirm;
    std::optional<After> after;
    bool guard = false, hook = false;
    bool keep = false; ///< its validated inputs are merged into the case's fields
    /// True when the action may start from `state` of `kind`.
    bool startsFrom(const std::string& state, bool stateFinal) const;
    /// True when `role` ("consumer", "operator", "timer") may take it.
    bool takenBy(const std::string& role) const;
};

/// A deadline: `days` counted from an event; the case is overdue while in a running state past it.
struct Deadline {
    std::string id, label, unit = "calendar", from = "filed";
    int days = 0;
    std::vector<Override> overrides; ///< other terms by a form value (first match wins)
    std::vector<std::string> running;
    /// The state whose entering starts it ("" when it counts from the filing).
    std::string enteredState() const { return from.rfind("entered:", 0) == 0 ? from.substr(8) : std::string(); }
};

/// A disclosure stage: reached when the case first entered one of its states.
struct Stage {
    std::string id, label;
    std::vector<std::string> states;
};

/// One kind of case.
struct Kind {
    std::string id, label, group, registerId, numberPrefix, reportAs = "other", summaryField, initial;
    std::vector<std::string> applicants;
    bool offeredOnly = false;
    Poco::JSON::Array::Ptr form; ///< field views
    std::vector<DocType> documents;
    std::vector<State> states;
    std::vector<Action> actions;
    std::vector<Deadline> deadlines;
    std::set<std::string> enterHooks;
    std::vector<Stage> stages;              ///< in order
    std::vector<std::string> listFields;    ///< form or kept values shown as columns of the lists
    Poco::JSON::Object::Ptr raw; ///< the kind as declared

    const State* state(const std::string& id) const;
    const Action* action(const std::string& id) const;
    const DocType* document(const std::string& id) const;
    /// The label of a state (the id when unknown).
    std::string stateLabel(const std::string& id) const;
    /// True when applicants of `applicantKind` may file it themselves.
    bool fileableBy(const std::string& applicantKind) const;
};

/// A menu section of the portal.
struct Group {
    std::string id, label, list;
    Poco::JSON::Object::Ptr raw;
};

/// Everything a tenant declares about cases.
struct Model {
    std::vector<Group> groups;
    std::vector<Kind> kinds;
    std::map<std::string, long long> registerStarts; ///< register id → the first number it gives
    std::map<std::string, std::string> registerPrefixes; ///< register id → the prefix of its numbers
    /// The kind, or nullptr.
    const Kind* kind(const std::string& id) const;
    /// The start of a register (1 when not declared).
    long long registerStart(const std::string& id) const;
    /// The prefix of a register's numbers ("" when none).
    std::string registerPrefix(const std::string& id) const;
};

/// Reads and caches the model of each tenant.
class CaseKinds {
public:
    /// The tenant's model, read through Lua the first time (per configuration hash). Throws LuaError when the
    /// tenant's script fails; a tenant without cases has an empty model.
    static std::shared_ptr<const Model> of(Tenant& t);
    /// Parses a model from the JSON of case_kinds / case_groups / case_registers (for tests).
    static Model parse(const Poco::Dynamic::Var& kinds, const Poco::Dynamic::Var& groups, const Poco::Dynamic::Var& registers);
};

} // namespace cases
} // namespace kabinet
