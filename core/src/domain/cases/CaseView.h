#pragma once
/// The case as a person sees it (GET cases/{id}, and the answer of every change): its fields with their
/// labels, applicant, assignee, deadlines, history, documents, messages, the actions this person may take now
/// (their side, the case's state and the kind's Lua guard), uploads allowed and the open offer.
#include "cases/CaseJson.h"
#include "cases/CaseKinds.h"
#include "cases/CaseStore.h"
#include "identity/SessionInfo.h"

namespace soci {
class session;
}

namespace kabinet {
class Tenant;
}

namespace kabinet::cases {

/// A form field's view with the applicant's profile value filled in where the field has `prefill`.
Obj fieldView(const Obj& f, const Obj& profile);
/// The document types of the kind that `side` ("consumer" | "operator") adds.
Arr docViews(const Kind& k, const std::string& side);
/// The field views of `form` with the options of their dictionaries filled in, so values show as labels.
Arr withOptions(Tenant& t, const Arr& form);
/// The fields a case of kind `k` shows, with their options (withOptions): its form's, then the inputs of its
/// `keep` actions, then `account_number` («Лицевой счёт», written by the `connect` effect) — each name once.
Arr shownFields(Tenant& t, const Kind& k);
/// [{id, label, reached_at | null, current}] of the kind's stages for a case with this history in `state`: a
/// stage is reached when the case first entered one of its states; the current one holds the case's state (in
/// none while the case is open: the last reached).
Arr stagesOf(const Kind& k, const std::vector<HistoryRow>& history, const std::string& state);
/// [{name, label, text}] of the kind's list_fields for a case with these field values ("" where it has none),
/// labelled as `shown` (shownFields) labels them.
Arr columnsOf(const Kind& k, const Arr& shown, const Obj& values);
/// The view of case `c` for person `s` at `now` (the moment the guards of its actions see).
Obj buildView(Tenant& t, soci::session& se, const Model& m, const CaseRow& c, const SessionInfo& s, long long now);

} // namespace kabinet::cases
