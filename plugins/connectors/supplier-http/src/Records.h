//
// Records.h
//
// The supplier's answers turned into the records of the connector ABI (plugin.h): only known fields, with
// checked types; anything malformed throws std::invalid_argument naming what (the sync makes it a problem).
//


#pragma once


#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>
#include <string>


namespace kabinet::supplier::records {


Poco::JSON::Object::Ptr contract(const Poco::JSON::Object::Ptr& c);
	/// {"number","title","consumer_name","address","valid_from","points":[{"number","name","address",
	/// "meters":[{"serial","model","smart","zones","submission":{"from_day","to_day"}}]}]}.

Poco::JSON::Object::Ptr balance(const std::string& contract, const Poco::JSON::Object::Ptr& balance,
	const Poco::JSON::Array::Ptr& charges, const Poco::JSON::Array::Ptr& payments);
	/// {"contract","as_of","balance","charges":[{"id","date","period","amount","text"}],
	/// "payments":[{"id","date","amount","agent"}]}; amounts in rubles with kopecks.

Poco::JSON::Object::Ptr notification(const Poco::JSON::Object::Ptr& n);
	/// {"id","contract","title","text","at"}.

Poco::JSON::Object::Ptr caseUpdate(const Poco::JSON::Object::Ptr& a, const std::map<std::string, std::string>& statusMap);
	/// {"external_id","state","answer","at"}; the state through the status map (unknown statuses kept as given).

std::string text(const Poco::JSON::Object::Ptr& o);
	/// The object as JSON text.


} // namespace kabinet::supplier::records
