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

Obj CaseService::addDocument(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& type, const CaseUpload& file,
                             long long now) {
    auto m = modelOf(t);
    const std::string side = sideOf(s);
    Obj j;
    db_.transaction([&](soci::session& se) {
        CaseStore store(se, t.id());
        CaseRow c = visible(store, s, id);
        const Kind& k = kindOf(*m, c);
        const DocType* d = k.document(type);
        if (!d || d->by != side) throw Unprocessable({{"type", "Такой документ к этой заявке не прикладывается"}});
        const State* st = k.state(c.state);
        const bool open = st && !st->final;
        // The applicant is told why: the case is closed, or its state takes no documents (e.g. after «Завершить
        // загрузку» until the utility has checked them).
        if (!open) throw Conflict("uploads_closed", "Заявка закрыта: документы к ней не добавляются", {{"file", "Заявка закрыта: документы к ней не добавляются"}});
        if (side == "consumer" && (!st->uploads || c.uploadsLocked)) {
            const std::string why = "Загрузка документов завершена: дождитесь проверки заявки";
            throw Conflict("uploads_closed", why, {{"file", why}});
        }
        CaseUpload u = file;
        u.part = "doc." + type;
        const auto stored = storeUploads(se, t, c.id, "", k, {u}, s.userId, now);
        store.touch(c.id, now);
        if (stored.empty()) throw Unprocessable({{"file", "Приложите файл"}});
        const CaseDoc& last = stored.front();
        j = new Poco::JSON::Object;
        j->set("document", documentJson(&k, last, side, nameOf(t, se, s.userId)));
        Change ch{t, se, store, k, c, now};
        if (side == "operator") ch.raise("case_changed", ch.applicant(), {{"state", k.stateLabel(c.state)}, {"action", "Добавлен документ"}});
    });
    return j;
}

CaseFile CaseService::document(Tenant& t, const SessionInfo& s, const std::string& id, const std::string& documentId) {
    CaseFile f;
    db_.read([&](soci::session& se) {
        CaseStore store(se, t.id());
        visible(store, s, id);
        for (const auto& d : caseDocuments(se, t.id(), id))
            if (d.id == documentId) f = CaseFile{d.id, d.name, d.contentType, d.size};
    });
    if (f.documentId.empty()) throw NotFound("not_found", "Документ не найден");
    return f;
}

void CaseService::copyDocument(Tenant& t, const std::string& documentId, std::ostream& out) { copyCaseDocument(db_, t.id(), documentId, out); }

Obj CaseService::addMessage(Tenant& t, const SessionInfo& s, const std::string& id, const Obj& body, const std::vector<CaseUpload>& uploads,
                            long long now) {
    auto m = modelOf(t);
    const std::string side = sideOf(s);
    const std::string text = trimmed(textMember(body, "text"));
    if (text.empty()) throw Unprocessable({{"text", "Напишите сообщение"}});
    if (chars(text) > kMaxText) throw Unprocessable({{"text", "Не больше " + std::to_string(kMaxText) + " символов"}});
    Obj j;
    db_.transaction([&](soci::session& se) {
        CaseStore store(se, t.id());
        CaseRow c = visible(store, s, id);
        const Kind& k = kindOf(*m, c);
        MessageRow msg{crypto::randomToken(12), s.userId, side, text, now};
        store.addMessage(c.id, msg);
        // A message's file is stored as the first document type of the writer's side.
        std::string fileType;
        for (const auto& d : k.documents)
            if (d.by == side && fileType.empty()) fileType = d.id;
        if (!uploads.empty() && fileType.empty()) throw Unprocessable({{"file", "К сообщениям по этой заявке файлы не прикладываются"}});
        storeUploads(se, t, c.id, "message:" + msg.id, k, uploads, s.userId, now, fileType);
        store.touch(c.id, now);
        Change ch{t, se, store, k, c, now};
        const std::string author = nameOf(t, se, s.userId);
        ch.raise("case_message", side == "consumer" ? Change::operators() : ch.applicant(), {{"author", author}});
        j = new Poco::JSON::Object;
        Obj mj = new Poco::JSON::Object;
        mj->set("id", msg.id);
        mj->set("at", msg.at);
        Obj a = new Poco::JSON::Object;
        a->set("role", side);
        a->set("name", author);
        mj->set("author", a);
        mj->set("text", text);
        Arr docs = new Poco::JSON::Array;
        for (const auto& d : caseDocuments(se, t.id(), c.id))
            if (d.ref == "message:" + msg.id) docs->add(documentJson(&k, d, side, author));
        mj->set("documents", docs);
        j->set("message", mj);
    });
    return j;
}

} // namespace kabinet
