//
// EventMap.h
//
// The event classes of WAVIoT's event journal (registrator electro_event_log). The ФОБОС 1 / ФОБОС 3 event
// codes are not published, so the mapping from upstream codes to Kabinet's event codes, categories and the
// tamper flag is a setting ("event_map"); a code it does not name is stored as "waviot_<code>" of the
// category "unmapped_event" gives (never dropped, never taken for tamper).
//


#ifndef KABINET_WAVIOT_EVENTMAP_H
#define KABINET_WAVIOT_EVENTMAP_H


#include "Poco/JSON/Object.h"

#include <map>
#include <string>


namespace kabinet::waviot {


struct EventClass
	/// What one upstream event code means in Kabinet.
{
	std::string code;               /// Kabinet's event code, e.g. "cover_open"
	std::string category = "other"; /// e.g. "tamper", "power", "other"
	std::string severity = "info";  /// info, warning or alarm
	std::string text;               /// Russian text shown to staff
	bool tamper = false;            /// raises the operator's tamper alert
	bool mapped = false;            /// the code was in the map
};


class EventMap
	/// Upstream code → EventClass, from the settings. Immutable.
{
public:
	EventMap() = default;

	static EventMap parse(const Poco::JSON::Object::Ptr& eventMap, const Poco::JSON::Object::Ptr& unmapped);
		/// Reads "event_map" ({"<code>": {"code","category","severity","text","tamper"}}) and "unmapped_event"
		/// ({"category","severity"}); either may be null. Throws kabinet::sdk::ConfigError naming the entry
		/// when an entry is not an object, has no "code", or a severity other than info/warning/alarm.

	EventClass classify(const std::string& upstreamCode) const;
		/// The class of an upstream code; an unmapped code gives "waviot_<code>" (code sanitised to
		/// [A-Za-z0-9_-], at most 32 characters) with the unmapped category and severity, never tamper.

	std::size_t size() const noexcept { return _map.size(); }
		/// How many codes are mapped.

private:
	std::map<std::string, EventClass> _map;
	EventClass _unmapped;
};


} // namespace kabinet::waviot


#endif // KABINET_WAVIOT_EVENTMAP_H
