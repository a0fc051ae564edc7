#include "notify/NotificationCentre.h"

#include "notify/NotificationKinds.h"
#include "notify/NotificationStore.h"
#include "tenants/Tenant.h"
#include "util/Crypto.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <sstream>

namespace kabinet {

namespace {
std::string refsJson(NotificationStore& store, const std::string& tenant, const std::vector<NoticeRef>& refs,
                     const std::string& title) {
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    for (const auto& r : refs) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("type", r.type);
        o->set("id", r.id);
        std::string label = r.label.empty() ? store.refLabel(tenant, r.type, r.id) : r.label;
        o->set("label", label.empty() ? title : label);
        out->add(o);
    }
    std::ostringstream s;
    out->stringify(s);
    return s.str();
}
} // namespace

std::string NotificationCentre::raise(soci::session& s, Tenant& t, const Notice& n, long long now) {
    const auto kinds = NotificationKinds::of(t);
    const NotificationKind* kind = kinds->kind(n.kind);
    if (!kind) throw Unprocessable({{"kind", "Неизвестный вид уведомления «" + n.kind.substr(0, 64) + "»"}});
    const NotificationCategory* category = kinds->category(kind->category);
    std::string title = n.title.empty() ? fillTemplate(kind->title, n.values) : n.title;
    if (title.empty()) title = kind->label;
    const std::string body = n.body.empty() ? fillTemplate(kind->body, n.values) : n.body;

    NotificationStore store(s);
    const std::string id = "ntf-" + crypto::randomToken(12);
    if (!store.insertNotification(t.id(), id, kind->id, kind->category, kind->severity, title, body,
                                  refsJson(store, t.id(), n.refs, title), now, n.dedupeKey, n.broadcastId))
        return "";
    if (store.addRecipients(t.id(), id, n.audience, now) == 0) {
        // A staff notice stays in the tenant's journal (the operators' pages) even before anyone could receive it.
        if (!n.audience.operators) store.removeNotification(t.id(), id);
        return "";
    }
    store.addInAppDeliveries(t.id(), id, now);
    const bool categoryOn = category ? category->defaultOn : true;
    auto uses = [&](const std::string& channel) {
        if (!kinds->offers(channel)) return false;
        if (n.channels.empty()) return kind->uses(channel);
        return std::find(n.channels.begin(), n.channels.end(), channel) != n.channels.end();
    };
    if (uses("email"))
        store.addChannelDeliveries(t.id(), id, "email", kind->category, categoryOn, kinds->digestDefault, title,
                                   body + "\n\n" + t.name(), now);
    if (uses("sms"))
        store.addChannelDeliveries(t.id(), id, "sms", kind->category, categoryOn, false, "",
                                   t.shortName() + ": " + (body.empty() ? title : body), now);
    return id;
}

} // namespace kabinet
