#include "connectors/SupplierView.h"

#include "connectors/SupplierStore.h"
#include "storage/Database.h"
#include "tenants/Tenant.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <soci/soci.h>

namespace kabinet {

namespace {
double rubles(long long kop) { return static_cast<double>(kop) / 100.0; }

std::string supplierLabel(Tenant& t, const std::string& value) {
    try {
        auto v = Poco::JSON::Parser().parse(t.dictionaryJson("suppliers"));
        Poco::JSON::Array::Ptr a = v.type() == typeid(Poco::JSON::Array::Ptr) ? v.extract<Poco::JSON::Array::Ptr>()
                                                                              : v.extract<Poco::JSON::Object::Ptr>()->getArray("items");
        for (std::size_t i = 0; a && i < a->size(); ++i)
            if (auto e = a->getObject(static_cast<unsigned>(i)); e && e->optValue<std::string>("value", "") == value)
                return e->optValue<std::string>("label", value);
    } catch (const std::exception&) {
    }
    return value;
}
} // namespace

Poco::JSON::Object::Ptr SupplierView::balances(Tenant& t, const SessionInfo& s, int entries) {
    Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
    db_.read([&](soci::session& se) {
        SupplierStore store(se, t.id());
        for (const auto& c : store.contractsOfUser(s.userId, "")) {
            std::string title, supplier;
            soci::indicator ti = soci::i_null, si = soci::i_null;
            se << "SELECT g.title, k.supplier FROM access_grants g JOIN contracts k ON k.tenant_id = g.tenant_id AND k.contract_id = g.ref_id "
                  "WHERE g.tenant_id = :t AND g.user_id = :u AND g.scope = 'contract' AND g.ref_id = :c",
                soci::into(title, ti), soci::into(supplier, si), soci::use(t.id()), soci::use(s.userId), soci::use(c.contractId);
            Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
            o->set("contract_id", c.contractId);
            o->set("number", c.number);
            o->set("title", ti == soci::i_ok && !title.empty() ? title : c.number);
            o->set("supplier_name", si == soci::i_ok ? supplierLabel(t, supplier) : std::string());
            if (auto b = store.balance(c.contractId)) {
                o->set("balance", rubles(std::get<0>(*b)));
                o->set("as_of", std::get<1>(*b));
                o->set("synced_at", std::get<2>(*b));
            } else {
                o->set("balance", Poco::Dynamic::Var());
                o->set("as_of", Poco::Dynamic::Var());
                o->set("synced_at", Poco::Dynamic::Var());
            }
            Poco::JSON::Array::Ptr charges = new Poco::JSON::Array, payments = new Poco::JSON::Array;
            for (const auto& e : store.entries(c.contractId, entries * 4)) {
                Poco::JSON::Object::Ptr x = new Poco::JSON::Object;
                x->set("id", e.externalId);
                x->set("date", e.day);
                x->set("amount", rubles(e.amountKop));
                if (e.kind == "charge") {
                    if (static_cast<int>(charges->size()) >= entries) continue;
                    x->set("period", e.period);
                    x->set("text", e.note);
                    charges->add(x);
                } else {
                    if (static_cast<int>(payments->size()) >= entries) continue;
                    x->set("agent", e.note);
                    payments->add(x);
                }
            }
            o->set("charges", charges);
            o->set("payments", payments);
            items->add(o);
        }
    });
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    out->set("items", items);
    return out;
}

} // namespace kabinet
