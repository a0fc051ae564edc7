//
// WaviotConnector.cpp
//


#include "WaviotConnector.h"

#include "Records.h"

#include <algorithm>
#include <charconv>


namespace kabinet::waviot {


long long cursorTime(const std::string& cursor)
{
	long long v = 0;
	auto [p, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), v);
	if (ec != std::errc() || p != cursor.data() + cursor.size() || v < 0) return 0;
	return v;
}


WaviotConnector::WaviotConnector(const std::string& configJson): _settings(Settings::parse(configJson)), _session(_settings)
{
}


void WaviotConnector::sync(const sdk::SyncRequest& request, const sdk::SyncSink& sink)
{
	if (request.task == "modems") syncModems(request, sink);
	else if (request.task == "channels") syncSeries(request, sink, false);
	else if (request.task == "events") syncSeries(request, sink, true);
	else throw sdk::ConfigError("неизвестная задача \"" + request.task + "\" (modems, channels, events)");
}


std::vector<ModemEntry> WaviotConnector::modems(long long now)
{
	return parseModems(_session.get("api.tree/get_modems", {{"id", _settings.treeId}}, now));
}


void WaviotConnector::syncModems(const sdk::SyncRequest& request, const sdk::SyncSink& sink)
{
	const long long now = request.now;
	const auto list = modems(now);
	std::map<std::string, ElementDevice> elements;
	if (_settings.elementInfo)
		elements = parseElementInfo(_session.get("api.data/get_full_element_info", {{"id", _settings.treeId}}, now));
	for (const auto& m: list)
	{
		if (sink.stopping()) return;
		std::optional<ModemInfo> info;
		try
		{
			info = parseModemInfo(_session.get("api.modem/info", {{"id", m.id}}, now));
		}
		catch (const UpstreamFailure& e)
		{
			sink.problem(m.id, e.what());
		}
		std::string packetTime;
		if (_settings.lastMessage)
		{
			try
			{
				const auto answer = _session.get("api.modem/get_last_message", {{"id", m.id}}, now);
				if (const auto packet = answer->getObject("packet"))
					if (const auto t = integer(packet, "time")) packetTime = std::to_string(*t);
			}
			catch (const UpstreamFailure&)
			{
			}
		}
		const auto e = elements.find(m.id);
		sink.device(deviceRecord(m, e == elements.end() ? std::nullopt : std::optional<ElementDevice>(e->second), info, packetTime));
	}
	sink.cursor(std::to_string(request.to ? request.to : now));
}


void WaviotConnector::syncSeries(const sdk::SyncRequest& request, const sdk::SyncSink& sink, bool events)
{
	const long long now = request.now;
	const long long to = request.to ? request.to : now;
	long long from = std::max<long long>(request.from, cursorTime(request.cursor));
	if (from <= 0) from = to - 31LL * 86400;
	if (from >= to) return;
	const auto list = modems(now);
	const long long chunk = static_cast<long long>(_settings.chunkDays) * 86400;
	for (long long a = from; a < to; a += chunk)
	{
		const long long b = std::min(to, a + chunk);
		for (const auto& m: list)
		{
			if (sink.stopping()) return;
			auto values = [&](const std::string& method, const std::string& channel) {
				return parseValues(_session.get(method, {{"modem_id", m.id}, {"channel", channel}, {"from", std::to_string(a)},
					{"to", std::to_string(b)}}, now));
			};
			if (events)
			{
				const auto journal = values(_settings.eventsMethod, _settings.eventsChannel);
				if (std::any_of(journal.begin(), journal.end(), [&](const Value& v) { return v.ts >= a && v.ts < b; }))
					sink.meterData(eventsRecord(m.id, journal, _settings.events, a, b));
				continue;
			}
			std::vector<ChannelValues> channels;
			for (const auto& c: _settings.channels) channels.push_back({c.channel, c.reg, values(_settings.valuesMethod, c.channel)});
			std::vector<std::string> problems;
			const auto rows = mergeReadings(channels, a, b, problems);
			for (const auto& p: problems) sink.problem(m.id, p);
			if (!rows.empty()) sink.meterData(readingsRecord(m.id, rows));
		}
		sink.cursor(std::to_string(b));
	}
}


} // namespace kabinet::waviot
