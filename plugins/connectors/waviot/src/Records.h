//
// Records.h
//
// The records the connector reports, built from parsed answers (pure functions): reading rows merged from the
// per-tariff channels of one modem, journal events classified by the EventMap, and a modem as a device.
//


#ifndef KABINET_WAVIOT_RECORDS_H
#define KABINET_WAVIOT_RECORDS_H


#include "Answers.h"
#include "EventMap.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>


namespace kabinet::waviot {


struct ReadingRow
	/// One cumulative A+ reading of a meter at one instant: register ("total", "t1".."t4") → kWh.
{
	long long ts = 0;
	std::map<std::string, double> registers;
};


struct ChannelValues
	/// The values of one channel and the register it feeds.
{
	std::string channel;   /// e.g. electro_ac_p_lsum_t1
	std::string reg;       /// total, t1, t2, t3 or t4
	std::vector<Value> values;
};


std::vector<ReadingRow> mergeReadings(const std::vector<ChannelValues>& channels, long long from, long long to,
	std::vector<std::string>& problems);
	/// One row per instant in [from, to) at which any channel has a value, in time order. A value that is not
	/// a number or is negative is left out and named in `problems` ("<channel>@<ts>: <reason>"); an instant
	/// none of whose values is usable gives no row.

std::string readingsRecord(const std::string& device, const std::vector<ReadingRow>& rows);
	/// The "meter_data" record {"readings":[{"device","ts","kind":"latest","energy":"A+","total","t1",…}]}.

std::string eventsRecord(const std::string& device, const std::vector<Value>& journal, const EventMap& map,
	long long from, long long to);
	/// The "meter_data" record {"events":[{"device","ts_start","code","category","severity","text","tamper"}]}
	/// of the journal entries in [from, to) (an entry's value is its upstream code).

std::string deviceRecord(const ModemEntry& modem, const std::optional<ElementDevice>& element,
	const std::optional<ModemInfo>& info, const std::string& lastPacketTime);
	/// The "device" record {"key","serial","model","title","battery","last_message","info":{…}}: battery and
	/// last message from the modem info when present, else from the tree's entry.


} // namespace kabinet::waviot


#endif // KABINET_WAVIOT_RECORDS_H
