#include "meters/AccessStore.h"

#include "lua/LuaJson.h"
#include "meters/PointListCache.h"
#include "meters/RowJson.h"
#include "meters/VisiblePoints.h"
#include "storage/RowValues.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

namespace kabinet {

Poco::JSON::Array::Ptr AccessStore::grantedAccounts(const std::string& userId) {
    return rowjson::rows(s_, "SELECT a.account_id, a.number, a.address, a.holder_name FROM access_grants g JOIN accounts a ON "
                             "a.tenant_id = g.tenant_id AND a.account_id = g.ref_id WHERE g.tenant_id = :t AND g.user_id = :u AND "
                             "g.scope = 'account' ORDER BY a.number",
                         {"id", "number", "address", "holder_name"}, {}, {tenant_, userId});
}

Poco::JSON::Array::Ptr AccessStore::grantedContracts(const std::string& userId) {
    return rowjson::rows(s_, "SELECT c.contract_id, c.number, COALESCE(g.title, c.number), c.consumer_name, c.kind, c.valid_from, "
                             "c.valid_to, c.legal_address, c.actual_address, c.supplier FROM access_grants g JOIN contracts c ON "
                             "c.tenant_id = g.tenant_id AND c.contract_id = g.ref_id WHERE g.tenant_id = :t AND g.user_id = :u AND "
                             "g.scope = 'contract' ORDER BY c.number",
                         {"id", "number", "title", "consumer_name", "kind", "valid_from", "valid_to", "legal_address", "actual_address",
                          "supplier"},
                         {}, {tenant_, userId});
}

Poco::JSON::Array::Ptr AccessStore::grantsOf(const std::string& userId) {
    return rowjson::rows(s_, "SELECT g.scope, g.ref_id, g.way, COALESCE(a.number, c.number, p.number), p.name FROM access_grants g "
                             "LEFT JOIN accounts a ON g.scope = 'account' AND a.tenant_id = g.tenant_id AND a.account_id = g.ref_id "
                             "LEFT JOIN contracts c ON g.scope = 'contract' AND c.tenant_id = g.tenant_id AND c.contract_id = g.ref_id "
                             "LEFT JOIN metering_points p ON g.scope = 'point' AND p.tenant_id = g.tenant_id AND p.point_id = g.ref_id "
                             "WHERE g.tenant_id = :t AND g.user_id = :u ORDER BY g.scope, g.ref_id",
                         {"scope", "ref", "way", "number", "point_name"}, {}, {tenant_, userId});
}

int AccessStore::visiblePointCount(const std::string& userId) {
    int n = 0;
    s_ << "SELECT COUNT(*) FROM (" + std::string(kVisiblePoints) + ") v", soci::use(tenant_), soci::use(userId), soci::into(n);
    return n;
}

bool AccessStore::hasGrant(const std::string& userId, const std::string& scope, const std::string& ref) {
    int n = 0;
    s_ << "SELECT COUNT(*) FROM access_grants WHERE tenant_id = :t AND user_id = :u AND scope = :s AND ref_id = :r", soci::use(tenant_),
        soci::use(userId), soci::use(scope), soci::use(ref), soci::into(n);
    return n > 0;
}

void AccessStore::addGrant(const Grant& g, OnConflict onConflict) {
    std::string sql = "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, title, granted_by, granted_at) VALUES (:t, :u, "
                      ":s, :r, :w, :title, :by, :at)";
    if (onConflict == OnConflict::Keep) sql += " ON CONFLICT (tenant_id, user_id, scope, ref_id) DO NOTHING";
    if (onConflict == OnConflict::Retitle) sql += " ON CONFLICT (tenant_id, user_id, scope, ref_id) DO UPDATE SET title = excluded.title";
    const std::string title = g.title.value_or(""), by = g.grantedBy.value_or("");
    soci::indicator titleInd = g.title ? soci::i_ok : soci::i_null, byInd = g.grantedBy ? soci::i_ok : soci::i_null;
    s_ << sql, soci::use(tenant_), soci::use(g.userId), soci::use(g.scope), soci::use(g.ref), soci::use(g.way), soci::use(title, titleInd),
        soci::use(by, byInd), soci::use(g.grantedAt);
    PointListCache::changed();
}

bool AccessStore::removeGrant(const std::string& userId, const std::string& scope, const std::string& ref) {
    soci::statement st = (s_.prepare << "DELETE FROM access_grants WHERE tenant_id = :t AND user_id = :u AND scope = :s AND ref_id = :r",
                          soci::use(tenant_), soci::use(userId), soci::use(scope), soci::use(ref));
    st.execute(true);
    PointListCache::changed();
    return st.get_affected_rows() > 0;
}

bool AccessStore::retitleContract(const std::string& userId, const std::string& contractId, const std::string& title) {
    soci::statement st = (s_.prepare << "UPDATE access_grants SET title = :title WHERE tenant_id = :t AND user_id = :u AND "
                                        "scope = 'contract' AND ref_id = :r",
                          soci::use(title), soci::use(tenant_), soci::use(userId), soci::use(contractId));
    st.execute(true);
    return st.get_affected_rows() > 0;
}

std::optional<AccountRef> AccessStore::accountByNumber(const std::string& number) {
    AccountRef a;
    a.number = number;
    s_ << "SELECT account_id, address, holder_name FROM accounts WHERE tenant_id = :t AND number = :n", soci::use(tenant_), soci::use(number),
        soci::into(a.id), soci::into(a.address), soci::into(a.holderName);
    if (!s_.got_data()) return std::nullopt;
    return a;
}

std::string AccessStore::userOgrn(const std::string& userId) {
    std::string fields;
    s_ << "SELECT fields_json FROM users WHERE tenant_id = :t AND user_id = :u", soci::use(tenant_), soci::use(userId), soci::into(fields);
    auto o = luajson::parse(fields.empty() ? "{}" : fields).extract<Poco::JSON::Object::Ptr>();
    for (const char* k : {"ogrn", "ogrnip"})
        if (o->has(k) && o->get(k).isString()) return o->getValue<std::string>(k);
    return {};
}

int AccessStore::contractCount(const std::string& ogrn, const std::optional<std::string>& number) {
    int n = 0;
    if (number)
        s_ << "SELECT COUNT(*) FROM contracts WHERE tenant_id = :t AND ogrn = :o AND number = :n", soci::use(tenant_), soci::use(ogrn),
            soci::use(*number), soci::into(n);
    else
        s_ << "SELECT COUNT(*) FROM contracts WHERE tenant_id = :t AND ogrn = :o", soci::use(tenant_), soci::use(ogrn), soci::into(n);
    return n;
}

std::vector<std::string> AccessStore::contractIds(const std::string& ogrn) {
    std::vector<std::string> ids;
    soci::rowset<std::string> rs = (s_.prepare << "SELECT contract_id FROM contracts WHERE tenant_id = :t AND ogrn = :o", soci::use(tenant_),
                                    soci::use(ogrn));
    for (const auto& id : rs) ids.push_back(id);
    return ids;
}

std::optional<std::string> AccessStore::refByNumber(const std::string& scope, const std::string& number) {
    std::string id;
    if (scope == "account")
        s_ << "SELECT account_id FROM accounts WHERE tenant_id = :t AND number = :n", soci::use(tenant_), soci::use(number), soci::into(id);
    else if (scope == "contract")
        s_ << "SELECT contract_id FROM contracts WHERE tenant_id = :t AND number = :n", soci::use(tenant_), soci::use(number), soci::into(id);
    else
        s_ << "SELECT point_id FROM metering_points WHERE tenant_id = :t AND (point_id = :n OR number = :n2)", soci::use(tenant_),
            soci::use(number), soci::use(number), soci::into(id);
    if (!s_.got_data()) return std::nullopt;
    return id;
}

bool AccessStore::isConsumer(const std::string& userId) {
    int n = 0;
    s_ << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND user_id = :u AND role = 'consumer'", soci::use(tenant_), soci::use(userId),
        soci::into(n);
    return n > 0;
}

Poco::JSON::Array::Ptr AccessStore::consumers(const std::string& like, const std::string& likeLogin) {
    Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
    soci::rowset<soci::row> rs = (s_.prepare << "SELECT user_id, kind, login, email, phone, fields_json, login_field FROM users WHERE "
                                                "tenant_id = :t AND role = 'consumer' AND (login LIKE :q OR email LIKE :q2 OR login LIKE :d) "
                                                "ORDER BY login LIMIT 50",
                                  soci::use(tenant_), soci::use(like), soci::use(like), soci::use(likeLogin));
    for (const auto& r : rs) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("id", columnText(r, 0));
        o->set("kind", columnText(r, 1));
        o->set("login", columnText(r, 2));
        o->set("login_field", columnText(r, 6)); // which field the login is (snils, phone, …): the portal formats it
        o->set("email", rowjson::text(columnText(r, 3)));
        o->set("phone", rowjson::text(columnText(r, 4)));
        const std::string fields = columnText(r, 5);
        o->set("fields", luajson::parse(fields.empty() ? "{}" : fields));
        list->add(o);
    }
    return list;
}

} // namespace kabinet
