#include "cases/CaseService.h"

#include "cases/CaseChange.h"
#include "cases/CaseSupport.h"
#include "cases/CaseView.h"
#include "calendar/TenantCalendars.h"
#include "identity/AuditLog.h"
#include "cases/CaseDocuments.h"
#include "cases/CaseJson.h"
#include "cases/CaseKinds.h"
#include "cases/CaseNumbering.h"
#include "cases/CaseStore.h"
#include "lua/LuaJson.h"
#include "lua/LuaState.h"
#include "notify/NotificationCentre.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"
#include "tenants/TenantRegistry.h"
#include "util/Crypto.h"
#include "util/Error.h"
#include "util/Log.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace kabinet {

using namespace cases;

Obj CaseService::act(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& actionId, const Obj& body,
                     const std::vector<CaseUpload>& uploads, long long now) {
    auto m = modelOf(t);
    const std::string side = sideOf(s);
    CaseRow c;
    db_.read([&](soci::session& se) {
        CaseStore store(se, t.id());
        c = visible(store, s, id);
    });
    const Kind& k = kindOf(*m, c);
    const Action* a = k.action(actionId);
    if (!a) throw NotFound("not_found", "Такого действия нет");
    if (!a->takenBy(side)) throw Error(403, "forbidden", "Это действие вам недоступно");
    const State* st = k.state(c.state);
    if (!a->startsFrom(c.state, st && st->final))
        throw Conflict("action_not_available", "Действие «" + a->label + "» недоступно: заявка в состоянии «" + k.stateLabel(c.state) + "»");
    Obj values = new Poco::JSON::Object;
    if (a->fields && a->fields->size() > 0) {
        const Obj fields = fieldsMember(body);
        Obj ok = validated(t, "case_action_validate", 3, [&](lua_State* L) {
            lua_pushstring(L, k.id.c_str());
            lua_pushstring(L, a->id.c_str());
            luajson::push(L, Var(fields));
        });
        if (ok->has("values") && ok->get("values").type() == typeid(Obj)) values = ok->getObject("values");
        else values = fields;
    }
    const std::string comment = trimmed(textMember(body, "comment"));
    FieldErrors e;
    if (a->comment == "required" && comment.empty()) e["comment"] = "Напишите комментарий";
    if (chars(comment) > kMaxText) e["comment"] = "Не больше " + std::to_string(kMaxText) + " символов";
    const auto counts = countUploads(k, uploads, side);
    for (const auto& [type, n] : counts)
        if (std::find(a->attach.begin(), a->attach.end(), type) == a->attach.end())
            e["doc." + type] = "К действию «" + a->label + "» этот документ не прикладывается";
    for (const auto& d : a->documents)
        if (!counts.count(d)) {
            const DocType* dt = k.document(d);
            e["doc." + d] = "Приложите документ «" + (dt ? dt->label : d) + "»";
        }
    if (!e.empty()) throw Unprocessable(e);
    Obj j;
    db_.transaction([&](soci::session& se) {
        CaseStore store(se, t.id());
        CaseRow cur = visible(store, s, id);
        if (cur.state != c.state || !move(t, se, store, k, cur, *a, s.userId, side, values, comment, uploads, now))
            throw Conflict("state_changed", "Заявка уже перешла в другое состояние; обновите страницу");
        j = buildView(t, se, *m, *store.get(id), s, now);
    });
    return j;
}

Obj CaseService::assign(Tenant& t, const SessionInfo& s, const std::string& id, const Obj& body, long long now, const std::string& client) {
    auto m = modelOf(t);
    if (!body || !body->has("assignee")) throw Unprocessable({{"assignee", "Выберите сотрудника"}});
    const std::string assignee = textMember(body, "assignee");
    Obj j;
    db_.transaction([&](soci::session& se) {
        CaseStore store(se, t.id());
        CaseRow c = visible(store, s, id);
        if (!assignee.empty()) {
            auto p = person(se, t.id(), assignee);
            if (!p || p->role == "consumer") throw Unprocessable({{"assignee", "Такого сотрудника нет"}});
        }
        if (assignee != c.assigneeId) {
            store.setAssignee(c.id, assignee, now);
            // A change like any other: in the history (who, when, to whom), and told to the new assignee.
            HistoryRow h;
            h.at = now;
            h.actorId = s.userId;
            h.actorRole = sideOf(s);
            h.action = kAssignAction;
            h.fromState = h.toState = c.state;
            Obj to = new Poco::JSON::Object;
            to->set("assignee", assignee);
            h.fieldsJson = stringify(Var(to));
            store.append(c.id, h);
            AuditEntry audit = AuditEntry::done("operator", s.userId, "case_assign", client, assignee);
            audit.details->set("case", c.numberText);
            AuditLog::recordIn(se, t.id(), audit);
            if (!assignee.empty() && assignee != s.userId) {
                if (const Kind* k = m->kind(c.kind)) {
                    Change ch{t, se, store, *k, c, now};
                    Audience a;
                    a.users.push_back(assignee);
                    ch.raise("case_assigned", a, {{"by", nameOf(t, se, s.userId)}});
                }
            }
        }
        j = buildView(t, se, *m, *store.get(id), s, now);
    });
    return j;
}

} // namespace kabinet
