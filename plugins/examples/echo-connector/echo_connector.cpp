// echo-connector: the smallest useful connector on the Kabinet connector SDK (kabinet/connector.hpp), built out of
// tree. Task "echo" reports one device and, for every half-hour of the window it is asked for after its cursor,
// a profile interval of 1 kW for that device, with a cursor after each; when the config names a "url", it first
// asks the host's HTTP client for it and reports an answer other than 200 as a problem. call("echo") answers its
// input.
#include <kabinet/connector.hpp>

#include <string>

namespace {

using namespace kabinet::sdk;

/// The text value of "key" in a flat JSON object ("" when absent).
std::string textField(const std::string& json, const std::string& key)
{
	const std::string pattern = "\"" + key + "\":\"";
	const auto at = json.find(pattern);
	if (at == std::string::npos) return {};
	const auto end = json.find('"', at + pattern.size());
	return end == std::string::npos ? std::string() : json.substr(at + pattern.size(), end - at - pattern.size());
}

class EchoConnector: public Connector
{
public:
	explicit EchoConnector(const std::string& configJson):
		_device(textField(configJson, "device")),
		_url(textField(configJson, "url"))
	{
		if (_device.empty()) _device = "echo-1";
		if (!_url.empty() && _url.rfind("http://", 0) != 0 && _url.rfind("https://", 0) != 0)
			throw ConfigError("url: must start with http:// or https://");
	}

	void sync(const SyncRequest& request, const SyncSink& sink) override
	{
		if (request.task != "echo") throw ConfigError("unknown task " + request.task);
		if (!_url.empty())
		{
			HttpRequest r;
			r.url = _url;
			const HttpResponse answer = http(r);
			if (answer.status != 200) sink.problem(_url, "HTTP " + std::to_string(answer.status));
		}
		sink.device("{\"key\":" + jsonQuote(_device) + ",\"serial\":" + jsonQuote(_device) + ",\"title\":\"Echo\"}");
		long long start = request.cursor.empty() ? request.from : std::stoll(request.cursor);
		start -= start % 1800;
		for (long long ts = start; ts + 1800 <= request.to; ts += 1800)
		{
			if (sink.stopping()) return;
			sink.meterData("{\"profile\":[{\"device\":" + jsonQuote(_device) + ",\"ts\":" + std::to_string(ts) +
				",\"interval_min\":30,\"p_plus\":1.0}]}");
			sink.cursor(std::to_string(ts + 1800));
		}
	}

	std::string call(const std::string& operation, const std::string& inputJson) override
	{
		if (operation == "echo") return inputJson;
		return Connector::call(operation, inputJson);
	}

private:
	std::string _device, _url;
};

} // namespace

KABINET_CONNECTOR_PLUGIN(EchoConnector, "echo-connector", "0.1.0", "{\"type\":\"object\"}");
