//
// Records.cpp
//


#include "Records.h"

#include "Poco/JSON/Array.h"
#include "Poco/JSON/Object.h"

#include <sstream>


namespace kabinet::waviot {


namespace {


std::string stringify(const Poco::JSON::Object& o)
{
	std::ostringstream out;
	o.stringify(out);
	return out.str();
}


} // namespace


std::vector<ReadingRow> mergeReadings(const std::vector<ChannelValues>& channels, long long from, long long to,
	std::vector<std::string>& problems)
{
	std::map<long long, ReadingRow> rows;
	for (const auto& c: channels)
		for (const auto& v: c.values)
		{
			if (v.ts < from || v.ts >= to) continue;
			const auto n = number(v.raw);
			if (!n)
			{
				problems.push_back(c.channel + "@" + std::to_string(v.ts) + ": значение не число");
				continue;
			}
			if (*n < 0)
			{
				problems.push_back(c.channel + "@" + std::to_string(v.ts) + ": отрицательное значение");
				continue;
			}
			auto& row = rows[v.ts];
			row.ts = v.ts;
			row.registers[c.reg] = *n;
		}
	std::vector<ReadingRow> out;
	out.reserve(rows.size());
	for (auto& [ts, row]: rows) out.push_back(std::move(row));
	return out;
}


std::string readingsRecord(const std::string& device, const std::vector<ReadingRow>& rows)
{
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	for (const auto& r: rows)
	{
		Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
		o->set("device", device);
		o->set("ts", r.ts);
		o->set("kind", "latest");
		o->set("energy", "A+");
		for (const auto& [reg, value]: r.registers) o->set(reg, value);
		list->add(o);
	}
	Poco::JSON::Object record;
	record.set("readings", list);
	return stringify(record);
}


std::string eventsRecord(const std::string& device, const std::vector<Value>& journal, const EventMap& map,
	long long from, long long to)
{
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	for (const auto& v: journal)
	{
		if (v.ts < from || v.ts >= to) continue;
		const EventClass c = map.classify(v.raw);
		Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
		o->set("device", device);
		o->set("ts_start", v.ts);
		o->set("code", c.code);
		o->set("category", c.category);
		o->set("severity", c.severity);
		o->set("text", c.text);
		o->set("tamper", c.tamper);
		list->add(o);
	}
	Poco::JSON::Object record;
	record.set("events", list);
	return stringify(record);
}


std::string deviceRecord(const ModemEntry& modem, const std::optional<ElementDevice>& element,
	const std::optional<ModemInfo>& info, const std::string& lastPacketTime)
{
	Poco::JSON::Object o;
	o.set("key", modem.id);
	o.set("serial", element ? element->serial : std::string());
	o.set("title", element && !element->title.empty() ? element->title : "Модем WAVIoT " + modem.id);
	o.set("model", info ? info->type : std::string());
	const auto battery = info && info->battery ? info->battery : modem.battery;
	if (battery) o.set("battery", *battery);
	else o.set("battery", Poco::Dynamic::Var());
	std::optional<long long> last = info ? info->lastStationTime : std::nullopt;
	if (!last && info) last = info->lastInfoMessage;
	if (last) o.set("last_message", *last);
	else o.set("last_message", Poco::Dynamic::Var());
	Poco::JSON::Object::Ptr extra = new Poco::JSON::Object;
	const auto temperature = info && info->temperature ? info->temperature : modem.temperature;
	if (temperature) extra->set("temperature", *temperature);
	if (info)
	{
		extra->set("hw_version", info->hwVersion);
		extra->set("sw_version", info->swVersion);
		extra->set("battery_type", info->batteryType);
		if (info->lastInfoMessage) extra->set("last_info_message", *info->lastInfoMessage);
	}
	if (!lastPacketTime.empty()) extra->set("last_packet_time", lastPacketTime);
	o.set("info", extra);
	return stringify(o);
}


} // namespace kabinet::waviot
