// Fake connector plugins on the connector SDK, compiled in variants:
//  CONNECTOR_feed    deterministic records: devices D1 (serial FEED-001), D2 (FEED-002), D3 (NOPE-999, no such
//                    meter); task "data" reports 4 half-hours of profile for each device and one reading of D1,
//                    a cursor after each half-hour ("1" … "4"), resuming after the cursor it is given. The account's
//                    token chooses a failure: "bad" → AuthError, "down" → TransportError, "slow" → 0.4 s per
//                    half-hour (stops when the host asks). call("echo") answers its input; call("fetch",
//                    {"url"}) answers the host HTTP client's {"status","body","attempts"}. Config {"refuse":true}
//                    is refused.
//  CONNECTOR_hang    sync sleeps an hour and honours nothing.
//  CONNECTOR_garbage reports device D1 (FEED-001), then malformed JSON, an unknown kind, rows with a negative power, a text for a number and
//                    an unknown device, a cursor, then fails with KB_ERR_PROTOCOL.
//  CONNECTOR_minor   built for a host one ABI minor newer: the host refuses it at load.
#include <kabinet/connector.hpp>

#include <chrono>
#include <string>
#include <thread>

namespace {

using namespace kabinet::sdk;

/// The text value of "key" in a flat JSON object text ("" when absent); enough for these fakes.
std::string field(const std::string& json, const std::string& key) {
    const std::string pattern = "\"" + key + "\":\"";
    const auto at = json.find(pattern);
    if (at == std::string::npos) return {};
    const auto end = json.find('"', at + pattern.size());
    return json.substr(at + pattern.size(), end - at - pattern.size());
}

constexpr long long kBase = 1764547200; // 2025-12-01 00:00 UTC

class FakeConnector: public Connector
{
public:
	explicit FakeConnector(const std::string& configJson)
	{
		if (configJson.find("\"refuse\":true") != std::string::npos) throw ConfigError("refuse: this configuration is refused");
	}

	void sync(const SyncRequest& request, const SyncSink& sink) override
	{
#if defined(CONNECTOR_hang)
		(void) request;
		(void) sink;
		std::this_thread::sleep_for(std::chrono::hours(1));
#elif defined(CONNECTOR_garbage)
		(void) request;
		sink.device(R"({"key":"D1","serial":"FEED-001"})");
		sink.emit("meter_data", "{\"profile\":[{\"device\":\"D1\",\"ts\":");
		sink.emit("mystery", "{\"x\":1}");
		sink.meterData(R"({"profile":[{"device":"D1","ts":1764547200,"interval_min":30,"p_plus":-5.0}]})");
		sink.meterData(R"({"profile":[{"device":"D1","ts":1764549000,"interval_min":30,"p_plus":"NaN"}]})");
		sink.meterData(R"({"profile":[{"device":"D1","ts":1764550800,"interval_min":30,"p_plus":NaN}]})");
		sink.meterData(R"({"profile":[{"device":"ZZZ","ts":1764552600,"interval_min":30,"p_plus":1.0}]})");
		sink.meterData(R"({"profile":[{"ts":1764552600,"interval_min":30,"p_plus":1.0}]})");
		sink.cursor("g1");
		throw ProtocolError("the upstream's answer made no sense");
#else
		const std::string token = field(request.accountJson, "token");
		if (token == "bad") throw AuthError("the upstream refused the token");
		if (token == "down") throw TransportError("upstream unreachable");
		if (request.task != "data") throw ConfigError("unknown task " + request.task);
		sink.device(R"({"key":"D1","serial":"FEED-001","model":"Fake","title":"Modem 1","battery":95,"last_message":1764547200})");
		sink.device(R"({"key":"D2","serial":"FEED-002","model":"Fake","title":"Modem 2"})");
		sink.device(R"({"key":"D3","serial":"NOPE-999","model":"Fake","title":"Modem 3"})");
		int start = request.cursor.empty() ? 0 : std::stoi(request.cursor);
		for (int i = start; i < 4; ++i)
		{
			if (sink.stopping()) return;
			if (token == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(400));
			const std::string ts = std::to_string(kBase + i * 1800);
			std::string rows;
			for (const char* d: {"D1", "D2", "D3"})
				rows += std::string(rows.empty() ? "" : ",") + "{\"device\":\"" + d + "\",\"ts\":" + ts + ",\"interval_min\":30,\"p_plus\":" +
					std::to_string(1 + i) + ".5}";
			std::string data = "{\"profile\":[" + rows + "]";
			if (i == 0) data += R"(,"readings":[{"device":"D1","ts":1764547200,"kind":"billing","energy":"A+","total":1234.5,"t1":1000.0,"t2":234.5}])";
			sink.meterData(data + "}");
			sink.cursor(std::to_string(i + 1));
		}
#endif
	}

	std::string call(const std::string& operation, const std::string& inputJson) override
	{
		if (operation == "echo") return inputJson;
		if (operation == "fetch")
		{
			HttpRequest r;
			r.url = field(inputJson, "url");
			r.method = field(inputJson, "method").empty() ? "GET" : field(inputJson, "method");
			r.timeoutMs = 2000;
			const HttpResponse a = http(r);
			return "{\"status\":" + std::to_string(a.status) + ",\"body\":" + jsonQuote(a.body) + ",\"attempts\":" +
				std::to_string(a.attempts) + "}";
		}
		if (operation == "reject") throw RejectedError("Договор не найден");
		if (operation == "down") throw TransportError("upstream unreachable");
		return Connector::call(operation, inputJson);
	}
};

} // namespace

#if defined(CONNECTOR_minor)
extern "C" KABINET_PLUGIN_EXPORT const kb_plugin_descriptor* kabinet_plugin_entry(const kb_host_api* host) noexcept
{
	static kb_plugin_descriptor descriptor = [] {
		kb_plugin_descriptor d = makeConnectorDescriptor<FakeConnector>(FAKE_NAME, "0.0.1", "{\"type\":\"object\"}");
		d.abi_version = KABINET_ABI_VERSION + 1; // a minor newer than the host's
		return d;
	}();
	(void) host;
	return &descriptor;
}
#else
KABINET_CONNECTOR_PLUGIN(FakeConnector, FAKE_NAME, "0.0.1", "{\"type\":\"object\"}");
#endif
