//
// Records.cpp
//


#include "Records.h"

#include <cmath>
#include <sstream>
#include <stdexcept>


namespace kabinet::supplier::records {


namespace {


std::string str(const Poco::JSON::Object::Ptr& o, const std::string& key, bool required, std::size_t max = 1000)
{
	if (!o->has(key) || o->get(key).isEmpty())
	{
		if (required) throw std::invalid_argument("no " + key);
		return {};
	}
	const auto& v = o->get(key);
	if (!v.isString() && !v.isNumeric()) throw std::invalid_argument(key + " is not a text");
	std::string s = v.toString();
	if (required && s.empty()) throw std::invalid_argument("empty " + key);
	if (s.size() > max) throw std::invalid_argument(key + " is too long");
	return s;
}


double money(const Poco::JSON::Object::Ptr& o, const std::string& key)
{
	if (!o->has(key) || !o->get(key).isNumeric()) throw std::invalid_argument(key + " is not a number");
	const double v = o->getValue<double>(key);
	if (!std::isfinite(v) || std::fabs(v) > 1e12) throw std::invalid_argument(key + " is out of range");
	return std::round(v * 100.0) / 100.0;
}


bool isDate(const std::string& d)
{
	return d.size() == 10 && d[4] == '-' && d[7] == '-';
}


} // namespace


std::string text(const Poco::JSON::Object::Ptr& o)
{
	std::ostringstream s;
	o->stringify(s);
	return s.str();
}


Poco::JSON::Object::Ptr contract(const Poco::JSON::Object::Ptr& c)
{
	Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
	out->set("number", str(c, "number", true, 64));
	out->set("title", str(c, "title", false, 300));
	out->set("consumer_name", str(c, "consumer_name", false, 300));
	out->set("address", str(c, "address", false, 300));
	out->set("valid_from", str(c, "valid_from", false, 10));
	Poco::JSON::Array::Ptr points = new Poco::JSON::Array;
	if (auto ps = c->getArray("points"))
	{
		for (const auto& pv: *ps)
		{
			if (pv.type() != typeid(Poco::JSON::Object::Ptr)) throw std::invalid_argument("a point is not an object");
			auto p = pv.extract<Poco::JSON::Object::Ptr>();
			Poco::JSON::Object::Ptr po = new Poco::JSON::Object;
			po->set("number", str(p, "number", true, 64));
			po->set("name", str(p, "name", false, 300));
			po->set("address", str(p, "address", false, 300));
			Poco::JSON::Array::Ptr meters = new Poco::JSON::Array;
			if (auto ms = p->getArray("meters"))
			{
				for (const auto& mv: *ms)
				{
					if (mv.type() != typeid(Poco::JSON::Object::Ptr)) throw std::invalid_argument("a meter is not an object");
					auto m = mv.extract<Poco::JSON::Object::Ptr>();
					Poco::JSON::Object::Ptr mo = new Poco::JSON::Object;
					mo->set("serial", str(m, "serial", true, 64));
					mo->set("model", str(m, "model", false, 100));
					mo->set("smart", m->has("smart") && m->get("smart").isBoolean() && m->getValue<bool>("smart"));
					Poco::JSON::Array::Ptr zones = new Poco::JSON::Array;
					if (auto zs = m->getArray("zones"))
						for (const auto& z: *zs)
							if (z.isString() && z.toString().size() <= 8) zones->add(z.toString());
					if (zones->size() == 0) zones->add("T1");
					mo->set("zones", zones);
					if (auto w = m->getObject("submission"))
					{
						Poco::JSON::Object::Ptr wo = new Poco::JSON::Object;
						const int a = w->optValue<int>("from_day", 1), b = w->optValue<int>("to_day", 31);
						if (a < 1 || a > 31 || b < a || b > 31) throw std::invalid_argument("the submission window is not days of a month");
						wo->set("from_day", a);
						wo->set("to_day", b);
						mo->set("submission", wo);
					}
					meters->add(mo);
				}
			}
			po->set("meters", meters);
			points->add(po);
		}
	}
	out->set("points", points);
	return out;
}


Poco::JSON::Object::Ptr balance(const std::string& contract, const Poco::JSON::Object::Ptr& b,
	const Poco::JSON::Array::Ptr& charges, const Poco::JSON::Array::Ptr& payments)
{
	Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
	out->set("contract", contract);
	if (!b->has("as_of") || !b->get("as_of").isNumeric()) throw std::invalid_argument("as_of is not a time");
	out->set("as_of", b->getValue<long long>("as_of"));
	out->set("balance", money(b, "balance"));
	Poco::JSON::Array::Ptr cs = new Poco::JSON::Array, ps = new Poco::JSON::Array;
	for (const auto& v: *charges)
	{
		if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw std::invalid_argument("a charge is not an object");
		auto c = v.extract<Poco::JSON::Object::Ptr>();
		Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
		o->set("id", str(c, "id", true, 100));
		o->set("date", str(c, "date", true, 10));
		if (!isDate(o->getValue<std::string>("date"))) throw std::invalid_argument("a charge's date is not YYYY-MM-DD");
		o->set("period", str(c, "period", false, 7));
		o->set("amount", money(c, "amount"));
		o->set("text", str(c, "text", false, 300));
		cs->add(o);
	}
	for (const auto& v: *payments)
	{
		if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw std::invalid_argument("a payment is not an object");
		auto p = v.extract<Poco::JSON::Object::Ptr>();
		Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
		o->set("id", str(p, "id", true, 100));
		o->set("date", str(p, "date", true, 10));
		if (!isDate(o->getValue<std::string>("date"))) throw std::invalid_argument("a payment's date is not YYYY-MM-DD");
		o->set("amount", money(p, "amount"));
		o->set("agent", str(p, "agent", false, 200));
		ps->add(o);
	}
	out->set("charges", cs);
	out->set("payments", ps);
	return out;
}


Poco::JSON::Object::Ptr notification(const Poco::JSON::Object::Ptr& n)
{
	Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
	out->set("id", str(n, "id", true, 100));
	out->set("contract", str(n, "contract", false, 64));
	out->set("title", str(n, "title", true, 300));
	out->set("text", str(n, "text", false, 4000));
	if (!n->has("at") || !n->get("at").isNumeric()) throw std::invalid_argument("at is not a time");
	out->set("at", n->getValue<long long>("at"));
	return out;
}


Poco::JSON::Object::Ptr caseUpdate(const Poco::JSON::Object::Ptr& a, const std::map<std::string, std::string>& statusMap)
{
	Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
	out->set("external_id", str(a, "id", true, 100));
	const std::string status = str(a, "status", true, 64);
	const auto it = statusMap.find(status);
	out->set("state", it == statusMap.end() ? status : it->second);
	out->set("answer", str(a, "answer", false, 8000));
	out->set("at", a->has("updated_at") && a->get("updated_at").isNumeric() ? a->getValue<long long>("updated_at") : 0LL);
	return out;
}


} // namespace kabinet::supplier::records
