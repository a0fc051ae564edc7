#include "cases/CaseService.h"

#include "cases/CaseChange.h"
#include "cases/CaseSupport.h"
#include "cases/CaseView.h"
#include "calendar/TenantCalendars.h"
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

Obj CaseService::list(Tenant& t, const SessionInfo& s, const Query& q, bool operatorList) {
    auto m = modelOf(t);
    const bool staff = operatorList && isStaff(s);
    CaseFilter f;
    FieldErrors e;
    if (!staff) f.applicantId = s.userId;
    const std::string kind = param(q, "kind"), group = param(q, "group");
    if (!kind.empty()) {
        f.kinds.push_back(kind);
        f.kindsGiven = true;
    } else if (!group.empty()) {
        f.kindsGiven = true;
        for (const auto& k : m->kinds) {
            const Group* g = nullptr;
            for (const auto& x : m->groups)
                if (x.id == k.group) g = &x;
            if (k.group == group || (g && g->list == group)) f.kinds.push_back(k.id);
        }
    }
    f.state = param(q, "state");
    const std::string open = param(q, "open");
    if (open == "1") f.open = true;
    else if (open == "0") f.open = false;
    else if (!open.empty()) e["open"] = "Допустимо 1 (исполняемые) или 0 (выполненные)";
    f.q = param(q, "q");
    if (chars(f.q) > 200) e["q"] = "Не больше 200 символов";
    const std::string number = param(q, "number");
    if (!number.empty()) {
        std::string digits;
        for (char ch : number)
            if (ch >= '0' && ch <= '9') digits += ch;
        if (digits.empty() || digits.size() > 15) e["number"] = "Укажите номер заявки цифрами";
        else f.number = std::stoll(digits);
    }
    int page = 1;
    f.from = dateParam(q, "from", t.utcOffset(), 0, e);
    f.to = dateParam(q, "to", t.utcOffset(), 86400, e);
    if (staff) {
        f.searchApplicants = true;
        f.dueBefore = dateParam(q, "due_to", t.utcOffset(), 86400, e);
        const std::string overdue = param(q, "overdue");
        if (overdue == "1" || overdue == "true") f.overdue = true;
        else if (overdue == "0" || overdue == "false") f.overdue = false;
        const std::string assignee = param(q, "assignee");
        if (assignee == "none") f.unassigned = true;
        else if (assignee == "me") f.assigneeId = s.userId;
        else f.assigneeId = assignee;
        const std::string p = param(q, "page");
        if (!p.empty()) {
            if (p.size() > 6 || p.find_first_not_of("0123456789") != std::string::npos || std::stoi(p) < 1) e["page"] = "Укажите номер страницы";
            else page = std::stoi(p);
        }
    }
    if (!e.empty()) throw Unprocessable(e);
    f.limit = staff ? kPageSize : 500;
    f.offset = (page - 1) * kPageSize;
    Obj j = new Poco::JSON::Object;
    db_.read([&](soci::session& se) {
        CaseStore store(se, t.id());
        long long total = 0;
        auto rows = store.list(f, total);
        std::map<std::string, std::string> names;
        auto nameFn = [&](const std::string& id) {
            auto it = names.find(id);
            if (it != names.end()) return it->second;
            return names[id] = nameOf(t, se, id);
        };
        std::map<std::string, Arr> shown; // per kind, read once a list
        Arr out = new Poco::JSON::Array;
        for (const auto& c : rows) {
            const Kind* k = m->kind(c.kind);
            Obj row = listRow(k, c, staff, nameFn);
            Arr columns = new Poco::JSON::Array;
            if (k && !k->listFields.empty()) {
                auto it = shown.find(k->id);
                if (it == shown.end()) it = shown.emplace(k->id, shownFields(t, *k)).first;
                columns = columnsOf(*k, it->second, parseObject(c.fieldsJson));
            }
            row->set("columns", columns);
            out->add(row);
        }
        j->set("cases", out);
        j->set("total", total);
        if (staff) j->set("page", page);
    });
    return j;
}

Obj CaseService::view(Tenant& t, const SessionInfo& s, const std::string& id, long long now) {
    auto m = modelOf(t);
    Obj j;
    db_.read([&](soci::session& se) {
        CaseStore store(se, t.id());
        j = buildView(t, se, *m, visible(store, s, id), s, now);
    });
    return j;
}

} // namespace kabinet
